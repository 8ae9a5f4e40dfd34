import { appendFile, mkdir, open, readdir, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptureFileReader, type PacketRecord } from './capture-file-reader';
import {
  PCAP_RECORD_HEADER_LENGTH,
  pcapFileHeader,
  pcapngEnhancedPacket,
  pcapngInterface,
  pcapngSectionHeader,
  writePcapRecord,
} from './pcap-writer';
import type { DecodedPacket } from './stream-events';

export interface StreamRecorderOptions {
  /** Folder for the recordings: `streams/stream-<id>.pcap` and `snapshots/`. */
  directory: string;
  /** A stream with no packet for this long is removed, and so is a snapshot this old. Default 10 min. */
  ttlMs?: number;
  /** Disk budget for all stream files; over it the oldest streams are removed. Default 512 MiB. */
  maxTotalBytes?: number;
  /** One stream's file stops growing at this size (later packets are counted, not written). Default 32 MiB. */
  maxStreamBytes?: number;
  /** Pending writes are flushed this often (and TTLs checked). Default 1 s. */
  flushIntervalMs?: number;
  /** A flush starts early when this many bytes wait; at 4× this, packets are dropped (counted). Default 8 MiB. */
  maxPendingBytes?: number;
  /** Streams recorded at once; beyond it the oldest is removed (counted with the budget). Default 100,000. */
  maxStreams?: number;
  /** Snapshots kept; older ones are removed. Default 16. */
  maxSnapshots?: number;
  /** Streams merged into one snapshot at most (the most recent). Default 1000. */
  maxSnapshotStreams?: number;
  /** Wall clock for TTLs (tests pass their own). Default Date.now. */
  now?: () => number;
}

export interface StreamRecorderStats {
  streams: number;
  packetsRecorded: number;
  bytesRecorded: number;
  /** Bytes in stream files, written or waiting to be written. */
  diskBytes: number;
  pendingBytes: number;
  /** Packets without a stream id (not TCP/UDP, or not passed through the reassembler). */
  packetsWithoutStream: number;
  /** Packets over a stream's size cap. */
  packetsOverStreamCap: number;
  /** Packets dropped because writes fell behind. */
  packetsDroppedBacklog: number;
  /** Packets whose link type differs from the first packet of their stream. */
  packetsOtherLinkType: number;
  removedByTtl: number;
  removedByBudget: number;
  snapshots: number;
  writeErrors: number;
  lastWriteError?: string;
}

class RecordedStream {
  /** Bytes of the file, written plus pending. */
  bytes = 0;
  created = false;
  pending: Buffer | null = null;
  pendingLength = 0;
  /** Got a packet since the last maintenance tick. */
  touched = true;

  constructor(
    readonly id: number,
    readonly path: string,
    readonly linkType: number,
    public lastActive: number,
  ) {}
}

const INITIAL_PENDING = 16 * 1024;

/**
 * Keeps a pcap file per TCP stream / UDP flow (by `DecodedPacket.streamId`, set by TcpReassembler)
 * for `pcap.path(stream)` and `pcap.snapshot(streams)`. Packets are copied into per-stream memory
 * buffers on the hot path and written by one asynchronous flush chain (timer, backlog size, or
 * `flush()`); removals and snapshots go through the same chain, so file operations never race.
 * Streams expire by TTL after their last packet; the disk budget removes the oldest streams first.
 */
export class StreamRecorder {
  private readonly streams = new Map<number, RecordedStream>();
  private readonly streamsDir: string;
  private readonly snapshotsDir: string;
  private readonly ttlMs: number;
  private readonly maxTotalBytes: number;
  private readonly maxStreamBytes: number;
  private readonly maxPendingBytes: number;
  private readonly maxSnapshots: number;
  private readonly maxStreams: number;
  private readonly maxSnapshotStreams: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<void>;
  private flushQueued = false;
  private totalBytes = 0;
  private pendingBytes = 0;
  private snapshotSeq = 0;
  private readonly snapshotFiles: { path: string; created: number }[] = [];
  private closed = false;
  private readonly counts = {
    packetsRecorded: 0,
    bytesRecorded: 0,
    packetsWithoutStream: 0,
    packetsOverStreamCap: 0,
    packetsDroppedBacklog: 0,
    packetsOtherLinkType: 0,
    removedByTtl: 0,
    removedByBudget: 0,
    snapshots: 0,
    writeErrors: 0,
  };
  private lastWriteError: string | undefined;

  constructor(options: StreamRecorderOptions) {
    this.streamsDir = join(options.directory, 'streams');
    this.snapshotsDir = join(options.directory, 'snapshots');
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxTotalBytes = options.maxTotalBytes ?? 512 * 1024 * 1024;
    this.maxStreamBytes = options.maxStreamBytes ?? 32 * 1024 * 1024;
    this.maxPendingBytes = options.maxPendingBytes ?? 8 * 1024 * 1024;
    this.maxSnapshots = options.maxSnapshots ?? 16;
    this.maxStreams = Math.max(1, options.maxStreams ?? 100_000);
    this.maxSnapshotStreams = options.maxSnapshotStreams ?? 1000;
    this.now = options.now ?? Date.now;
    this.chain = this.prepareDirectories();
    this.timer = setInterval(() => void this.maintain(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Records one packet of a stream (hot path: a memory copy, no I/O). */
  record(packet: DecodedPacket): void {
    const id = packet.streamId;
    if (id === undefined) {
      this.counts.packetsWithoutStream++;
      return;
    }
    this.recordFrame(id, packet.frame, packet.linkType, packet.timestamp, packet.length);
  }

  recordFrame(streamId: number, frame: Buffer, linkType: number, timestamp: number, length: number): void {
    if (this.closed) return;
    let stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (this.streams.size >= this.maxStreams) {
        const oldest = this.streams.values().next().value as RecordedStream;
        this.remove(oldest);
        this.counts.removedByBudget++;
      }
      stream = new RecordedStream(streamId, join(this.streamsDir, `stream-${streamId}.pcap`), linkType, this.now());
      this.streams.set(streamId, stream);
      this.append(stream, pcapFileHeader(linkType), 0, 0, 0);
    } else if (stream.linkType !== linkType) {
      this.counts.packetsOtherLinkType++;
      return;
    }
    const size = PCAP_RECORD_HEADER_LENGTH + frame.length;
    if (stream.bytes + size > this.maxStreamBytes) {
      this.counts.packetsOverStreamCap++;
      return;
    }
    if (this.pendingBytes + size > this.maxPendingBytes * 4) {
      this.counts.packetsDroppedBacklog++;
      return;
    }
    this.append(stream, frame, timestamp, length, size);
    stream.touched = true;
    this.counts.packetsRecorded++;
    this.counts.bytesRecorded += frame.length;
    if (this.pendingBytes > this.maxPendingBytes) void this.flush();
    if (this.totalBytes > this.maxTotalBytes) this.enforceBudget(stream);
  }

  /** Path of a stream's pcap, or undefined when it was never recorded or was removed. Call `flush()` first for the latest packets. */
  pathOf(streamId: number): string | undefined {
    return this.streams.get(streamId)?.path;
  }

  /** Ids of the streams currently recorded, oldest first. */
  streamIds(): number[] {
    return [...this.streams.keys()];
  }

  /** Writes everything pending. */
  flush(): Promise<void> {
    if (this.flushQueued) return this.chain;
    this.flushQueued = true;
    return this.enqueue(async () => {
      this.flushQueued = false;
      await this.writePending();
    });
  }

  /**
   * Writes one pcap of the given streams (default: every recorded stream, the most recent
   * `maxSnapshotStreams`) merged in time order, and returns its path. Streams of different link
   * types give a pcapng file with one interface per link type.
   */
  async snapshot(streamIds?: number[]): Promise<string> {
    await this.flush();
    let result = '';
    await this.enqueue(async () => {
      await this.writePending();
      result = await this.writeSnapshot(streamIds);
    });
    return result;
  }

  /** Expires streams and snapshots past their TTL, then flushes. Runs on the timer; callable by tests. */
  async maintain(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    const limit = now - this.ttlMs;
    for (const stream of this.streams.values()) {
      if (stream.touched) {
        stream.touched = false;
        stream.lastActive = now;
      } else if (stream.lastActive < limit) {
        this.remove(stream);
        this.counts.removedByTtl++;
      }
    }
    while (this.snapshotFiles.length > 0 && this.snapshotFiles[0].created < limit) {
      const old = this.snapshotFiles.shift() as { path: string };
      void this.enqueue(() => rm(old.path, { force: true }));
    }
    await this.flush();
  }

  /** Flushes and stops the timer. Files stay on disk. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
  }

  stats(): StreamRecorderStats {
    return {
      streams: this.streams.size,
      diskBytes: this.totalBytes,
      pendingBytes: this.pendingBytes,
      ...this.counts,
      ...(this.lastWriteError === undefined ? {} : { lastWriteError: this.lastWriteError }),
    };
  }

  private append(stream: RecordedStream, bytes: Buffer, timestamp: number, length: number, size: number): void {
    const isHeader = size === 0;
    const needed = isHeader ? bytes.length : size;
    let pending = stream.pending;
    if (pending === null || stream.pendingLength + needed > pending.length) {
      let capacity = pending === null ? INITIAL_PENDING : pending.length * 2;
      while (capacity < stream.pendingLength + needed) capacity *= 2;
      const grown = Buffer.allocUnsafe(capacity);
      if (pending !== null) pending.copy(grown, 0, 0, stream.pendingLength);
      stream.pending = grown;
      pending = grown;
    }
    if (isHeader) bytes.copy(pending, stream.pendingLength);
    else writePcapRecord(pending, stream.pendingLength, bytes, timestamp, length);
    stream.pendingLength += needed;
    stream.bytes += needed;
    this.pendingBytes += needed;
    this.totalBytes += needed;
  }

  private enforceBudget(keep: RecordedStream): void {
    for (const stream of this.streams.values()) {
      if (this.totalBytes <= this.maxTotalBytes) return;
      if (stream === keep) continue;
      this.remove(stream);
      this.counts.removedByBudget++;
    }
  }

  private remove(stream: RecordedStream): void {
    this.streams.delete(stream.id);
    this.totalBytes -= stream.bytes;
    this.pendingBytes -= stream.pendingLength;
    stream.pending = null;
    stream.pendingLength = 0;
    if (stream.created) void this.enqueue(() => rm(stream.path, { force: true }));
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.chain.then(operation).catch((error: unknown) => {
      this.counts.writeErrors++;
      this.lastWriteError = (error as Error).message;
    });
    this.chain = next;
    return next;
  }

  private async prepareDirectories(): Promise<void> {
    await mkdir(this.streamsDir, { recursive: true });
    await mkdir(this.snapshotsDir, { recursive: true });
    // Stream ids restart with every capture session: files of an earlier run would be mistaken for new ones.
    for (const name of await readdir(this.streamsDir)) {
      if (/^stream-\d+\.pcap$/.test(name)) await rm(join(this.streamsDir, name), { force: true });
    }
  }

  private async writePending(): Promise<void> {
    for (const stream of [...this.streams.values()]) {
      if (stream.pendingLength === 0 || stream.pending === null) continue;
      const data = stream.pending.subarray(0, stream.pendingLength);
      stream.pending = null;
      stream.pendingLength = 0;
      this.pendingBytes -= data.length;
      try {
        if (stream.created) await appendFile(stream.path, data);
        else await writeFile(stream.path, data);
        stream.created = true;
      } catch (error) {
        this.counts.writeErrors++;
        this.lastWriteError = `stream ${stream.id} (${stream.path}): ${(error as Error).message}`;
      }
      // Removed while its bytes were being written: take the file away again.
      if (!this.streams.has(stream.id) || this.streams.get(stream.id) !== stream) await rm(stream.path, { force: true });
    }
  }

  private async writeSnapshot(streamIds: number[] | undefined): Promise<string> {
    let chosen: RecordedStream[];
    if (streamIds === undefined) {
      chosen = [...this.streams.values()].filter((stream) => stream.created);
      chosen.sort((a, b) => a.lastActive - b.lastActive);
      chosen = chosen.slice(-this.maxSnapshotStreams);
    } else {
      chosen = streamIds
        .map((id) => this.streams.get(id))
        .filter((stream): stream is RecordedStream => stream !== undefined && stream.created)
        .slice(0, this.maxSnapshotStreams);
    }
    const linkTypes = [...new Set(chosen.map((stream) => stream.linkType))];
    const ng = linkTypes.length > 1;
    const path = join(this.snapshotsDir, `snapshot-${this.now()}-${++this.snapshotSeq}.${ng ? 'pcapng' : 'pcap'}`);
    const out = await open(path, 'w');
    const writer = new BufferedFileWriter(out);
    try {
      if (ng) {
        await writer.write(pcapngSectionHeader());
        for (const linkType of linkTypes) await writer.write(pcapngInterface(linkType));
      } else {
        await writer.write(pcapFileHeader(linkTypes[0] ?? 1));
      }
      const sources: SnapshotSource[] = [];
      for (const stream of chosen) {
        const reader = await CaptureFileReader.open(stream.path, { chunkSize: 64 * 1024 }).catch(() => null);
        if (reader !== null) sources.push({ reader, record: null });
      }
      await mergeByTime(sources, async (record) => {
        if (ng) {
          await writer.write(pcapngEnhancedPacket(linkTypes.indexOf(record.linkType), record.data, record.timestamp, record.length));
        } else {
          await writer.writeRecord(record);
        }
      });
      await writer.end();
    } finally {
      await out.close();
    }
    this.counts.snapshots++;
    this.snapshotFiles.push({ path, created: this.now() });
    while (this.snapshotFiles.length > this.maxSnapshots) {
      const old = this.snapshotFiles.shift() as { path: string };
      await rm(old.path, { force: true });
    }
    return path;
  }
}

interface SnapshotSource {
  reader: CaptureFileReader;
  record: PacketRecord | null;
}

/** Pulls the next record of a source; null when it is exhausted (truncated tails are just the end). */
async function advance(source: SnapshotSource): Promise<PacketRecord | null> {
  for (;;) {
    let record: PacketRecord | null;
    try {
      record = source.reader.next();
    } catch {
      return null;
    }
    if (record !== null) return record;
    if (!(await source.reader.fill())) return null;
  }
}

/** K-way merge by timestamp (linear scan of the heads: k is at most a thousand and writes dominate). */
async function mergeByTime(sources: SnapshotSource[], emit: (record: PacketRecord) => Promise<void>): Promise<void> {
  try {
    for (const source of sources) source.record = await advance(source);
    for (;;) {
      let best: SnapshotSource | null = null;
      for (const source of sources) {
        if (source.record !== null && (best === null || source.record.timestamp < (best.record as PacketRecord).timestamp)) best = source;
      }
      if (best === null) return;
      await emit(best.record as PacketRecord);
      best.record = await advance(best);
    }
  } finally {
    for (const source of sources) await source.reader.close();
  }
}

/** Collects small writes into 1 MiB buffers. */
class BufferedFileWriter {
  private buffer = Buffer.allocUnsafe(1024 * 1024);
  private used = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(bytes: Buffer): Promise<void> {
    if (this.used + bytes.length > this.buffer.length) await this.drain();
    if (bytes.length > this.buffer.length) {
      await this.handle.write(bytes);
      return;
    }
    bytes.copy(this.buffer, this.used);
    this.used += bytes.length;
  }

  async writeRecord(record: PacketRecord): Promise<void> {
    const size = PCAP_RECORD_HEADER_LENGTH + record.data.length;
    if (this.used + size > this.buffer.length) await this.drain();
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
    this.used = writePcapRecord(this.buffer, this.used, record.data, record.timestamp, record.length);
  }

  async end(): Promise<void> {
    await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.used === 0) return;
    await this.handle.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

