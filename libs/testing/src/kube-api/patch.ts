// PATCH bodies the API server accepts: JSON merge patch (RFC 7386), strategic merge patch
// (applied here as a merge patch: lists are replaced, which is what it does for lists without
// a patch strategy, and configmap data is a map), and JSON patch (RFC 6902).
import { badRequest, unsupportedMediaType } from './status';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch) as Json;
  const result: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

function parentOf(document: Json, path: string[], op: string): { parent: Json; last: string } {
  let node: Json = document;
  for (const token of path.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (next === undefined) throw badRequest(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join('/')}"`);
    node = next;
  }
  return { parent: node, last: path[path.length - 1] };
}

function readAt(document: Json, path: string[]): Json | undefined {
  let node: Json | undefined = document;
  for (const token of path) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = node[token];
    else return undefined;
  }
  return node;
}

function removeAt(document: Json, path: string[], op: string): Json {
  const { parent, last } = parentOf(document, path, op);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!(index >= 0 && index < parent.length)) throw badRequest(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join('/')}"`);
    return parent.splice(index, 1)[0];
  }
  if (!isObject(parent) || !(last in parent)) throw badRequest(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join('/')}"`);
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(document: Json, path: string[], value: Json, op: string): Json {
  if (path.length === 0) return value;
  const { parent, last } = parentOf(document, path, op);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!(index >= 0 && index <= parent.length)) throw badRequest(`the server rejected our request due to an error in our request: ${op} operation does not apply: index out of range`);
    parent.splice(index, 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw badRequest(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join('/')}"`);
  }
  return document;
}

export function jsonPatch(target: unknown, operations: unknown): Json {
  if (!Array.isArray(operations)) throw badRequest('the server rejected our request due to an error in our request: a JSON patch is a list of operations');
  let document = structuredClone(target) as Json;
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('the server rejected our request due to an error in our request: invalid JSON patch operation');
    }
    const path = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        document = addAt(document, path, structuredClone(raw.value ?? null), 'add');
        break;
      case 'remove':
        removeAt(document, path, 'remove');
        break;
      case 'replace':
        removeAt(document, path, 'replace');
        document = addAt(document, path, structuredClone(raw.value ?? null), 'replace');
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(String(raw.from ?? ''));
        const value = raw.op === 'move' ? removeAt(document, from, 'move') : structuredClone(readAt(document, from) ?? null);
        document = addAt(document, path, value, raw.op);
        break;
      }
      case 'test':
        if (JSON.stringify(readAt(document, path)) !== JSON.stringify(raw.value)) {
          throw new TestFailed(raw.path);
        }
        break;
      default:
        throw badRequest(`the server rejected our request due to an error in our request: unexpected kind: ${raw.op}`);
    }
  }
  return document;
}

/** A failed JSON-patch `test` operation (the server answers 422). */
export class TestFailed extends Error {
  constructor(readonly path: string) {
    super(`testing value ${path} failed`);
  }
}

export type PatchType = 'merge' | 'strategic' | 'json';

export function patchTypeOf(contentType: string): PatchType {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/merge-patch+json') return 'merge';
  if (mediaType === 'application/strategic-merge-patch+json') return 'strategic';
  if (mediaType === 'application/json-patch+json') return 'json';
  throw unsupportedMediaType(mediaType);
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): Json {
  return type === 'json' ? jsonPatch(target, patch) : mergePatch(target, patch);
}
