import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { FlowGraph } from './graph';
import { canonicalGraphJson } from './stable-json';

/** SHA-256 (hex) of a text's UTF-8 bytes; pure JavaScript, so it runs in the browser as well. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** `sha256:<hex>` of the canonical graph JSON: equal graphs hash equal whatever their array or key order. */
export function flowContentHash(graph: FlowGraph): string {
  return `sha256:${sha256Hex(canonicalGraphJson(graph))}`;
}
