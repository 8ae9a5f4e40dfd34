import type { RedisValue } from '@wirehook/contracts';

/**
 * Incremental RESP2/RESP3 parser for one direction of a Redis connection. Bytes arrive in
 * arbitrary chunks; memory is bounded by the value and element caps (longer bulk strings
 * are cut, extra aggregate elements are parsed and dropped), never by what the peer sends.
 */

export type RespTypeName =
  | 'simple-string'
  | 'error'
  | 'integer'
  | 'bulk-string'
  | 'array'
  | 'null'
  | 'map'
  | 'set'
  | 'double'
  | 'boolean'
  | 'big-number'
  | 'verbatim-string'
  | 'push'
  | 'attribute'
  | 'inline';

/** One top-level value with where it sat in the stream. */
export interface RespMessage {
  type: RespTypeName;
  value: RedisValue;
  /** Capture time of the first and last byte. */
  startTime: number;
  endTime: number;
  /** Bytes on the wire. */
  size: number;
  /** Some string or aggregate in it was cut at a cap. */
  truncated: boolean;
  /** Bytes of it lost in a capture gap (inside a bulk string, where framing survives). */
  missing: number;
}

export interface RespParserOptions {
  /** Accept inline commands (`PING\r\n`): only clients send them. */
  inline: boolean;
  maxValueBytes: number;
  maxElements: number;
  onMessage(message: RespMessage): void;
  /** Bytes that are not RESP: the parser waits for the next chunk that starts like a value. */
  onDesync(reason: string, timestamp: number): void;
}

interface Frame {
  type: RespTypeName;
  /** Elements still to read (map/attribute count pairs twice). */
  remaining: number;
  items: RedisValue[];
  dropped: number;
}

const MAX_DEPTH = 64;
const MAX_LINE = 64 * 1024;

const enum Mode {
  Line,
  Bulk,
  /** After a desync: wait for a chunk boundary. */
  Lost,
}

/** Bytes that start a RESP value. */
export const RESP_MARKERS = new Set([0x2b, 0x2d, 0x3a, 0x24, 0x2a, 0x5f, 0x2c, 0x23, 0x21, 0x3d, 0x28, 0x25, 0x7e, 0x3e, 0x7c]);

export class RespParser {
  private mode = Mode.Line;
  private line = '';
  private lineOverflow = false;
  private stack: Frame[] = [];
  /** Bulk payload being read: bytes left (payload + CRLF), parts kept, its type. */
  private bulkLeft = 0;
  private bulkParts: Buffer[] = [];
  private bulkKept = 0;
  private bulkType: RespTypeName = 'bulk-string';
  private bulkTruncated = false;
  private messageStart = NaN;
  private messageSize = 0;
  private truncated = false;
  private missing = 0;
  /** An attribute (`|`) precedes the value it annotates and is dropped. */
  private inAttribute = 0;

  constructor(private readonly options: RespParserOptions) {}

  /** True while a value is partly read. */
  get inMessage(): boolean {
    return !Number.isNaN(this.messageStart);
  }

  push(chunk: Buffer, timestamp: number): void {
    let pos = 0;
    if (this.mode === Mode.Lost) {
      // Request/response protocols start a new message at most segment starts.
      if (!this.plausibleStart(chunk[0])) return;
      this.mode = Mode.Line;
    }
    while (pos < chunk.length) {
      if (Number.isNaN(this.messageStart)) {
        this.messageStart = timestamp;
        this.messageSize = 0;
        this.truncated = false;
        this.missing = 0;
      }
      if (this.mode === Mode.Bulk) {
        pos = this.readBulk(chunk, pos, timestamp);
        continue;
      }
      const newline = chunk.indexOf(10, pos);
      const stop = newline < 0 ? chunk.length : newline + 1;
      this.messageSize += stop - pos;
      if (newline < 0) {
        this.appendLine(chunk, pos, chunk.length);
        if (this.line.length > MAX_LINE) {
          this.lose('line longer than 64 KiB', timestamp);
          return;
        }
        return;
      }
      this.appendLine(chunk, pos, newline);
      pos = stop;
      let line = this.line;
      this.line = '';
      this.lineOverflow = false;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (!this.onLine(line, timestamp)) return;
    }
  }

  /** Bytes lost: the value in progress is abandoned and the parser waits for a fresh chunk. */
  gap(missing: number, timestamp: number): void {
    if (this.mode === Mode.Bulk && this.bulkLeft - 2 >= missing && this.stack.length === 0) {
      // A hole inside a top-level bulk string: framing survives.
      this.bulkLeft -= missing;
      this.messageSize += missing;
      this.missing += missing;
      return;
    }
    this.lose(`${missing} bytes missing in a capture gap`, timestamp);
  }

  private appendLine(chunk: Buffer, start: number, end: number): void {
    if (this.lineOverflow) return;
    this.line += chunk.toString('latin1', start, end);
    if (this.line.length > MAX_LINE + 2) this.lineOverflow = true;
  }

  private plausibleStart(byte: number | undefined): boolean {
    if (byte === undefined) return false;
    if (RESP_MARKERS.has(byte)) return true;
    return this.options.inline && ((byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122));
  }

  /** Returns false when the parser lost sync. */
  private onLine(line: string, timestamp: number): boolean {
    if (this.lineOverflow) return this.lose('line longer than 64 KiB', timestamp);
    const marker = line.charCodeAt(0);
    const rest = line.slice(1);
    switch (marker) {
      case 0x2b: // + simple string
        return this.value('simple-string', this.capText(rest), timestamp);
      case 0x2d: // - error
        return this.value('error', this.capText(rest), timestamp);
      case 0x3a: // : integer
        return /^[-+]?\d+$/.test(rest) ? this.value('integer', toNumber(rest), timestamp) : this.lose(`bad integer ${JSON.stringify(rest.slice(0, 20))}`, timestamp);
      case 0x5f: // _ null
        return this.value('null', null, timestamp);
      case 0x2c: // , double
        return this.value('double', toDouble(rest), timestamp);
      case 0x23: // # boolean
        return rest === 't' || rest === 'f' ? this.value('boolean', rest === 't', timestamp) : this.lose('bad boolean', timestamp);
      case 0x28: // ( big number
        return /^[-+]?\d+$/.test(rest) ? this.value('big-number', rest, timestamp) : this.lose('bad big number', timestamp);
      case 0x24: // $ bulk string
      case 0x21: // ! bulk error
      case 0x3d: {
        // = verbatim string
        const length = parseLength(rest);
        if (length === -1 && marker === 0x24) return this.value('null', null, timestamp);
        if (length < 0) return this.lose(`bad bulk length ${JSON.stringify(rest.slice(0, 20))}`, timestamp);
        this.mode = Mode.Bulk;
        this.bulkLeft = length + 2;
        this.bulkParts = [];
        this.bulkKept = 0;
        this.bulkTruncated = false;
        this.bulkType = marker === 0x24 ? 'bulk-string' : marker === 0x21 ? 'error' : 'verbatim-string';
        return true;
      }
      case 0x2a: // * array
      case 0x25: // % map
      case 0x7e: // ~ set
      case 0x3e: // > push
      case 0x7c: {
        // | attribute
        const count = parseLength(rest);
        if (count === -1 && marker === 0x2a) return this.value('null', null, timestamp);
        if (count < 0) return this.lose(`bad aggregate length ${JSON.stringify(rest.slice(0, 20))}`, timestamp);
        if (this.stack.length >= MAX_DEPTH) return this.lose(`aggregates nested deeper than ${MAX_DEPTH}`, timestamp);
        const type: RespTypeName = marker === 0x2a ? 'array' : marker === 0x25 ? 'map' : marker === 0x7e ? 'set' : marker === 0x3e ? 'push' : 'attribute';
        const paired = marker === 0x25 || marker === 0x7c;
        if (type === 'attribute') this.inAttribute++;
        const frame: Frame = { type, remaining: paired ? count * 2 : count, items: [], dropped: 0 };
        if (frame.remaining === 0) return this.closeFrame(frame, timestamp);
        this.stack.push(frame);
        return true;
      }
      default:
        if (this.options.inline && this.stack.length === 0 && line.trim() !== '' && marker !== 0) {
          return this.value('inline', splitInline(this.capText(line)), timestamp);
        }
        if (this.options.inline && line.trim() === '' && this.stack.length === 0) {
          this.messageStart = NaN; // empty inline lines are ignored by Redis
          return true;
        }
        return this.lose(`byte 0x${(marker || 0).toString(16)} does not start a RESP value`, timestamp);
    }
  }

  private readBulk(chunk: Buffer, pos: number, timestamp: number): number {
    const take = Math.min(this.bulkLeft, chunk.length - pos);
    const payloadLeft = this.bulkLeft - 2;
    const payloadTake = Math.min(take, Math.max(0, payloadLeft));
    if (payloadTake > 0) {
      const room = this.options.maxValueBytes - this.bulkKept;
      if (room > 0) {
        const keep = Math.min(room, payloadTake);
        this.bulkParts.push(Buffer.from(chunk.subarray(pos, pos + keep)));
        this.bulkKept += keep;
      }
      if (payloadTake > room) this.bulkTruncated = true;
    }
    this.bulkLeft -= take;
    this.messageSize += take;
    if (this.bulkLeft > 0) return pos + take;
    this.mode = Mode.Line;
    const bytes = this.bulkParts.length === 1 ? this.bulkParts[0] : Buffer.concat(this.bulkParts, this.bulkKept);
    this.bulkParts = [];
    if (this.bulkTruncated) this.truncated = true;
    let text = bytes.toString('utf8');
    if (this.bulkType === 'verbatim-string' && text.length >= 4 && text[3] === ':') text = text.slice(4);
    this.value(this.bulkType, text, timestamp);
    return pos + take;
  }

  private value(type: RespTypeName, value: RedisValue, timestamp: number): boolean {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      this.deliver(type, value, timestamp);
      return true;
    }
    if (frame.items.length < this.options.maxElements * (frame.type === 'map' || frame.type === 'attribute' ? 2 : 1)) frame.items.push(value);
    else {
      frame.dropped++;
      this.truncated = true;
    }
    frame.remaining--;
    if (frame.remaining === 0) {
      this.stack.pop();
      return this.closeFrame(frame, timestamp);
    }
    return true;
  }

  private closeFrame(frame: Frame, timestamp: number): boolean {
    if (frame.type === 'attribute') {
      // Metadata about the next value: dropped, and the next value is what counts.
      this.inAttribute--;
      return true;
    }
    let value: RedisValue;
    if (frame.type === 'map') {
      const map: { [key: string]: RedisValue } = {};
      for (let i = 0; i + 1 < frame.items.length; i += 2) map[keyText(frame.items[i])] = frame.items[i + 1];
      value = map;
    } else value = frame.items;
    return this.value(frame.type, value, timestamp);
  }

  private deliver(type: RespTypeName, value: RedisValue, timestamp: number): void {
    const message: RespMessage = {
      type,
      value,
      startTime: this.messageStart,
      endTime: timestamp,
      size: this.messageSize,
      truncated: this.truncated,
      missing: this.missing,
    };
    this.messageStart = NaN;
    this.messageSize = 0;
    this.truncated = false;
    this.missing = 0;
    this.options.onMessage(message);
  }

  private capText(text: string): string {
    if (text.length <= this.options.maxValueBytes) return text;
    this.truncated = true;
    return text.slice(0, this.options.maxValueBytes);
  }

  private lose(reason: string, timestamp: number): false {
    this.mode = Mode.Lost;
    this.stack = [];
    this.line = '';
    this.lineOverflow = false;
    this.bulkParts = [];
    this.messageStart = NaN;
    this.messageSize = 0;
    this.inAttribute = 0;
    this.options.onDesync(reason, timestamp);
    return false;
  }
}

function parseLength(text: string): number {
  if (text === '-1') return -1;
  if (!/^\d{1,10}$/.test(text)) return -2;
  const n = Number(text);
  return n > 0x7fffffff ? -2 : n;
}

function toNumber(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** JSON has no inf/nan: those stay as RESP spells them. */
function toDouble(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

function keyText(key: RedisValue): string {
  return typeof key === 'string' ? key : typeof key === 'object' && key !== null ? JSON.stringify(key) : String(key);
}

/** Inline command line: words split on blanks, with "double" and 'single' quoted words. */
export function splitInline(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (m[1] !== undefined) words.push(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined) words.push(m[2]);
    else words.push(m[3]);
  }
  return words;
}
