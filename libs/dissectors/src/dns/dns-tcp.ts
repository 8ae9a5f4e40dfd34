import type { StreamCloseReason } from '@wirehook/capture';
import type { ItemError } from '@wirehook/contracts';
import { closeErrorType, closeMessage, type HandlerContext, type TcpProtocolHandler } from '../tcp-handler';
import { DNS_TCP, describeQuestion, toDnsRequest, toDnsResponse } from './dns-items';
import { DnsParseError, parseDnsMessage, type DnsMessage } from './dns-message';

interface Pending {
  message: DnsMessage;
  start: number;
  end: number;
  size: number;
}

/** Reassembles 2-byte-length-prefixed messages (RFC 1035 §4.2.2) from one direction. */
class LengthPrefixedReader {
  private carry: Buffer | null = null;
  private carryStart = 0;
  broken = false;

  /** Calls `onMessage` for each complete message; returns false once framing is lost. */
  push(data: Buffer, timestamp: number, onMessage: (msg: Buffer, start: number, size: number) => void): void {
    if (this.broken) return;
    let buf = data;
    let start = timestamp;
    if (this.carry !== null) {
      buf = Buffer.concat([this.carry, data]);
      start = this.carryStart;
      this.carry = null;
    }
    let pos = 0;
    while (buf.length - pos >= 2) {
      const length = buf.readUInt16BE(pos);
      if (length < 12) {
        this.broken = true;
        return;
      }
      if (buf.length - pos - 2 < length) break;
      onMessage(buf.subarray(pos + 2, pos + 2 + length), start, length + 2);
      pos += 2 + length;
      start = timestamp;
    }
    if (pos < buf.length) {
      this.carry = Buffer.from(buf.subarray(pos));
      this.carryStart = start;
    }
  }

  get inMessage(): boolean {
    return this.carry !== null;
  }

  reset(): void {
    this.carry = null;
    this.broken = true;
  }
}

/**
 * DNS over TCP: several queries may share a connection and be answered out of order
 * (RFC 7766), so pairing is by transaction id.
 */
export class DnsTcpConnection implements TcpProtocolHandler {
  private readonly queries = new Map<number, Pending>();
  private readonly fromClient = new LengthPrefixedReader();
  private readonly fromServer = new LengthPrefixedReader();
  private done = false;

  constructor(private readonly ctx: HandlerContext) {}

  get finished(): boolean {
    return this.done;
  }

  get pending(): number {
    return this.queries.size;
  }

  onBytes(fromClient: boolean, buf: Buffer, start: number, end: number, timestamp: number): void {
    this.onData(fromClient, start === 0 && end === buf.length ? buf : buf.subarray(start, end), timestamp);
  }

  onData(fromClient: boolean, data: Buffer, timestamp: number): void {
    const reader = fromClient ? this.fromClient : this.fromServer;
    reader.push(data, timestamp, (bytes, start, size) => this.onMessage(fromClient, bytes, start, timestamp, size));
    if (reader.broken) this.lose(`bad length prefix from the ${fromClient ? 'client' : 'server'}`, timestamp);
  }

  onGap(fromClient: boolean, missingBytes: number, timestamp: number): void {
    // Length-prefixed framing cannot be found again after a hole.
    (fromClient ? this.fromClient : this.fromServer).reset();
    this.lose(`${missingBytes} bytes missing in a capture gap from the ${fromClient ? 'client' : 'server'}`, timestamp);
  }

  onClose(reason: StreamCloseReason, _timestamp: number): void {
    const type = closeErrorType(reason);
    for (const q of this.queries.values()) {
      this.emit(q, null, { type, msg: closeMessage(reason, `with ${describeQuestion(q.message)} unanswered`) });
    }
    this.queries.clear();
    this.done = true;
  }

  expire(now: number): void {
    const timeout = this.ctx.limits.pairTimeoutMs;
    for (const [id, q] of this.queries) {
      if (q.start + timeout > now) continue;
      this.queries.delete(id);
      this.emit(q, null, { type: 'timeout', msg: `no response to ${describeQuestion(q.message)} within ${timeout} ms` });
    }
  }

  private onMessage(fromClient: boolean, bytes: Buffer, start: number, end: number, size: number): void {
    let message: DnsMessage;
    try {
      message = parseDnsMessage(bytes);
    } catch (error) {
      if (!(error instanceof DnsParseError)) throw error;
      this.ctx.stats.desyncs++;
      this.ctx.flow.emit({
        protocol: DNS_TCP,
        request: null,
        response: null,
        requestStart: start,
        responseStart: start,
        responseEnd: end,
        requestSize: fromClient ? size : 0,
        responseSize: fromClient ? 0 : size,
        error: { type: 'dissection', msg: `malformed DNS message from the ${fromClient ? 'client' : 'server'}: ${error.message}` },
      });
      return;
    }
    const entry: Pending = { message, start, end, size };
    if (!message.isResponse) {
      const previous = this.queries.get(message.id);
      if (previous !== undefined) this.emit(previous, null, { type: 'timeout', msg: `no response to ${describeQuestion(previous.message)} before its id was reused` });
      this.queries.set(message.id, entry);
      if (this.queries.size > this.ctx.limits.maxPendingPerConnection) {
        const [oldestId, oldest] = this.queries.entries().next().value as [number, Pending];
        this.queries.delete(oldestId);
        this.emit(oldest, null, { type: 'timeout', msg: `dropped: more than ${this.ctx.limits.maxPendingPerConnection} queries outstanding` });
      }
      return;
    }
    const query = this.queries.get(message.id);
    if (query === undefined) {
      this.emit(null, entry, { type: 'pair-not-found', msg: `response to ${describeQuestion(message)} without a query on this connection` });
      return;
    }
    this.queries.delete(message.id);
    this.emit(query, entry, undefined);
  }

  private lose(reason: string, timestamp: number): void {
    if (this.done) return;
    this.ctx.stats.desyncs++;
    for (const q of this.queries.values()) this.emit(q, null, { type: 'dissection', msg: `response lost: ${reason}` });
    if (this.queries.size === 0) {
      this.ctx.flow.emit({
        protocol: DNS_TCP,
        request: null,
        response: null,
        requestStart: NaN,
        responseStart: timestamp,
        responseEnd: timestamp,
        requestSize: 0,
        responseSize: 0,
        error: { type: 'dissection', msg: `DNS stream abandoned: ${reason}` },
      });
    }
    this.queries.clear();
    this.done = true;
  }

  private emit(query: Pending | null, response: Pending | null, error: ItemError | undefined): void {
    this.ctx.flow.emit({
      protocol: DNS_TCP,
      request: query === null ? null : toDnsRequest(query.message),
      response: response === null ? null : toDnsResponse(response.message),
      requestStart: query === null ? NaN : query.start,
      responseStart: response === null ? NaN : response.start,
      responseEnd: response === null ? NaN : response.end,
      requestSize: query === null ? 0 : query.size,
      responseSize: response === null ? 0 : response.size,
      error,
    });
  }
}
