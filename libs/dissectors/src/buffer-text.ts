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

/**
 * `new Date(ms).toISOString()` costs about a microsecond; items of one second share the
 * date-and-time prefix, so only the milliseconds are formatted per item.
 */
export function isoTime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const full = new Date(second * 1000).toISOString();
    if (full.length !== 24) return new Date(ms).toISOString(); // years beyond 9999: no shortcut
    isoSecond = second;
    isoPrefix = full.slice(0, 20);
  }
  const millis = Math.floor(ms) - second * 1000;
  return isoPrefix + (millis < 10 ? '00' : millis < 100 ? '0' : '') + millis + 'Z';
}
