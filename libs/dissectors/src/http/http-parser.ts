import { BodyCollector } from './http-body';
import { HttpHead, HttpHeadError, canonicalHeaderName, parseHttpHead, parseHttpHeadAt } from './http-head';

/**
 * Incremental HTTP/1.x message parser for one direction of a connection. Bytes arrive in
 * arbitrary chunks; messages may be pipelined several to a chunk or split anywhere.
 * It works on the caller's Buffers (no copies on the common path: a head and body inside
 * one chunk) and copies only what must outlive the call.
 */

/** How a message body is delimited (RFC 9112 §6.3). */
export enum BodyFraming {
  None,
  Length,
  Chunked,
  UntilClose,
}

export interface HttpMessage {
  head: HttpHead;
  /** Null until the first body byte. */
  body: BodyCollector | null;
  framing: BodyFraming;
  /** Capture time of the first byte of the head, and of the last byte seen. */
  startTime: number;
  endTime: number;
  /** Bytes of the whole message on the wire: head, chunk framing, body, trailers. */
  wireSize: number;
  /** Why the message ended early ('' when complete). */
  incomplete: string;
  /** Free slot for the connection (which exchange this message belongs to). */
  tag: unknown;
}

export interface HttpParserEvents {
  /** A head was parsed. Returns how the body is framed (responses depend on the request). */
  onHead(message: HttpMessage): BodyFraming;
  onMessage(message: HttpMessage): void;
  /**
   * Sync was lost: bytes missing in a capture gap, or bytes that are not HTTP. `partial` is
   * the message in progress, if any; the parser now looks for the next message start.
   */
  onDesync(partial: HttpMessage | null, reason: string, timestamp: number): void;
}

const enum State {
  Head,
  BodyLength,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  BodyUntilClose,
  Resync,
  Stopped,
}

const HTTP1 = Buffer.from('HTTP/1.');
const SP_HTTP1 = Buffer.from(' HTTP/1.');
const MAX_LINE = 4096;

export class HttpMessageParser {
  private state = State.Head;
  /** Head bytes carried over from earlier chunks (owned copy). */
  private headCarry: Buffer | null = null;
  private headStart = 0;
  private message: HttpMessage | null = null;
  private remaining = 0;
  private line = '';

  constructor(
    readonly isRequest: boolean,
    private readonly events: HttpParserEvents,
    private readonly maxHeaderBytes: number,
    private readonly maxBodyBytes: number,
  ) {}

  /** True while a message is between its first byte and its end. */
  get inMessage(): boolean {
    return this.message !== null || this.headCarry !== null;
  }

  get stopped(): boolean {
    return this.state === State.Stopped;
  }

  /** No more parsing on this direction (after an upgrade or a tunnel). */
  stop(): void {
    this.state = State.Stopped;
    this.message = null;
    this.headCarry = null;
  }

  push(chunk: Buffer, timestamp: number): void {
    this.pushRange(chunk, 0, chunk.length, timestamp);
  }

  /**
   * The bytes `chunk[start, end)`: `chunk` may be a whole capture buffer, so nothing here looks
   * past `end` (and what must outlive the call is copied, as with `push`).
   */
  pushRange(chunk: Buffer, start: number, end: number, timestamp: number): void {
    let pos = start;
    const length = end;
    while (pos < length) {
      switch (this.state) {
        case State.Head:
          pos = this.readHead(chunk, pos, length, timestamp);
          break;
        case State.BodyLength: {
          const take = Math.min(this.remaining, length - pos);
          const message = this.message as HttpMessage;
          this.bodyOf(message).add(chunk, pos, pos + take);
          message.wireSize += take;
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finish(timestamp);
          break;
        }
        case State.ChunkSize:
        case State.Trailers:
        case State.ChunkDataEnd:
          pos = this.readChunkLine(chunk, pos, length, timestamp);
          break;
        case State.ChunkData: {
          const take = Math.min(this.remaining, length - pos);
          const message = this.message as HttpMessage;
          this.bodyOf(message).add(chunk, pos, pos + take);
          message.wireSize += take;
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.BodyUntilClose: {
          const message = this.message as HttpMessage;
          this.bodyOf(message).add(chunk, pos, length);
          message.wireSize += length - pos;
          message.endTime = timestamp;
          pos = length;
          break;
        }
        case State.Resync:
          pos = this.resync(chunk, pos, length);
          break;
        case State.Stopped:
          return;
      }
    }
    if (this.message !== null) {
      this.message.endTime = timestamp;
      this.message.body?.detach();
    }
  }

  /**
   * `missing` bytes will never arrive. Inside a body of known length the message goes on
   * (with a hole); anywhere else the parser resynchronises on the next message start.
   */
  gap(missing: number, timestamp: number): void {
    const message = this.message;
    if (this.state === State.Stopped) return;
    if (message !== null && (this.state === State.BodyLength || this.state === State.ChunkData) && missing <= this.remaining) {
      const body = this.bodyOf(message);
      body.total += missing;
      body.missing += missing;
      message.wireSize += missing;
      this.remaining -= missing;
      if (this.remaining === 0) {
        if (this.state === State.BodyLength) this.finish(timestamp);
        else this.state = State.ChunkDataEnd;
      }
      return;
    }
    if (message !== null && this.state === State.BodyUntilClose) {
      const body = this.bodyOf(message);
      body.total += missing;
      body.missing += missing;
      message.wireSize += missing;
      return;
    }
    this.desync(`${missing} bytes missing in a capture gap`, timestamp);
  }

  /**
   * The direction ended (FIN, RST, end of capture). A body delimited by the close ends
   * here; anything else in progress is returned as incomplete.
   */
  end(timestamp: number): HttpMessage | null {
    const message = this.message;
    if (this.state === State.BodyUntilClose && message !== null) {
      message.endTime = Math.max(message.endTime, timestamp);
      this.finish(message.endTime);
      return null;
    }
    this.headCarry = null;
    this.message = null;
    if (this.state !== State.Stopped) this.state = State.Head;
    if (message !== null) message.incomplete = 'the stream ended';
    return message;
  }

  private readHead(chunk: Buffer, pos: number, end: number, timestamp: number): number {
    if (this.headCarry === null) {
      // Empty lines between messages are allowed (RFC 9112 §2.2).
      while (pos < end && (chunk[pos] === 13 || chunk[pos] === 10)) pos++;
      if (pos >= end) return pos;
      if (!this.plausibleStart(chunk, pos, end)) {
        this.desync('bytes that do not start an HTTP message', timestamp);
        return pos;
      }
      // The usual case, a whole CRLF head in this segment: found and parsed in one pass.
      const whole = parseHttpHeadAt(chunk, pos, end);
      if (whole !== null) {
        this.startMessage(whole, timestamp, timestamp);
        return pos + whole.size;
      }
      const headEnd = findHeadEnd(chunk, pos, end);
      if (headEnd >= 0) {
        this.beginMessage(chunk, pos, headEnd, timestamp, timestamp);
        return headEnd;
      }
      if (end - pos > this.maxHeaderBytes) {
        this.desync(`head longer than ${this.maxHeaderBytes} bytes`, timestamp);
        return end;
      }
      this.headCarry = Buffer.from(chunk.subarray(pos, end));
      this.headStart = timestamp;
      return end;
    }
    const carried = this.headCarry.length;
    const joined = Buffer.concat([this.headCarry, chunk.subarray(pos, end)]);
    if (!this.plausibleStart(joined, 0, joined.length)) {
      this.headCarry = null;
      this.desync('bytes that do not start an HTTP message', timestamp);
      return pos;
    }
    const headEnd = findHeadEnd(joined, Math.max(0, carried - 3), joined.length);
    if (headEnd < 0) {
      if (joined.length > this.maxHeaderBytes) {
        this.headCarry = null;
        this.desync(`head longer than ${this.maxHeaderBytes} bytes`, timestamp);
        return end;
      }
      this.headCarry = joined;
      return end;
    }
    this.headCarry = null;
    this.beginMessage(joined, 0, headEnd, this.headStart, timestamp);
    // If the head's parse failed, beginMessage switched to Resync: continue after the carried bytes.
    return pos + (headEnd - carried);
  }

  private beginMessage(buf: Buffer, start: number, end: number, startTime: number, timestamp: number): void {
    let head: HttpHead;
    try {
      head = parseHttpHead(buf, start, end);
    } catch (error) {
      if (!(error instanceof HttpHeadError)) throw error;
      this.desync(`unparseable head: ${error.message}`, timestamp);
      return;
    }
    this.startMessage(head, startTime, timestamp);
  }

  private startMessage(head: HttpHead, startTime: number, timestamp: number): void {
    if (head.isRequest !== this.isRequest) {
      this.desync(this.isRequest ? 'a response where a request was expected' : 'a request where a response was expected', timestamp);
      return;
    }
    const message: HttpMessage = {
      head,
      body: null,
      framing: BodyFraming.None,
      startTime,
      endTime: timestamp,
      wireSize: head.size,
      incomplete: '',
      tag: undefined,
    };
    this.message = message;
    const framing = this.events.onHead(message);
    message.framing = framing;
    switch (framing) {
      case BodyFraming.None:
        this.finish(timestamp);
        break;
      case BodyFraming.Length:
        this.remaining = head.contentLength;
        if (this.remaining === 0) this.finish(timestamp);
        else this.state = State.BodyLength;
        break;
      case BodyFraming.Chunked:
        this.state = State.ChunkSize;
        this.line = '';
        break;
      case BodyFraming.UntilClose:
        this.state = State.BodyUntilClose;
        break;
    }
  }

  /** Reads one line of chunked framing (size line, CRLF after data, trailer field). */
  private readChunkLine(chunk: Buffer, pos: number, end: number, timestamp: number): number {
    const message = this.message as HttpMessage;
    const newline = indexOfLf(chunk, pos, end);
    const stop = newline < 0 ? end : newline + 1;
    message.wireSize += stop - pos;
    if (newline < 0) {
      this.line += chunk.toString('latin1', pos, stop);
      if (this.line.length > MAX_LINE) this.desync('chunk framing line too long', timestamp);
      return stop;
    }
    let line = this.line + chunk.toString('latin1', pos, newline);
    this.line = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (this.state === State.ChunkDataEnd) {
      if (line !== '') {
        this.desync('missing CRLF after chunk data', timestamp);
        return stop;
      }
      this.state = State.ChunkSize;
      return stop;
    }
    if (this.state === State.ChunkSize) {
      const semi = line.indexOf(';');
      const hex = (semi >= 0 ? line.slice(0, semi) : line).trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) {
        this.desync(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`, timestamp);
        return stop;
      }
      const size = parseInt(hex, 16);
      if (size === 0) this.state = State.Trailers;
      else {
        this.remaining = size;
        this.state = State.ChunkData;
      }
      return stop;
    }
    // Trailers: fields until the empty line; they are merged into the headers.
    if (line === '') {
      this.finish(timestamp);
      return stop;
    }
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = canonicalHeaderName(line.slice(0, colon).trim());
      const value = line.slice(colon + 1).trim();
      const headers = message.head.headers;
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    return stop;
  }

  private bodyOf(message: HttpMessage): BodyCollector {
    return (message.body ??= new BodyCollector(this.maxBodyBytes));
  }

  private finish(timestamp: number): void {
    const message = this.message as HttpMessage;
    message.endTime = timestamp;
    this.message = null;
    this.state = State.Head;
    this.events.onMessage(message);
  }

  private desync(reason: string, timestamp: number): void {
    const partial = this.message;
    this.message = null;
    this.headCarry = null;
    this.line = '';
    if (partial !== null) partial.incomplete = reason;
    this.state = State.Resync;
    this.events.onDesync(partial, reason, timestamp);
  }

  /** Cheap early check so garbage is refused before buffering a whole head. */
  private plausibleStart(buf: Buffer, pos: number, end: number): boolean {
    if (this.isRequest) {
      // method token of capital letters (and '-', '_') then a space
      const stop = Math.min(end, pos + 24);
      for (let i = pos; i < stop; i++) {
        const c = buf[i];
        if (c === 32) return i > pos;
        if (!((c >= 65 && c <= 90) || c === 45 || c === 95)) return false;
      }
      return stop - pos < 24;
    }
    const n = Math.min(end - pos, HTTP1.length);
    for (let i = 0; i < n; i++) if (buf[pos + i] !== HTTP1[i]) return false;
    return true;
  }

  /** Skips to the next plausible message start: a status line, or a line ending in ` HTTP/1.x`. */
  private resync(whole: Buffer, pos: number, end: number): number {
    // A view ending at `end` with the same offsets, so the searches below stop there (rare path).
    const chunk = end === whole.length ? whole : whole.subarray(0, end);
    if (this.isRequest) {
      let from = pos;
      for (;;) {
        const at = chunk.indexOf(SP_HTTP1, from);
        if (at < 0) return chunk.length;
        const lineStart = lineStartBefore(chunk, at, pos);
        if (this.plausibleStart(chunk, lineStart, at + 1)) {
          this.state = State.Head;
          return lineStart;
        }
        from = at + SP_HTTP1.length;
      }
    }
    let from = pos;
    for (;;) {
      const at = chunk.indexOf(HTTP1, from);
      if (at < 0) return chunk.length;
      if (at === pos || chunk[at - 1] === 10) {
        this.state = State.Head;
        return at;
      }
      from = at + HTTP1.length;
    }
  }
}

/** Index just past the blank line ending a head that starts at `from` (looking no further than `end`), or -1. */
function findHeadEnd(buf: Buffer, from: number, end: number): number {
  // "\r\n\r\n" by hand: a byte that is neither CR nor LF cannot be in the match, so skip 4.
  let i = from + 3;
  while (i < end) {
    const c = buf[i];
    if (c === 10) {
      if (buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
      i++;
    } else if (c === 13) i++;
    else i += 4;
  }
  // Bare-LF heads (some hand-written clients): only worth a second scan when LF-only lines appear.
  const firstLf = indexOfLf(buf, from, end);
  if (firstLf > from && buf[firstLf - 1] !== 13) {
    for (let k = firstLf; k + 1 < end; k++) {
      if (buf[k] === 10 && (buf[k + 1] === 10 || (buf[k + 1] === 13 && k + 2 < end && buf[k + 2] === 10))) {
        return buf[k + 1] === 10 ? k + 2 : k + 3;
      }
    }
  }
  return -1;
}

/** The first LF in `buf[from, end)`, or -1 (Buffer.indexOf would search past `end`). */
function indexOfLf(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === 10) return i;
  return -1;
}

function lineStartBefore(buf: Buffer, at: number, floor: number): number {
  for (let i = at - 1; i >= floor; i--) if (buf[i] === 10) return i + 1;
  return floor;
}
