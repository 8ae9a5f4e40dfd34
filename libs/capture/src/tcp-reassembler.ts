import { CaptureCounters } from './counters';
import { CapturedPacket } from './decoded-packet';
import { FlowNode, FlowTable, flowHash } from './flow-table';
import {
  TcpFlags,
  type DecodedPacket,
  type StreamCloseReason,
  type StreamDirection,
  type StreamSink,
  type TcpStreamInfo,
} from './stream-events';

export interface TcpReassemblerOptions {
  counters?: CaptureCounters;
  /** A stream with no packet for this long (packet time) is closed with 'timeout'. Default 120 s. */
  idleTimeoutMs?: number;
  /** A UDP flow with no datagram for this long is forgotten (its next datagram gets a new id). Default 60 s. */
  udpIdleTimeoutMs?: number;
  /** TCP streams remembered at once (open and recently closed); the least recently seen is evicted. Default 100,000. */
  maxStreams?: number;
  /** UDP flows remembered at once. Default 100,000. */
  maxUdpFlows?: number;
  /** Out-of-order bytes one stream may hold before its oldest hole is declared a gap. Default 1 MiB. */
  maxStreamBufferedBytes?: number;
  /** Out-of-order bytes all streams may hold before the oldest buffering streams are evicted. Default 64 MiB. */
  maxBufferedBytes?: number;
  /**
   * How long a stream closed by FIN or RST is remembered (packet time) to absorb trailing ACKs and
   * retransmissions; after it, the 4-tuple starts a new stream. Default 10 s.
   */
  closedLingerMs?: number;
  /** First id handed out (ids increase by one per TCP stream or UDP flow). Default 1. */
  firstStreamId?: number;
}

export interface TcpReassemblerStats {
  openStreams: number;
  /** Open and recently closed streams remembered. */
  trackedStreams: number;
  udpFlows: number;
  /** Out-of-order bytes held plus the per-segment overhead charged for them. */
  bufferedBytes: number;
  /** Holes declared in streams (bytes lost or dropped by a memory cap) plus streams evicted. Details in the counters. */
  dropped: number;
}

const CLIENT_TO_SERVER: StreamDirection = 'client-to-server';
const SERVER_TO_CLIENT: StreamDirection = 'server-to-client';
/** Memory charged per buffered segment on top of its bytes, so floods of tiny segments stay bounded too. */
const SEGMENT_OVERHEAD = 64;
/** The largest window TCP can advertise (65535 << 14). */
const MAX_WINDOW = 65535 * 16384;

/** Out-of-order data (or a known hole when `data` is null) waiting for the bytes before it. */
class Segment {
  constructor(
    readonly seq: number,
    readonly length: number,
    readonly data: Buffer | null,
  ) {}
}

class HalfStream {
  initialized = false;
  /** Next expected sequence number (uint32). */
  nextSeq = 0;
  synSeen = false;
  isn = 0;
  finSeen = false;
  finSeq = 0;
  /** All data up to the FIN was delivered. */
  finished = false;
  /** Sorted by sequence, never overlapping each other. */
  segments: Segment[] = [];

  constructor(readonly direction: StreamDirection) {}
}

class TcpFlow extends FlowNode {
  readonly c2s = new HalfStream(CLIENT_TO_SERVER);
  readonly s2c = new HalfStream(SERVER_TO_CLIENT);
  closed = false;
  closedAt = 0;
  /** Charged bytes (data + per-segment overhead) of both directions. */
  charged = 0;

  constructor(
    readonly info: TcpStreamInfo,
    hash: number,
  ) {
    super(info.client.ip, info.client.port, info.server.ip, info.server.port, hash);
  }
}

class UdpFlow extends FlowNode {
  constructor(
    readonly id: number,
    ipA: string,
    portA: number,
    ipB: string,
    portB: number,
    hash: number,
  ) {
    super(ipA, portA, ipB, portB, hash);
  }
}

/**
 * TCP reassembly into ordered byte streams per direction, and UDP flow ids, feeding a StreamSink.
 *
 * - Per direction, bytes are delivered in sequence order; out-of-order segments are copied and
 *   buffered; retransmitted and overlapping bytes are dropped (the first-seen bytes win) and counted.
 * - Streams opened by a SYN know their roles; streams picked up mid-connection take the first
 *   sender as client with `rolesKnown: false` (the dissectors decide by content).
 * - Sequence numbers wrap (all comparisons are modulo 2^32).
 * - Close: both FINs delivered → 'fin'; RST → 'rst'; idle (by packet time) → 'timeout'; caps →
 *   'evicted'; `closeAll` → 'end-of-capture'. Before closing, buffered data is delivered after an
 *   `onStreamGap` for each hole. A closed stream is remembered (until idle) to absorb trailing packets;
 *   a new SYN on it starts a new stream.
 * - Memory is bounded: stream and flow counts, out-of-order bytes per stream (the oldest hole becomes
 *   a gap) and overall (the oldest buffering stream is evicted).
 *
 * `push` sets `packet.streamId`. Sink callbacks run synchronously inside `push`/`flush`/`closeAll`.
 */
export class TcpReassembler {
  readonly counters: CaptureCounters;
  private readonly tcp = new FlowTable<TcpFlow>();
  private readonly udp = new FlowTable<UdpFlow>();
  /** Streams holding out-of-order data, oldest first (eviction order under the global cap). */
  private readonly buffering = new Set<TcpFlow>();
  private readonly idleTimeoutMs: number;
  private readonly udpIdleTimeoutMs: number;
  private readonly maxStreams: number;
  private readonly maxUdpFlows: number;
  private readonly maxStreamCharge: number;
  private readonly maxCharge: number;
  private readonly closedLingerMs: number;
  /** Streams closed by FIN/RST in closing order, forgotten after the linger. */
  private closedQueue: TcpFlow[] = [];
  private closedHead = 0;
  private charged = 0;
  private nextId: number;

  constructor(
    private readonly sink: StreamSink,
    options: TcpReassemblerOptions = {},
  ) {
    this.counters = options.counters ?? new CaptureCounters();
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.udpIdleTimeoutMs = options.udpIdleTimeoutMs ?? 60_000;
    this.maxStreams = Math.max(1, options.maxStreams ?? 100_000);
    this.maxUdpFlows = Math.max(1, options.maxUdpFlows ?? 100_000);
    this.maxStreamCharge = Math.max(SEGMENT_OVERHEAD * 2, options.maxStreamBufferedBytes ?? 1024 * 1024);
    this.maxCharge = Math.max(this.maxStreamCharge, options.maxBufferedBytes ?? 64 * 1024 * 1024);
    this.closedLingerMs = options.closedLingerMs ?? 10_000;
    this.nextId = options.firstStreamId ?? 1;
  }

  /** TCP streams not yet closed. */
  get openStreams(): number {
    return this.counters.streamsOpen;
  }

  /** Out-of-order bytes held, plus the per-segment overhead charged for them. */
  get bufferedBytes(): number {
    return this.charged;
  }

  /** TCP streams remembered (open and recently closed). */
  get trackedStreams(): number {
    return this.tcp.size;
  }

  get udpFlows(): number {
    return this.udp.size;
  }

  push(packet: DecodedPacket): void {
    const transport = packet.transport;
    if (transport === 'tcp') this.pushTcp(packet);
    else if (transport === 'udp') this.pushUdp(packet);
  }

  /** Closes streams and forgets flows idle at packet (or wall-clock) time `now`. */
  flush(now: number): void {
    this.expireClosed(now);
    this.expireTcp(now);
    this.expireUdp(now);
  }

  /** Same as `flush`. */
  flushIdle(now: number): void {
    this.flush(now);
  }

  stats(): TcpReassemblerStats {
    const counters = this.counters;
    return {
      openStreams: counters.streamsOpen,
      trackedStreams: this.tcp.size,
      udpFlows: this.udp.size,
      bufferedBytes: this.charged,
      dropped: counters.gaps + counters.evictedStreams,
    };
  }

  /** End of capture: every open stream is closed with 'end-of-capture' and all flows are forgotten. */
  closeAll(timestamp?: number): void {
    let flow = this.tcp.head;
    while (flow !== null) {
      const next = flow.lruNext as TcpFlow | null;
      if (flow.closed) this.forget(flow);
      else this.close(flow, 'end-of-capture', timestamp ?? flow.lastSeen);
      flow = next;
    }
    this.closedQueue = [];
    this.closedHead = 0;
    let udpFlow = this.udp.head;
    while (udpFlow !== null) {
      const next = udpFlow.lruNext as UdpFlow | null;
      this.forgetUdp(udpFlow);
      udpFlow = next;
    }
  }

  private pushTcp(packet: DecodedPacket): void {
    const counters = this.counters;
    const tcp = packet.tcp;
    if (tcp === undefined) {
      counters.tcpSegmentsIgnored++;
      return;
    }
    const now = packet.timestamp;
    const table = this.tcp;
    if (table.head !== null && table.head.lastSeen < now - this.idleTimeoutMs) this.expireTcp(now);
    if (this.closedHead < this.closedQueue.length && this.closedQueue[this.closedHead].closedAt < now - this.closedLingerMs) this.expireClosed(now);
    counters.tcpSegments++;

    const src = packet.src;
    const dst = packet.dst;
    const flags = tcp.flags;
    const syn = (flags & TcpFlags.SYN) !== 0;
    const pureSyn = syn && (flags & TcpFlags.ACK) === 0;
    const payloadLength = packet.payloadLength ?? packet.payload.length;
    const hash = flowHash(src.ip, src.port, dst.ip, dst.port);
    let flow = table.find(hash, src.ip, src.port, dst.ip, dst.port);
    let fromClient = !table.reversed;

    if (flow !== null) {
      if (flow.closed) {
        if (!pureSyn) {
          // Not touched: a closed stream lingers for a fixed time, however much it still receives.
          packet.streamId = flow.info.id;
          counters.packetsAfterClose++;
          return;
        }
        // Port reuse: a new connection on a 4-tuple we remember as closed.
        this.forget(flow);
        flow = null;
      } else if (syn) {
        const half = fromClient ? flow.c2s : flow.s2c;
        if (half.initialized && (!half.synSeen || half.isn !== tcp.seq)) {
          // A SYN with a new initial sequence number: the old connection is gone without a FIN or RST.
          this.close(flow, 'timeout', now);
          flow = null;
        }
      }
    }
    if (flow === null) {
      if (payloadLength === 0 && !syn && (flags & TcpFlags.FIN) === 0) {
        // A pure ACK or RST for a connection we know nothing about.
        counters.tcpSegmentsIgnored++;
        return;
      }
      flow = this.open(packet, hash, syn && !pureSyn, syn, now);
      fromClient = !(syn && !pureSyn);
    } else {
      table.touch(flow, now);
    }
    packet.streamId = flow.info.id;

    const half = fromClient ? flow.c2s : flow.s2c;
    let seq = tcp.seq;
    if (syn) {
      if (!half.initialized) {
        half.initialized = true;
        half.synSeen = true;
        half.isn = seq;
        half.nextSeq = (seq + 1) >>> 0;
      }
      seq = (seq + 1) >>> 0;
    } else if (!half.initialized) {
      if (payloadLength === 0 && (flags & TcpFlags.FIN) === 0) {
        if ((flags & TcpFlags.RST) !== 0) this.close(flow, 'rst', now);
        return;
      }
      half.initialized = true;
      half.nextSeq = seq;
    }

    if (payloadLength > 0) {
      if (packet instanceof CapturedPacket) {
        // The decoder's packets hold their payload as a range: no Buffer view is made for it.
        const from = packet.payloadOffset;
        this.segment(flow, half, seq, packet.payloadBuffer, from, from + packet.payloadCaptured, payloadLength, now);
      } else {
        const payload = packet.payload;
        this.segment(flow, half, seq, payload, 0, payload.length, payloadLength, now);
      }
      if (flow.closed) return;
    }
    if ((flags & TcpFlags.FIN) !== 0 && !half.finSeen) {
      half.finSeen = true;
      half.finSeq = (seq + payloadLength) >>> 0;
    }
    if ((flags & TcpFlags.RST) !== 0) {
      this.close(flow, 'rst', now);
      return;
    }
    if (half.finSeen && !half.finished) this.checkFin(flow, half, now);
  }

  private open(packet: DecodedPacket, hash: number, senderIsServer: boolean, rolesKnown: boolean, now: number): TcpFlow {
    const table = this.tcp;
    while (table.size >= this.maxStreams && table.head !== null) {
      const oldest = table.head;
      if (oldest.closed) this.forget(oldest);
      else this.evict(oldest, now);
    }
    const sender = { ip: packet.src.ip, port: packet.src.port };
    const receiver = { ip: packet.dst.ip, port: packet.dst.port };
    const info: TcpStreamInfo = {
      id: this.nextId++,
      client: senderIsServer ? receiver : sender,
      server: senderIsServer ? sender : receiver,
      rolesKnown,
      ipVersion: packet.ipVersion === 6 ? 6 : 4,
    };
    const flow = new TcpFlow(info, hash);
    table.insert(flow, now);
    this.counters.streamsOpened++;
    this.counters.streamsOpen++;
    return flow;
  }

  /** Payload bytes [seq, seq + wireLength) of one segment, captured in `buf[from, to)` (shorter when the snap length cut it). */
  private segment(flow: TcpFlow, half: HalfStream, seq: number, buf: Buffer, from: number, to: number, wireLength: number, now: number): void {
    const counters = this.counters;
    let offset = (seq - half.nextSeq) | 0;
    if (offset < 0) {
      if (offset + wireLength <= 0) {
        counters.retransmittedSegments++;
        counters.retransmittedBytes += wireLength;
        return;
      }
      const overlap = -offset;
      counters.overlappingSegments++;
      counters.overlapBytes += overlap;
      from = overlap >= to - from ? to : from + overlap;
      wireLength -= overlap;
      seq = half.nextSeq;
      offset = 0;
    }
    const captured = to - from;
    if (offset === 0 && half.segments.length === 0) {
      // In order with nothing waiting: the common case, delivered without a copy.
      half.nextSeq = (seq + wireLength) >>> 0;
      if (captured > 0) {
        counters.streamBytes += captured;
        this.deliver(flow, half, buf, from, to, now);
      }
      if (captured < wireLength) this.gap(flow, half, wireLength - captured, now);
      return;
    }
    if (offset > MAX_WINDOW) {
      // Further ahead than any TCP window allows: a corrupt or foreign segment, not data to wait for.
      counters.outOfWindowSegments++;
      return;
    }
    if (offset > 0) counters.outOfOrderSegments++;
    if (captured > 0) this.insert(flow, half, offset, offset + captured, buf.subarray(from, to));
    if (captured < wireLength) this.insert(flow, half, offset + captured, offset + wireLength, null);
    if (offset === 0) {
      this.drain(flow, half, now);
      this.checkFin(flow, half, now);
    } else {
      this.enforceCaps(flow, half, now);
    }
  }

  /** Hands `buf[from, to)` to the sink: as a range when it takes ranges, else as a Buffer. */
  private deliver(flow: TcpFlow, half: HalfStream, buf: Buffer, from: number, to: number, now: number): void {
    const sink = this.sink;
    if (sink.onStreamBytes !== undefined) sink.onStreamBytes(flow.info, half.direction, buf, from, to, now);
    else sink.onStreamData(flow.info, half.direction, from === 0 && to === buf.length ? buf : buf.subarray(from, to), now);
  }

  /**
   * Buffers [start, end) (offsets from nextSeq) minus whatever buffered segments already cover:
   * the bytes seen first win. `data` holds the bytes from `start` (null for a known hole).
   */
  private insert(flow: TcpFlow, half: HalfStream, start: number, end: number, data: Buffer | null): void {
    const segments = half.segments;
    const base = half.nextSeq;
    // First segment starting at or after `start`.
    let low = 0;
    let high = segments.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (((segments[mid].seq - base) | 0) < start) low = mid + 1;
      else high = mid;
    }
    let cursor = start;
    let covered = 0;
    if (low > 0) {
      const before = segments[low - 1];
      const beforeEnd = ((before.seq - base) | 0) + before.length;
      if (beforeEnd > cursor) {
        covered += Math.min(beforeEnd, end) - cursor;
        cursor = beforeEnd;
      }
    }
    let index = low;
    while (cursor < end) {
      const next = index < segments.length ? segments[index] : null;
      const nextStart = next === null ? end : (next.seq - base) | 0;
      if (nextStart > cursor) {
        const pieceEnd = nextStart < end ? nextStart : end;
        const piece = new Segment(
          (base + cursor) >>> 0,
          pieceEnd - cursor,
          data === null ? null : Buffer.from(data.subarray(cursor - start, pieceEnd - start)),
        );
        segments.splice(index, 0, piece);
        index++;
        this.charge(flow, (piece.data === null ? 0 : piece.length) + SEGMENT_OVERHEAD, piece.data === null ? 0 : piece.length);
        cursor = pieceEnd;
      }
      if (next === null || cursor >= end) break;
      const nextEnd = nextStart + next.length;
      if (nextEnd > cursor) {
        covered += Math.min(nextEnd, end) - Math.max(nextStart, cursor);
        cursor = nextEnd;
      }
      index++;
    }
    if (covered > 0) {
      this.counters.overlappingSegments++;
      this.counters.overlapBytes += covered;
    }
  }

  /** Delivers the buffered segments that now follow nextSeq. */
  private drain(flow: TcpFlow, half: HalfStream, now: number): void {
    const segments = half.segments;
    const counters = this.counters;
    let taken = 0;
    while (taken < segments.length) {
      const segment = segments[taken];
      const offset = (segment.seq - half.nextSeq) | 0;
      if (offset > 0) break;
      taken++;
      const data = segment.data;
      this.charge(flow, -((data === null ? 0 : segment.length) + SEGMENT_OVERHEAD), data === null ? 0 : -segment.length);
      let length = segment.length + offset;
      if (length <= 0) {
        counters.overlapBytes += segment.length;
        continue;
      }
      half.nextSeq = (half.nextSeq + length) >>> 0;
      if (data === null) {
        this.gap(flow, half, length, now);
      } else {
        const bytes = offset < 0 ? data.subarray(-offset) : data;
        length = bytes.length;
        counters.streamBytes += length;
        this.deliver(flow, half, bytes, 0, length, now);
      }
    }
    if (taken > 0) segments.splice(0, taken);
  }

  /** Declares the hole before the first buffered segment lost and delivers what follows it. */
  private skipHole(flow: TcpFlow, half: HalfStream, now: number): void {
    const first = half.segments[0];
    if (first === undefined) return;
    const missing = (first.seq - half.nextSeq) | 0;
    if (missing > 0) {
      half.nextSeq = first.seq;
      this.gap(flow, half, missing, now);
    }
    this.drain(flow, half, now);
  }

  private gap(flow: TcpFlow, half: HalfStream, missing: number, now: number): void {
    this.counters.gaps++;
    this.counters.gapBytes += missing;
    this.sink.onStreamGap(flow.info, half.direction, missing, now);
  }

  private enforceCaps(flow: TcpFlow, half: HalfStream, now: number): void {
    if (flow.charged > this.maxStreamCharge) {
      const other = half === flow.c2s ? flow.s2c : flow.c2s;
      while (flow.charged > this.maxStreamCharge && half.segments.length > 0) this.skipHole(flow, half, now);
      while (flow.charged > this.maxStreamCharge && other.segments.length > 0) this.skipHole(flow, other, now);
      this.checkFin(flow, half, now);
      if (!flow.closed) this.checkFin(flow, other, now);
    }
    while (this.charged > this.maxCharge) {
      const oldest = this.buffering.values().next();
      if (oldest.done) break;
      this.evict(oldest.value, now);
    }
  }

  private checkFin(flow: TcpFlow, half: HalfStream, now: number): void {
    if (flow.closed || !half.finSeen || half.finished || half.nextSeq !== half.finSeq) return;
    half.finished = true;
    half.nextSeq = (half.finSeq + 1) >>> 0;
    const other = half === flow.c2s ? flow.s2c : flow.c2s;
    if (other.finished) this.close(flow, 'fin', now);
  }

  private charge(flow: TcpFlow, charge: number, bytes: number): void {
    const before = flow.charged;
    flow.charged += charge;
    this.charged += charge;
    this.counters.bytesBuffered += bytes;
    if (before === 0 && flow.charged > 0) this.buffering.add(flow);
    else if (flow.charged === 0) this.buffering.delete(flow);
  }

  /** Drops a stream's buffered data (one gap per direction for all of it) and closes it 'evicted'. */
  private evict(flow: TcpFlow, now: number): void {
    const counters = this.counters;
    for (const half of [flow.c2s, flow.s2c]) {
      const segments = half.segments;
      if (segments.length === 0) continue;
      const last = segments[segments.length - 1];
      const missing = ((last.seq - half.nextSeq) | 0) + last.length;
      for (const segment of segments) {
        const bytes = segment.data === null ? 0 : segment.length;
        counters.evictedBytes += bytes;
        this.charge(flow, -(bytes + SEGMENT_OVERHEAD), -bytes);
      }
      half.segments = [];
      half.nextSeq = (half.nextSeq + missing) >>> 0;
      this.gap(flow, half, missing, now);
    }
    counters.evictedStreams++;
    this.close(flow, 'evicted', now);
  }

  private close(flow: TcpFlow, reason: StreamCloseReason, now: number): void {
    if (flow.closed) return;
    if (reason !== 'evicted') {
      while (flow.c2s.segments.length > 0) this.skipHole(flow, flow.c2s, now);
      while (flow.s2c.segments.length > 0) this.skipHole(flow, flow.s2c, now);
    }
    flow.closed = true;
    const counters = this.counters;
    counters.streamsOpen--;
    counters.streamsClosed[reason]++;
    // FIN/RST-closed streams stay known for a while to absorb trailing ACKs and retransmissions.
    if (reason === 'fin' || reason === 'rst') {
      flow.closedAt = now;
      this.closedQueue.push(flow);
      // Bounded like the table: beyond maxStreams the oldest closed streams are forgotten early.
      while (this.closedQueue.length - this.closedHead > this.maxStreams) this.forget(this.closedQueue[this.closedHead++]);
    } else {
      this.forget(flow);
    }
    this.sink.onStreamClose(flow.info, reason, now);
  }

  private forget(flow: TcpFlow): void {
    if (flow.charged !== 0) {
      // Only reachable for a closed stream, whose segments were already delivered or dropped.
      this.charge(flow, -flow.charged, 0);
    }
    this.tcp.remove(flow);
  }

  private expireClosed(now: number): void {
    const queue = this.closedQueue;
    const limit = now - this.closedLingerMs;
    while (this.closedHead < queue.length && queue[this.closedHead].closedAt < limit) {
      // Forgetting is a no-op for a stream already gone (evicted, expired, replaced by a new SYN).
      this.forget(queue[this.closedHead++]);
    }
    if (this.closedHead > 1024 && this.closedHead * 2 > queue.length) {
      this.closedQueue = queue.slice(this.closedHead);
      this.closedHead = 0;
    }
  }

  private expireTcp(now: number): void {
    const limit = now - this.idleTimeoutMs;
    let flow = this.tcp.head;
    while (flow !== null && flow.lastSeen < limit) {
      const next = flow.lruNext as TcpFlow | null;
      if (flow.closed) this.forget(flow);
      else this.close(flow, 'timeout', now);
      flow = next;
    }
  }

  private pushUdp(packet: DecodedPacket): void {
    const now = packet.timestamp;
    const table = this.udp;
    if (table.head !== null && table.head.lastSeen < now - this.udpIdleTimeoutMs) this.expireUdp(now);
    const src = packet.src;
    const dst = packet.dst;
    const hash = flowHash(src.ip, src.port, dst.ip, dst.port);
    let flow = table.find(hash, src.ip, src.port, dst.ip, dst.port);
    if (flow === null) {
      while (table.size >= this.maxUdpFlows && table.head !== null) this.forgetUdp(table.head);
      flow = new UdpFlow(this.nextId++, src.ip, src.port, dst.ip, dst.port, hash);
      table.insert(flow, now);
      this.counters.udpFlowsOpened++;
      this.counters.udpFlowsOpen++;
    } else {
      table.touch(flow, now);
    }
    packet.streamId = flow.id;
    this.counters.datagrams++;
    this.sink.onDatagram(packet);
  }

  private expireUdp(now: number): void {
    const limit = now - this.udpIdleTimeoutMs;
    let flow = this.udp.head;
    while (flow !== null && flow.lastSeen < limit) {
      const next = flow.lruNext as UdpFlow | null;
      this.forgetUdp(flow);
      flow = next;
    }
  }

  private forgetUdp(flow: UdpFlow): void {
    this.udp.remove(flow);
    this.counters.udpFlowsOpen--;
  }
}
