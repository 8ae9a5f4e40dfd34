import { utf8Text } from '../buffer-text';
import { brotliDecompressSync, constants as zlibConstants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/**
 * Collects a message body up to a byte cap while counting all of it, and turns it into
 * item text at the end: content-decoded (gzip, deflate, br) with an output cap, inlined
 * when textual, omitted (size only) when binary.
 */
export class BodyCollector {
  /** De-chunked body bytes seen (the entity length on the wire), including bytes lost in gaps. */
  total = 0;
  /** Bytes missing because of a capture gap inside the body. */
  missing = 0;
  /** The first part as a range of a buffer: most bodies are one range of one segment. */
  private firstBuf: Buffer | null = null;
  private firstStart = 0;
  private firstEnd = 0;
  /** The first part is a view into a caller's buffer (copy before the call returns). */
  private borrowed = false;
  private more: Buffer[] | null = null;
  private kept = 0;

  constructor(private readonly cap: number) {}

  /** Takes a view of `buf[start, end)`; call `detach()` before the caller's buffer may change. */
  add(buf: Buffer, start: number, end: number): void {
    const length = end - start;
    this.total += length;
    if (this.kept >= this.cap || length === 0) return;
    const take = Math.min(length, this.cap - this.kept);
    this.kept += take;
    if (this.firstBuf === null) {
      this.firstBuf = buf;
      this.firstStart = start;
      this.firstEnd = start + take;
      this.borrowed = true;
      return;
    }
    this.detach();
    (this.more ??= []).push(Buffer.from(buf.subarray(start, start + take)));
  }

  /** Copies a borrowed view so the collector owns its bytes. */
  detach(): void {
    if (!this.borrowed || this.firstBuf === null) return;
    this.firstBuf = Buffer.from(this.firstBuf.subarray(this.firstStart, this.firstEnd));
    this.firstStart = 0;
    this.firstEnd = this.firstBuf.length;
    this.borrowed = false;
  }

  /** Bytes kept (at most the cap), as one buffer. */
  bytes(): Buffer {
    if (this.firstBuf === null) return EMPTY_BUFFER;
    const first = this.firstBuf.subarray(this.firstStart, this.firstEnd);
    if (this.more === null) return first;
    return Buffer.concat([first, ...this.more], this.kept);
  }

  /** The kept bytes as UTF-8 text without an intermediate buffer when they are one range. */
  text(): string {
    if (this.firstBuf === null) return '';
    if (this.more === null) return utf8Text(this.firstBuf, this.firstStart, this.firstEnd);
    return this.bytes().toString('utf8');
  }

  get keptAll(): boolean {
    return this.kept === this.total && this.missing === 0;
  }
}

const EMPTY_BUFFER = Buffer.alloc(0);

export interface DecodedBody {
  text: string;
  /** Decoded size when known; bytes decoded so far when the output cap stopped decoding. */
  size: number;
  truncated: boolean;
  /** The body was binary and not inlined. */
  binary: boolean;
  /** Content-Encoding that could not be decoded ('' when none or decoded). */
  undecoded: string;
}

const EMPTY_BODY: Readonly<DecodedBody> = Object.freeze({ text: '', size: 0, truncated: false, binary: false, undecoded: '' });

/**
 * Builds the item text of a body. `encoding` is the Content-Encoding (lowercase) or ''.
 * `maxText` caps decoded bytes; compressed input was capped by the collector.
 */
export function decodeBody(body: BodyCollector | null, mimeType: string, encoding: string, maxText: number): Readonly<DecodedBody> {
  if (body === null || body.total === 0) return body !== null && body.missing > 0 ? { ...EMPTY_BODY, truncated: true } : EMPTY_BODY;
  const plain = encoding === '' || encoding === 'identity';
  if (plain && body.keptAll && body.total <= maxText && mimeIsText(mimeType) === true) {
    // The common case: a complete, uncompressed, textual body.
    return { text: body.text(), size: body.total, truncated: false, binary: false, undecoded: '' };
  }
  let raw = body.bytes();
  let inputComplete = body.keptAll;
  let size = body.total;
  let undecoded = '';

  if (!plain) {
    const codings = encoding.split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
    for (let i = codings.length - 1; i >= 0; i--) {
      const decoded = decompress(codings[i], raw, inputComplete, maxText);
      if (decoded === null) {
        undecoded = codings.slice(0, i + 1).join(', ');
        break;
      }
      raw = decoded.output;
      inputComplete = inputComplete && decoded.complete;
      size = decoded.output.length;
    }
  }

  if (undecoded !== '' || !isTextual(mimeType, raw)) {
    // Omitted, not cut: nothing of it is in `text`, and `size` tells how much there was.
    return { text: '', size, truncated: false, binary: true, undecoded };
  }
  const truncated = !inputComplete || raw.length > maxText;
  if (raw.length > maxText) raw = raw.subarray(0, maxText);
  let text = raw.toString('utf8');
  if (truncated && text.endsWith('\uFFFD')) text = text.replace(/\uFFFD+$/, ''); // a UTF-8 sequence cut by the cap
  return { text, size, truncated, binary: false, undecoded };
}

interface Decompressed {
  output: Buffer;
  /** False when the output cap or truncated input stopped decoding early. */
  complete: boolean;
}

/**
 * Output beyond the cap that a decoder may produce before we cut it: one input byte can
 * expand to a few kB, so a prefix whose output fits cap + slack still reaches the cap.
 */
const DECODE_SLACK = 64 * 1024;

function decompress(coding: string, input: Buffer, inputComplete: boolean, maxOutput: number): Decompressed | null {
  if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate' && coding !== 'br') return null;
  const limit = maxOutput + DECODE_SLACK;
  try {
    const output = inflate(coding, input, limit);
    return { output, complete: inputComplete && output.length <= maxOutput };
  } catch (error) {
    if (!isOutputCapError(error)) return null;
  }
  // The whole input decodes to more than the limit (a compression bomb, or just a big body):
  // find the longest input prefix whose output fits, so memory stays bounded by the limit.
  let low = 0;
  let high = input.length;
  let best: Buffer = Buffer.alloc(0);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    let part: Buffer | null;
    try {
      part = inflate(coding, input.subarray(0, mid), limit);
    } catch {
      part = null;
    }
    if (part === null) high = mid - 1;
    else {
      best = part;
      low = mid;
    }
  }
  return { output: best, complete: false };
}

function inflate(coding: string, input: Buffer, limit: number): Buffer {
  if (coding === 'br') {
    return brotliDecompressSync(input, { maxOutputLength: limit, finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH });
  }
  const options = { maxOutputLength: limit, finishFlush: zlibConstants.Z_SYNC_FLUSH };
  if (coding !== 'deflate') return gunzipSync(input, options);
  try {
    return inflateSync(input, options);
  } catch (error) {
    if (isOutputCapError(error)) throw error;
    return inflateRawSync(input, options); // servers that send raw deflate without the zlib wrapper
  }
}

function isOutputCapError(error: unknown): boolean {
  return error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}

const TEXT_MIME_RE = /^(text\/|application\/(json|javascript|ecmascript|xml|x-www-form-urlencoded|graphql|x-ndjson|ld\+json|problem\+json|problem\+xml|yaml|x-yaml|toml|csv|sql)\b)|[+/](json|xml|yaml)\b|^multipart\/form-data/i;
const BINARY_MIME_RE = /^(image|audio|video|font)\/|^application\/(octet-stream|zip|gzip|x-gzip|pdf|wasm|x-protobuf|protobuf|grpc|msgpack|x-msgpack|vnd\.ms-|x-tar|x-7z)/i;

const mimeVerdicts = new Map<string, boolean | undefined>();
let lastMime = '';
let lastMimeVerdict: boolean | undefined = undefined;

/** True/false when the media type decides text vs binary, undefined when the bytes must be sniffed. */
function mimeIsText(mimeType: string): boolean | undefined {
  if (mimeType === '') return undefined;
  // Header values come from a string cache: the same string object, message after message.
  if (mimeType === lastMime) return lastMimeVerdict;
  let verdict: boolean | undefined;
  if (mimeVerdicts.has(mimeType)) verdict = mimeVerdicts.get(mimeType);
  else {
    verdict = TEXT_MIME_RE.test(mimeType) ? true : BINARY_MIME_RE.test(mimeType) ? false : undefined;
    if (mimeVerdicts.size < 1024) mimeVerdicts.set(mimeType, verdict);
  }
  lastMime = mimeType;
  lastMimeVerdict = verdict;
  return verdict;
}

/** Decides whether a body is inlined as UTF-8 text: by media type, else by sniffing the bytes. */
export function isTextual(mimeType: string, body: Buffer): boolean {
  return mimeIsText(mimeType) ?? looksLikeText(body);
}

/** No NUL or stray control bytes, and valid UTF-8, in the first 1 KiB. */
export function looksLikeText(body: Buffer): boolean {
  const end = Math.min(body.length, 1024);
  let i = 0;
  while (i < end) {
    const b = body[i];
    if (b < 0x80) {
      if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12) return false;
      i++;
      continue;
    }
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
    if (need < 0 || b > 0xf4) return false;
    if (i + need >= body.length) return true; // a sequence cut at the end of what we have
    for (let k = 1; k <= need; k++) if ((body[i + k] & 0xc0) !== 0x80) return false;
    i += need + 1;
  }
  return true;
}
