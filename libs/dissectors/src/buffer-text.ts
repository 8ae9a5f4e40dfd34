/**
 * Node's Buffer has direct per-encoding slicers (`utf8Slice`, `latin1Slice`) that skip the
 * encoding switch of `toString`; on the per-message hot path that is a measurable share. They
 * are not in @types/node, hence this one typed doorway.
 */
interface EncodingSlicers {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** UTF-8 text of `buf[start, end)` (invalid sequences become U+FFFD). */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as EncodingSlicers).utf8Slice(start, end);
}

/** One char per byte: for protocol lines that are ASCII by definition. */
export function latin1Text(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as EncodingSlicers).latin1Slice(start, end);
}

let isoSecond = NaN;
let isoPrefix = '';
let isoMs = NaN;
let isoLast = '';
/** `000Z` … `999Z`: the per-item part, prebuilt. */
const MILLIS_Z = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0') + 'Z');

/**
 * `new Date(ms).toISOString()` costs about a microsecond; items of one second share the
 * date-and-time prefix, so only the milliseconds are formatted per item.
 */
export function isoTime(ms: number): string {
  const whole = Math.floor(ms);
  if (whole === isoMs) return isoLast; // items of one millisecond (common under load) share the string
  if (!Number.isFinite(ms)) return '';
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const full = new Date(second * 1000).toISOString();
    if (full.length !== 24) return new Date(ms).toISOString(); // years beyond 9999: no shortcut
    isoSecond = second;
    isoPrefix = full.slice(0, 20);
  }
  isoMs = whole;
  isoLast = isoPrefix + MILLIS_Z[whole - second * 1000];
  return isoLast;
}
