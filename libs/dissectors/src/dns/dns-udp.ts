import type { DecodedPacket, Endpoint } from '@wirehook/capture';
import { Flow, type ItemSource } from '../flow';
import type { DissectionLimits } from '../limits';
import type { DissectionStats } from '../stats';
import { DNS_UDP, describeQuestion, toDnsRequest, toDnsResponse } from './dns-items';
import { DnsParseError, parseDnsMessage, type DnsMessage } from './dns-message';

interface Pending {
  message: DnsMessage;
  timestamp: number;
  size: number;
}

interface UdpFlow {
  flow: Flow;
  queries: Map<number, Pending>;
  /** Responses seen before their query (another capture point, reordering): wait for it. */
  early: Map<number, Pending>;
  lastActivity: number;
}

/**
 * DNS over UDP: every datagram is one message; queries and responses pair by transaction id
 * within the flow (client address/port ↔ server address/port).
 */
export class DnsUdpTracker {
  private readonly flows = new Map<string, UdpFlow>();
  private nextFlowId = 0;

  constructor(
    private readonly source: ItemSource,
    private readonly limits: DissectionLimits,
    private readonly stats: DissectionStats,
  ) {}

  get flowCount(): number {
    return this.flows.size;
  }

  get pending(): number {
    let count = 0;
    for (const f of this.flows.values()) count += f.queries.size + f.early.size;
    return count;
  }

  /** Returns false when the datagram is not DNS. */
  onDatagram(packet: DecodedPacket): boolean {
    const message = parseDnsDatagram(packet.payload);
    if (message === null) return false;
    const client = message.isResponse ? packet.dst : packet.src;
    const server = message.isResponse ? packet.src : packet.dst;
    const flow = this.flowFor(client, server, packet.ipVersion === 6 ? 6 : 4, packet.timestamp, packet.streamId);
    flow.lastActivity = packet.timestamp;
    const entry: Pending = { message, timestamp: packet.timestamp, size: packet.payload.length };
    if (message.isResponse) this.onResponse(flow, entry);
    else this.onQuery(flow, entry);
    return true;
  }

  expire(now: number): void {
    const timeout = this.limits.pairTimeoutMs;
    for (const [key, f] of this.flows) {
      for (const [id, q] of f.queries) {
        if (q.timestamp + timeout > now) continue;
        f.queries.delete(id);
        this.emit(f, q, null, { type: 'timeout', msg: `no response to ${describeQuestion(q.message)} within ${timeout} ms` });
      }
      for (const [id, r] of f.early) {
        if (r.timestamp + timeout > now) continue;
        f.early.delete(id);
        this.emit(f, null, r, { type: 'pair-not-found', msg: `response to ${describeQuestion(r.message)} without a query` });
      }
      if (f.queries.size === 0 && f.early.size === 0 && f.lastActivity + this.limits.idleTimeoutMs <= now) this.flows.delete(key);
    }
  }

  /** Emits everything pending (end of capture) and forgets all flows. */
  closeAll(): void {
    for (const f of this.flows.values()) this.flushFlow(f, 'capture ended');
    this.flows.clear();
  }

  private onQuery(f: UdpFlow, query: Pending): void {
    const id = query.message.id;
    const early = f.early.get(id);
    if (early !== undefined) {
      f.early.delete(id);
      this.emit(f, query, early, undefined);
      return;
    }
    const previous = f.queries.get(id);
    if (previous !== undefined) {
      // A retransmission keeps the first query's time; a different question with a reused id ends the old one.
      if (sameQuestion(previous.message, query.message)) return;
      this.emit(f, previous, null, { type: 'timeout', msg: `no response to ${describeQuestion(previous.message)} before its id was reused` });
    }
    f.queries.set(id, query);
    if (f.queries.size > this.limits.maxPendingPerConnection) {
      const [oldestId, oldest] = f.queries.entries().next().value as [number, Pending];
      f.queries.delete(oldestId);
      this.emit(f, oldest, null, { type: 'timeout', msg: `dropped: more than ${this.limits.maxPendingPerConnection} queries outstanding` });
    }
  }

  private onResponse(f: UdpFlow, response: Pending): void {
    const id = response.message.id;
    const query = f.queries.get(id);
    if (query !== undefined) {
      f.queries.delete(id);
      this.emit(f, query, response, undefined);
      return;
    }
    const previous = f.early.get(id);
    if (previous !== undefined) {
      this.emit(f, null, previous, { type: 'pair-not-found', msg: `response to ${describeQuestion(previous.message)} without a query` });
    }
    f.early.set(id, response);
    if (f.early.size > this.limits.maxPendingPerConnection) {
      const [oldestId, oldest] = f.early.entries().next().value as [number, Pending];
      f.early.delete(oldestId);
      this.emit(f, null, oldest, { type: 'pair-not-found', msg: `response to ${describeQuestion(oldest.message)} without a query` });
    }
  }

  /** `streamId` is capture's UDP flow id (shared with TCP stream ids) when the reassembler set one. */
  private flowFor(client: Endpoint, server: Endpoint, ipVersion: 4 | 6, now: number, streamId: number | undefined): UdpFlow {
    const key = `${client.ip}|${client.port}|${server.ip}|${server.port}`;
    let f = this.flows.get(key);
    if (f !== undefined) return f;
    if (this.flows.size >= this.limits.maxUdpFlows) this.evictOldest(now);
    f = {
      flow: new Flow(this.source, streamId === undefined ? `udp-${this.nextFlowId++}` : String(streamId), { ...client }, { ...server }, ipVersion),
      queries: new Map(),
      early: new Map(),
      lastActivity: now,
    };
    this.flows.set(key, f);
    this.stats.recognised['dns'] = (this.stats.recognised['dns'] ?? 0) + 1;
    return f;
  }

  private evictOldest(_now: number): void {
    const first = this.flows.entries().next();
    if (first.done === true) return;
    const [key, f] = first.value;
    this.flows.delete(key);
    this.stats.evictedConnections++;
    this.flushFlow(f, `flow evicted (more than ${this.limits.maxUdpFlows} UDP flows)`);
  }

  private flushFlow(f: UdpFlow, why: string): void {
    for (const q of f.queries.values()) this.emit(f, q, null, { type: 'timeout', msg: `${why} with ${describeQuestion(q.message)} unanswered` });
    for (const r of f.early.values()) this.emit(f, null, r, { type: 'pair-not-found', msg: `response to ${describeQuestion(r.message)} without a query` });
    f.queries.clear();
    f.early.clear();
  }

  private emit(f: UdpFlow, query: Pending | null, response: Pending | null, error: { type: 'timeout' | 'pair-not-found'; msg: string } | undefined): void {
    f.flow.emit({
      protocol: DNS_UDP,
      request: query === null ? null : toDnsRequest(query.message),
      response: response === null ? null : toDnsResponse(response.message),
      requestStart: query === null ? NaN : query.timestamp,
      responseStart: response === null ? NaN : response.timestamp,
      responseEnd: response === null ? NaN : response.timestamp,
      requestSize: query === null ? 0 : query.size,
      responseSize: response === null ? 0 : response.size,
      error,
    });
  }
}

/** A DNS message, or null for anything that is not one (plausibility checks beyond a clean parse). */
export function parseDnsDatagram(payload: Buffer): DnsMessage | null {
  if (payload.length < 17) return null; // header + the smallest question
  const flags = payload.readUInt16BE(2);
  const opcode = (flags >> 11) & 0xf;
  if (opcode === 3 || opcode > 6) return null;
  const qdcount = payload.readUInt16BE(4);
  if (qdcount === 0 || qdcount > 16) return null;
  try {
    return parseDnsMessage(payload);
  } catch (error) {
    if (error instanceof DnsParseError) return null;
    throw error;
  }
}

function sameQuestion(a: DnsMessage, b: DnsMessage): boolean {
  const qa = a.questions[0];
  const qb = b.questions[0];
  return qa !== undefined && qb !== undefined && qa.name === qb.name && qa.type === qb.type;
}
