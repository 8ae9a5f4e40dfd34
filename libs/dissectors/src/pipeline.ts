import type {
  DecodedPacket,
  StreamCloseReason,
  StreamDirection,
  StreamSink,
  TcpStreamInfo,
} from '@wirehook/capture';
import type { Item } from '@wirehook/contracts';
import { detectTcp, type TcpProtocolName } from './detect';
import { DnsTcpConnection } from './dns/dns-tcp';
import { DnsUdpTracker } from './dns/dns-udp';
import { Flow, type EndpointResolver, type ItemSource } from './flow';
import { HttpConnection } from './http/http-connection';
import { resolveLimits, type DissectionLimits } from './limits';
import { RedisConnection } from './redis/redis-connection';
import { copyStats, emptyStats, type DissectionStats } from './stats';
import type { HandlerContext, TcpProtocolHandler } from './tcp-handler';

export interface DissectionPipelineOptions {
  /** Worker (node) name: first part of item ids and `node.name`. */
  worker: string;
  /** This node's IP for `item.node.ip`. */
  nodeIp?: string;
  onItem(item: Item): void;
  limits?: Partial<DissectionLimits>;
  /** Kubernetes identity of endpoint IPs (name, namespace, pod). */
  resolveEndpoint?: EndpointResolver;
  /**
   * Called when `onItem` throws or a dissector fails on hostile input (the stream is then
   * dropped). Dissection goes on either way; without this the errors are only counted.
   */
  onError?(error: unknown, context: string): void;
}

/** A StreamSink that turns reassembled streams and datagrams into items. */
export interface DissectionPipeline extends StreamSink {
  /** Emits pairs older than the pair timeout at capture time `now` (ms). Also runs by itself as packets arrive. */
  flush(now: number): void;
  /** Ends everything: outstanding requests become items with errors. The pipeline accepts nothing after. */
  close(): void;
  stats(): DissectionStats;
}

interface Connection {
  info: TcpStreamInfo;
  state: 'detecting' | 'active' | 'ignored';
  handler: TcpProtocolHandler | null;
  /** The requester is `info.client` (the SYN side), as decided from content. */
  requesterIsInfoClient: boolean;
  /** Data seen while detecting, replayed in order once the protocol is known. */
  held: HeldChunk[];
  heldBytes: [number, number];
  /** Failed detection attempts on a connection seen mid-way (roles unknown). */
  probes: number;
  /** Data seen from [info client, info server]. */
  sawFrom: [boolean, boolean];
  sawData: boolean;
  lastActivity: number;
}

interface HeldChunk {
  fromInfoClient: boolean;
  data: Buffer;
  timestamp: number;
}

const MAX_PROBES = 8;

export function createDissectionPipeline(options: DissectionPipelineOptions): DissectionPipeline {
  return new Pipeline(options);
}

class Pipeline implements DissectionPipeline {
  private readonly limits: DissectionLimits;
  private readonly counters: DissectionStats = emptyStats();
  private readonly connections = new Map<number, Connection>();
  private readonly source: ItemSource;
  private readonly dnsUdp: DnsUdpTracker;
  private readonly sweepEvery: number;
  private nextSweep = -Infinity;
  /** Bytes held by all connections still being detected. */
  private detectHeld = 0;
  private lastTimestamp = 0;
  private closed = false;

  constructor(private readonly options: DissectionPipelineOptions) {
    this.limits = resolveLimits(options.limits);
    this.sweepEvery = Math.max(50, Math.min(1000, this.limits.pairTimeoutMs / 4));
    const stats = this.counters;
    const onItem = options.onItem;
    this.source = {
      worker: options.worker,
      nodeIp: options.nodeIp ?? '',
      resolveEndpoint: options.resolveEndpoint,
      onItem: (item: Item) => {
        stats.items++;
        const name = item.protocol.name;
        stats.itemsByProtocol[name] = (stats.itemsByProtocol[name] ?? 0) + 1;
        if (item.error !== undefined) stats.errors[item.error.type]++;
        try {
          onItem(item);
        } catch (error) {
          stats.callbackErrors++;
          this.report(error, `onItem threw for item ${item.id}`);
        }
      },
    };
    this.dnsUdp = new DnsUdpTracker(this.source, this.limits, stats);
  }

  onStreamData(stream: TcpStreamInfo, direction: StreamDirection, data: Buffer, timestamp: number): void {
    this.onStreamBytes(stream, direction, data, 0, data.length, timestamp);
  }

  /** What the reassembler calls: the bytes as a range of its buffer, no view made per segment. */
  onStreamBytes(stream: TcpStreamInfo, direction: StreamDirection, buf: Buffer, start: number, end: number, timestamp: number): void {
    if (this.closed || end <= start) return;
    this.tick(timestamp);
    const conn = this.connection(stream, timestamp);
    conn.lastActivity = timestamp;
    const fromInfoClient = direction === 'client-to-server';
    if (conn.state === 'active') {
      // The hot path: no closure, try/catch inline.
      const handler = conn.handler as TcpProtocolHandler;
      try {
        handler.onBytes(fromInfoClient === conn.requesterIsInfoClient, buf, start, end, timestamp);
        if (handler.finished) this.retire(conn);
      } catch (error) {
        this.fail(conn, error);
      }
      return;
    }
    if (conn.state === 'ignored') return;
    const data = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    this.guard(conn, () => this.detect(conn, fromInfoClient, data, timestamp));
  }

  onStreamGap(stream: TcpStreamInfo, direction: StreamDirection, missingBytes: number, timestamp: number): void {
    if (this.closed) return;
    this.tick(timestamp);
    const conn = this.connections.get(stream.id);
    if (conn === undefined) return;
    conn.lastActivity = timestamp;
    const fromInfoClient = direction === 'client-to-server';
    if (conn.state === 'active') {
      this.guard(conn, () => {
        const handler = conn.handler as TcpProtocolHandler;
        handler.onGap(fromInfoClient === conn.requesterIsInfoClient, missingBytes, timestamp);
        if (handler.finished) this.retire(conn);
      });
    } else if (conn.state === 'detecting') {
      // What we held for this side no longer starts a message; detection starts over after the hole.
      conn.held = conn.held.filter((h) => h.fromInfoClient !== fromInfoClient);
      this.detectHeld -= conn.heldBytes[fromInfoClient ? 0 : 1];
      conn.heldBytes[fromInfoClient ? 0 : 1] = 0;
    }
  }

  onStreamClose(stream: TcpStreamInfo, reason: StreamCloseReason, timestamp: number): void {
    if (this.closed) return;
    this.tick(timestamp);
    const conn = this.connections.get(stream.id);
    if (conn === undefined) return;
    this.connections.delete(stream.id);
    this.forget(conn);
    if (conn.state === 'active') this.guard(conn, () => (conn.handler as TcpProtocolHandler).onClose(reason, timestamp));
    else if (conn.state === 'detecting' && conn.sawData) this.counters.ignoredStreams++;
  }

  onDatagram(packet: DecodedPacket): void {
    if (this.closed || packet.transport !== 'udp') return;
    this.tick(packet.timestamp);
    this.counters.datagrams++;
    try {
      if (!this.dnsUdp.onDatagram(packet)) this.counters.ignoredDatagrams++;
    } catch (error) {
      this.counters.internalErrors++;
      this.report(error, `DNS datagram ${packet.src.ip}:${packet.src.port} → ${packet.dst.ip}:${packet.dst.port} at ${packet.timestamp}`);
    }
  }

  flush(now: number): void {
    if (this.closed) return;
    this.sweep(now);
  }

  close(): void {
    if (this.closed) return;
    const at = this.lastTimestamp;
    for (const conn of this.connections.values()) {
      if (conn.state === 'active') this.guard(conn, () => (conn.handler as TcpProtocolHandler).onClose('end-of-capture', at));
      else if (conn.state === 'detecting' && conn.sawData) this.counters.ignoredStreams++;
    }
    this.connections.clear();
    this.detectHeld = 0;
    try {
      this.dnsUdp.closeAll();
    } catch (error) {
      this.counters.internalErrors++;
      this.report(error, 'closing DNS flows');
    }
    this.closed = true;
  }

  stats(): DissectionStats {
    const out = copyStats(this.counters);
    out.openConnections = this.connections.size;
    out.openUdpFlows = this.dnsUdp.flowCount;
    let pending = this.dnsUdp.pending;
    for (const conn of this.connections.values()) if (conn.handler !== null) pending += conn.handler.pending;
    out.pending = pending;
    return out;
  }

  private connection(stream: TcpStreamInfo, timestamp: number): Connection {
    let conn = this.connections.get(stream.id);
    if (conn !== undefined) return conn;
    if (this.connections.size >= this.limits.maxConnections) this.evictOldest();
    conn = {
      info: stream,
      state: 'detecting',
      handler: null,
      requesterIsInfoClient: true,
      held: [],
      heldBytes: [0, 0],
      probes: 0,
      sawFrom: [false, false],
      sawData: false,
      lastActivity: timestamp,
    };
    this.connections.set(stream.id, conn);
    this.counters.streams++;
    return conn;
  }

  private detect(conn: Connection, fromInfoClient: boolean, data: Buffer, timestamp: number): void {
    const side = fromInfoClient ? 0 : 1;
    conn.sawData = true;
    conn.sawFrom[side] = true;
    if (this.detectHeld + data.length > this.limits.maxDetectTotalBytes) {
      this.ignore(conn); // too many undecided streams at once: this one is not worth the memory
      return;
    }
    conn.held.push({ fromInfoClient, data: Buffer.from(data), timestamp });
    conn.heldBytes[side] += data.length;
    this.detectHeld += data.length;
    const rolesKnown = conn.info.rolesKnown;
    for (;;) {
      const mine = conn.held.filter((h) => h.fromInfoClient === fromInfoClient);
      if (mine.length === 0) return;
      const bytes = mine.length === 1 ? mine[0].data : Buffer.concat(mine.map((h) => h.data));
      const result = detectTcp(bytes, {
        senderOpened: rolesKnown ? fromInfoClient : null,
        firstOnConnection: !conn.sawFrom[1 - side],
        maxBytes: this.limits.maxDetectBytes,
      });
      if (result.kind === 'match') {
        this.activate(conn, result.protocol, result.senderIsClient === fromInfoClient);
        return;
      }
      if (result.kind === 'more' && conn.heldBytes[side] < this.limits.maxDetectBytes) return;
      // Nothing we know. Seen from its start, the stream is skipped for good; seen mid-way,
      // a message may start at a later segment, so the oldest held one is dropped and the
      // rest tried again, a few times.
      if (rolesKnown || ++conn.probes >= MAX_PROBES) {
        this.ignore(conn);
        return;
      }
      const oldest = mine[0];
      conn.held.splice(conn.held.indexOf(oldest), 1);
      conn.heldBytes[side] -= oldest.data.length;
      this.detectHeld -= oldest.data.length;
    }
  }

  private activate(conn: Connection, protocol: TcpProtocolName, requesterIsInfoClient: boolean): void {
    const info = conn.info;
    const client = requesterIsInfoClient ? info.client : info.server;
    const server = requesterIsInfoClient ? info.server : info.client;
    const ctx: HandlerContext = {
      flow: new Flow(this.source, String(info.id), { ...client }, { ...server }, info.ipVersion),
      limits: this.limits,
      stats: this.counters,
    };
    const handler: TcpProtocolHandler =
      protocol === 'http' ? new HttpConnection(ctx) : protocol === 'redis' ? new RedisConnection(ctx) : new DnsTcpConnection(ctx);
    conn.state = 'active';
    conn.handler = handler;
    conn.requesterIsInfoClient = requesterIsInfoClient;
    this.counters.recognised[protocol] = (this.counters.recognised[protocol] ?? 0) + 1;
    const held = conn.held;
    this.release(conn);
    for (const h of held) {
      handler.onData(h.fromInfoClient === requesterIsInfoClient, h.data, h.timestamp);
      if (handler.finished) {
        this.retire(conn);
        return;
      }
    }
  }

  private ignore(conn: Connection): void {
    conn.state = 'ignored';
    this.release(conn);
    this.counters.ignoredStreams++;
  }

  /** Drops what a connection held for detection. */
  private release(conn: Connection): void {
    this.detectHeld -= conn.heldBytes[0] + conn.heldBytes[1];
    conn.held = [];
    conn.heldBytes = [0, 0];
  }

  /** A connection leaves the table: what it held for detection is freed. */
  private forget(conn: Connection): void {
    if (conn.held.length > 0) this.release(conn);
  }

  /** The handler is done with the connection (upgrade, tunnel, lost framing): skip its bytes. */
  private retire(conn: Connection): void {
    conn.state = 'ignored';
  }

  private evictOldest(): void {
    const first = this.connections.entries().next();
    if (first.done === true) return;
    const [id, conn] = first.value;
    this.connections.delete(id);
    this.forget(conn);
    this.counters.evictedConnections++;
    if (conn.state === 'active') this.guard(conn, () => (conn.handler as TcpProtocolHandler).onClose('evicted', this.lastTimestamp));
  }

  /** Runs timeouts as capture time passes; tolerant of time going backwards (looped replays). */
  private tick(timestamp: number): void {
    if (timestamp > this.lastTimestamp || this.lastTimestamp - timestamp > this.limits.pairTimeoutMs) this.lastTimestamp = timestamp;
    if (timestamp >= this.nextSweep || timestamp < this.nextSweep - 2 * this.sweepEvery) this.sweep(timestamp);
  }

  private sweep(now: number): void {
    this.nextSweep = now + this.sweepEvery;
    for (const [id, conn] of this.connections) {
      if (conn.state === 'active') this.guard(conn, () => (conn.handler as TcpProtocolHandler).expire(now));
      if (conn.lastActivity + this.limits.idleTimeoutMs <= now) {
        this.connections.delete(id);
        this.forget(conn);
        if (conn.state === 'active') this.guard(conn, () => (conn.handler as TcpProtocolHandler).onClose('timeout', now));
      }
    }
    try {
      this.dnsUdp.expire(now);
    } catch (error) {
      this.counters.internalErrors++;
      this.report(error, 'expiring DNS flows');
    }
  }

  /** A dissector bug or hostile input must not take the process down: drop the stream, count it. */
  private guard(conn: Connection, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.fail(conn, error);
    }
  }

  private fail(conn: Connection, error: unknown): void {
    this.counters.internalErrors++;
    conn.state = 'ignored';
    conn.handler = null;
    this.forget(conn);
    const { client, server, id } = conn.info;
    this.report(error, `stream ${id} ${client.ip}:${client.port} → ${server.ip}:${server.port}`);
  }

  private report(error: unknown, context: string): void {
    this.options.onError?.(error, context);
  }
}
