import { utf8Text } from './buffer-text';

/**
 * Strings decoded from bytes, remembered by content. Protocol heads repeat the same tokens
 * message after message (HTTP: Host, User-Agent, Server, Content-Type values, request targets),
 * and a hit costs one comparison of the bytes with the remembered string instead of a native
 * decode and a new string to collect.
 *
 * Direct-mapped and bounded: `hash` (any function of the bytes; callers sample a few) picks one
 * slot, which keeps the last string stored there; a miss decodes and replaces it. Hits are
 * checked byte for byte, so a hash collision only costs a decode.
 */
export class StringCache {
  private readonly slots: string[];
  private readonly mask: number;

  /** `2^bits` slots; strings longer than `maxLength` bytes are decoded but not kept. */
  constructor(
    bits: number,
    private readonly maxLength: number,
  ) {
    this.slots = new Array<string>(1 << bits).fill('');
    this.mask = (1 << bits) - 1;
  }

  /** UTF-8 text of `buf[start, end)`, as `utf8Text` would decode it. */
  get(buf: Buffer, start: number, end: number, hash: number): string {
    const length = end - start;
    if (length <= 0) return '';
    const slot = hash & this.mask;
    const cached = this.slots[slot];
    if (cached.length === length && sameBytes(cached, buf, start, length)) return cached;
    const text = utf8Text(buf, start, end);
    // Only text of one char per byte can be checked against the bytes: ASCII, which heads are.
    if (length <= this.maxLength && text.length === length) this.slots[slot] = text;
    return text;
  }
}

/** `text` (one char per byte) equals `buf[start, start + length)`. */
export function sameBytes(text: string, buf: Buffer, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}
