import { BufferByteSource, FileByteSource, type ByteSource } from './byte-source';
import { CaptureCounters } from './counters';
import { CaptureFileError } from './errors';

/** One packet record of a capture file. `data` is a view into the reader's chunk: copy it to keep it long. */
export interface PacketRecord {
  /** Interface index; pcapng ids are numbered across sections (section 2's first interface follows section 1's last). */
  interfaceId: number;
  linkType: number;
  /** ms since epoch, UTC, with the sub-millisecond part in the fraction. */
  timestamp: number;
  captureLength: number;
  length: number;
  data: Buffer;
}

/**
 * The record object `CaptureFileReader.next()` returns (and reuses). `data` is made on first read:
 * the decoder works on `chunk[offset, offset + captureLength)` directly and never needs it.
 */
export class ChunkRecord implements PacketRecord {
  interfaceId = 0;
  linkType = 0;
  timestamp = 0;
  captureLength = 0;
  length = 0;
  /** The reader's chunk holding this record's bytes… */
  chunk: Buffer = EMPTY;
  /** …from this offset. */
  offset = 0;

  get data(): Buffer {
    return this.chunk.subarray(this.offset, this.offset + this.captureLength);
  }
}

export type CaptureFileFormat = 'pcap' | 'pcapng';

export interface CaptureFileReaderOptions {
  /** Bytes read per positional read (default 4 MiB); grows for a larger record. */
  chunkSize?: number;
  counters?: CaptureCounters;
  /**
   * Read into three chunk buffers in turn instead of a new one per read, and read the next chunk
   * while the current one is parsed. A record's bytes (and every view of them) then stay valid only
   * until the reader has read two more chunks: for consumers that copy what they keep, as the
   * replay pipeline does. Each fresh 4 MiB chunk counts as external memory to V8, which answers
   * with full garbage collections: at replay speed that was a third of the CPU time. Default false
   * (every chunk new, views valid for as long as held, no read ahead).
   */
  reuseChunks?: boolean;
}

const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
const PCAP_MAGIC_NANOS = 0xa1b23c4d;
const PCAP_HEADER_LENGTH = 24;
const PCAP_RECORD_HEADER_LENGTH = 16;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_OPB = 2;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

/** Wireshark's usual limit for one packet; a larger snap length in the header raises it, up to HARD_MAX. */
const USUAL_MAX_PACKET = 262_144;
/** Nothing legitimate is bigger; a larger length means a corrupt file, never a giant allocation. */
const HARD_MAX_RECORD = 16 * 1024 * 1024;
const HARD_MAX_BLOCK = 32 * 1024 * 1024;
const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Room in front of a read-ahead chunk for the record cut by the end of the previous one. */
const HEADROOM = USUAL_MAX_PACKET + 64;
const EMPTY = Buffer.alloc(0);
const TWO_POW_32 = 4294967296;

const enum State {
  Start,
  Pcap,
  Pcapng,
  Done,
}

interface ReadAhead {
  /** Ring slot of `buf`: taken first again when the read is not used. */
  slot: number;
  buf: Buffer;
  /** File offset the read started at (the chunk's first byte lands at buf[HEADROOM]). */
  filePos: number;
  read: Promise<number>;
}

interface CaptureInterface {
  linkType: number;
  snapLength: number;
  /** ms per timestamp unit, and per unit of the high 32-bit word. */
  msPerUnit: number;
  msPerHighUnit: number;
  offsetMs: number;
}

function u32le(b: Buffer, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
}

function u32be(b: Buffer, p: number): number {
  return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
}

/**
 * Streaming reader for classic pcap (µs and ns magic, either byte order) and pcapng (sections in
 * either byte order, several interfaces with their own link type and timestamp resolution, EPB, SPB
 * and the obsolete PB; other blocks skipped). Reads in large chunks by positional reads and never
 * holds more than one chunk (plus the record that straddles two).
 *
 * The fast path is pull-based and synchronous within a chunk:
 * ```
 * for (;;) {
 *   const record = reader.next();          // reused object, null when the chunk is used up
 *   if (record) { …; continue; }
 *   if (!(await reader.fill())) break;     // false at the end of the file
 * }
 * ```
 * `records()` is the convenient async iterator (fresh objects, slower).
 *
 * A corrupt record or block throws `CaptureFileError` (file + byte offset) from `next()`; records
 * before it were already returned. A truncated last record is not thrown: it is kept in
 * `truncation` and counted, and `fill()` returns false.
 */
export class CaptureFileReader {
  /** Set when the file ended inside a record or block. */
  truncation: CaptureFileError | null = null;
  format: CaptureFileFormat;

  private readonly counters: CaptureCounters;
  private readonly chunkSize: number;
  /** With `reuseChunks`: the chunk buffers used in turn (null until first needed), and which one is next. */
  private readonly ring: Array<Buffer | null> | null;
  private ringNext = 0;
  /** With `reuseChunks`: the chunk being read while the current one is parsed. */
  private ahead: ReadAhead | null = null;
  private closed = false;
  private buf: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** File offset of buf[0], for error messages. */
  private bufFileOffset = 0;
  private filePos = 0;
  private eof = false;
  /** Bytes needed from `pos` for the next record or block. */
  private need = 0;
  private state = State.Start;
  private littleEndian = true;
  // Classic pcap.
  private pcapLinkType = 0;
  private pcapFractionDivisor = 1000;
  private maxRecordLength = USUAL_MAX_PACKET;
  // pcapng.
  private interfaces: CaptureInterface[] = [];
  private interfaceBase = 0;
  private lastTimestamp = 0;
  private readonly record = new ChunkRecord();

  private constructor(
    private readonly source: ByteSource,
    options: CaptureFileReaderOptions,
  ) {
    this.counters = options.counters ?? new CaptureCounters();
    this.chunkSize = Math.max(64 * 1024, options.chunkSize ?? DEFAULT_CHUNK);
    this.ring = options.reuseChunks === true ? [null, null, null] : null;
    this.format = 'pcap';
  }

  get name(): string {
    return this.source.name;
  }

  /** Opens a capture file and checks its format. Throws CaptureFileError when it is neither pcap nor pcapng. */
  static async open(path: string, options: CaptureFileReaderOptions = {}): Promise<CaptureFileReader> {
    let source: FileByteSource;
    try {
      source = await FileByteSource.open(path);
    } catch (error) {
      throw new CaptureFileError(path, 0, `cannot open: ${(error as Error).message}`);
    }
    return CaptureFileReader.fromSource(source, options);
  }

  /** A reader over a capture held in memory. */
  static async fromBuffer(data: Buffer, name = 'buffer', options: CaptureFileReaderOptions = {}): Promise<CaptureFileReader> {
    return CaptureFileReader.fromSource(new BufferByteSource(data, name), options);
  }

  static async fromSource(source: ByteSource, options: CaptureFileReaderOptions = {}): Promise<CaptureFileReader> {
    const reader = new CaptureFileReader(source, options);
    try {
      await reader.start();
    } catch (error) {
      await source.close();
      throw error;
    }
    return reader;
  }

  private async start(): Promise<void> {
    this.need = PCAP_HEADER_LENGTH;
    await this.fill();
    if (this.end < 4) throw new CaptureFileError(this.name, 0, this.end === 0 ? 'empty file' : 'file too short for a capture header');
    const magic = u32le(this.buf, 0);
    if (magic === PCAP_MAGIC_MICROS || magic === PCAP_MAGIC_NANOS || u32be(this.buf, 0) === PCAP_MAGIC_MICROS || u32be(this.buf, 0) === PCAP_MAGIC_NANOS) {
      this.format = 'pcap';
    } else if (magic === PCAPNG_SHB) {
      this.format = 'pcapng';
    } else {
      throw new CaptureFileError(this.name, 0, `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`);
    }
    this.counters.laps++;
  }

  /**
   * The next record from the bytes already read, or null when a `fill()` is needed (or the file is done).
   * The returned object is reused by the next call; `data` stays valid.
   */
  next(): ChunkRecord | null {
    for (;;) {
      switch (this.state) {
        case State.Pcap:
          return this.nextPcapRecord();
        case State.Pcapng: {
          const record = this.nextPcapngBlock();
          if (record === undefined) continue;
          return record;
        }
        case State.Start:
          if (!this.readFileHeader()) return null;
          continue;
        default:
          return null;
      }
    }
  }

  /**
   * Reads the next chunk. Returns false at the end of the file (after recording a truncated tail in
   * `truncation`), or once the reader has failed.
   */
  async fill(): Promise<boolean> {
    if (this.state === State.Done) return false;
    const leftover = this.end - this.pos;
    if (this.eof) {
      if (leftover > 0) this.reportTruncatedTail(leftover);
      this.state = State.Done;
      return false;
    }
    const ahead = this.ahead;
    if (ahead !== null) {
      this.ahead = null;
      const bytesRead = await ahead.read;
      // Usable unless a record longer than the headroom straddles the chunks (then read as usual).
      if (ahead.filePos === this.filePos && leftover <= HEADROOM) {
        const start = HEADROOM - leftover;
        if (leftover > 0) this.buf.copy(ahead.buf, start, this.pos, this.end);
        return this.adopt(ahead.buf, start, leftover, bytesRead);
      }
      this.ringNext = ahead.slot; // its buffer is free again, the previous chunk's is not
    }
    const size = Math.max(this.chunkSize, this.need + 16);
    const next = this.chunkBuffer(size);
    if (leftover > 0) this.buf.copy(next, 0, this.pos, this.end);
    const bytesRead = await this.source.read(next, leftover, size - leftover, this.filePos);
    return this.adopt(next, 0, leftover, bytesRead);
  }

  /** Makes `buf` the current chunk: the unparsed `leftover` bytes at `start`, then `bytesRead` new ones. */
  private adopt(buf: Buffer, start: number, leftover: number, bytesRead: number): Promise<boolean> | true {
    this.bufFileOffset = this.filePos - leftover - start;
    this.filePos += bytesRead;
    this.buf = buf;
    this.pos = start;
    this.end = start + leftover + bytesRead;
    if (bytesRead === 0) {
      this.eof = true;
      return this.fill();
    }
    this.readAhead();
    return true;
  }

  /**
   * With `reuseChunks`, starts reading the chunk after the current one into the next ring buffer,
   * behind a headroom where the current chunk's unfinished record will be copied: parsing and the
   * read (on libuv's thread pool) overlap.
   */
  private readAhead(): void {
    if (this.ring === null || this.eof || this.closed) return;
    const slot = this.ringNext;
    const buf = this.chunkBuffer(HEADROOM + this.chunkSize);
    const read = this.source.read(buf, HEADROOM, this.chunkSize, this.filePos);
    // A failed read surfaces at the next fill(); this only keeps an abandoned one from being unhandled.
    read.catch(() => undefined);
    this.ahead = { slot, buf, filePos: this.filePos, read };
  }

  /** Waits out a read ahead that will not be used (rewind, close). */
  private async dropReadAhead(): Promise<void> {
    const ahead = this.ahead;
    if (ahead === null) return;
    this.ahead = null;
    this.ringNext = ahead.slot; // its buffer is free again, the current chunk's is not
    await ahead.read.catch(() => 0);
  }

  /** A buffer of at least `size` bytes for the next read: a fresh one, or the ring's next slot. */
  private chunkBuffer(size: number): Buffer {
    const ring = this.ring;
    if (ring === null) return Buffer.allocUnsafe(size);
    const slot = this.ringNext;
    this.ringNext = (slot + 1) % ring.length;
    let chunk = ring[slot];
    if (chunk === null || chunk.length < size) {
      chunk = Buffer.allocUnsafe(size);
      ring[slot] = chunk;
    }
    return chunk;
  }

  /** Starts again from the beginning of the file (for looped replay). */
  async rewind(): Promise<void> {
    await this.dropReadAhead();
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
    this.bufFileOffset = 0;
    this.filePos = 0;
    this.eof = false;
    this.need = PCAP_HEADER_LENGTH;
    this.state = State.Start;
    this.interfaces = [];
    this.interfaceBase = 0;
    this.lastTimestamp = 0;
    this.counters.laps++;
  }

  /** Releases the file; idempotent. */
  async close(): Promise<void> {
    this.state = State.Done;
    this.buf = EMPTY;
    this.record.chunk = EMPTY;
    if (this.closed) return;
    this.closed = true;
    await this.dropReadAhead();
    if (this.ring !== null) this.ring.fill(null);
    await this.source.close();
  }

  /** Every record, as fresh objects; closes the reader when done (or on error, or when the loop breaks). */
  async *records(): AsyncGenerator<PacketRecord> {
    try {
      for (;;) {
        const record = this.next();
        if (record !== null) {
          const { interfaceId, linkType, timestamp, captureLength, length } = record;
          yield { interfaceId, linkType, timestamp, captureLength, length, data: record.data };
          continue;
        }
        if (!(await this.fill())) return;
      }
    } finally {
      await this.close();
    }
  }

  /** File offset of the byte the reader would parse next. */
  get offset(): number {
    return this.bufFileOffset + this.pos;
  }

  private reportTruncatedTail(leftover: number): void {
    const what = this.state === State.Start ? 'file header' : this.state === State.Pcap ? 'record' : 'block';
    this.truncation = new CaptureFileError(
      this.name,
      this.bufFileOffset + this.pos,
      `truncated ${what}: file ends after ${leftover} of ${Math.max(this.need, leftover + 1)} bytes`,
    );
    this.counters.truncatedFiles++;
  }

  private fail(at: number, reason: string): never {
    this.state = State.Done;
    this.counters.corruptFiles++;
    throw new CaptureFileError(this.name, this.bufFileOffset + at, reason);
  }

  private readFileHeader(): boolean {
    const avail = this.end - this.pos;
    if (avail < 4) {
      this.need = 4;
      return false;
    }
    const b = this.buf;
    const p = this.pos;
    const le = u32le(b, p);
    if (le === PCAPNG_SHB) {
      this.state = State.Pcapng;
      return true;
    }
    const be = u32be(b, p);
    let littleEndian: boolean;
    let nanos: boolean;
    if (le === PCAP_MAGIC_MICROS || le === PCAP_MAGIC_NANOS) {
      littleEndian = true;
      nanos = le === PCAP_MAGIC_NANOS;
    } else if (be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS) {
      littleEndian = false;
      nanos = be === PCAP_MAGIC_NANOS;
    } else {
      return this.fail(p, `not a pcap or pcapng file (magic 0x${le.toString(16).padStart(8, '0')})`);
    }
    if (avail < PCAP_HEADER_LENGTH) {
      this.need = PCAP_HEADER_LENGTH;
      return false;
    }
    this.littleEndian = littleEndian;
    this.pcapFractionDivisor = nanos ? 1_000_000 : 1000;
    const snapLength = littleEndian ? u32le(b, p + 16) : u32be(b, p + 16);
    const network = littleEndian ? u32le(b, p + 20) : u32be(b, p + 20);
    // The upper bits of the link-type field carry FCS information.
    this.pcapLinkType = network & 0xffff;
    this.maxRecordLength = Math.min(HARD_MAX_RECORD, Math.max(USUAL_MAX_PACKET, snapLength));
    this.pos += PCAP_HEADER_LENGTH;
    this.state = State.Pcap;
    return true;
  }

  private nextPcapRecord(): ChunkRecord | null {
    const p = this.pos;
    const avail = this.end - p;
    if (avail < PCAP_RECORD_HEADER_LENGTH) {
      this.need = PCAP_RECORD_HEADER_LENGTH;
      return null;
    }
    const b = this.buf;
    let seconds: number;
    let fraction: number;
    let captureLength: number;
    let length: number;
    if (this.littleEndian) {
      seconds = u32le(b, p);
      fraction = u32le(b, p + 4);
      captureLength = u32le(b, p + 8);
      length = u32le(b, p + 12);
    } else {
      seconds = u32be(b, p);
      fraction = u32be(b, p + 4);
      captureLength = u32be(b, p + 8);
      length = u32be(b, p + 12);
    }
    if (captureLength > this.maxRecordLength) {
      return this.fail(p, `record captured length ${captureLength} exceeds ${this.maxRecordLength}`);
    }
    const total = PCAP_RECORD_HEADER_LENGTH + captureLength;
    if (avail < total) {
      this.need = total;
      return null;
    }
    const start = p + PCAP_RECORD_HEADER_LENGTH;
    const record = this.record;
    record.interfaceId = 0;
    record.linkType = this.pcapLinkType;
    record.timestamp = seconds * 1000 + fraction / this.pcapFractionDivisor;
    record.captureLength = captureLength;
    record.length = length < captureLength ? captureLength : length;
    record.chunk = b;
    record.offset = start;
    this.pos = start + captureLength;
    this.counters.packets++;
    this.counters.bytes += captureLength;
    return record;
  }

  private u32(p: number): number {
    return this.littleEndian ? u32le(this.buf, p) : u32be(this.buf, p);
  }

  private u16(p: number): number {
    const b = this.buf;
    return this.littleEndian ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
  }

  /** A packet record, null when more bytes are needed, undefined when a non-packet block was consumed. */
  private nextPcapngBlock(): ChunkRecord | null | undefined {
    const p = this.pos;
    const avail = this.end - p;
    if (avail < 12) {
      this.need = 12;
      return null;
    }
    const b = this.buf;
    const type = this.u32(p);
    if (type === PCAPNG_SHB) {
      // The block type reads the same in both byte orders; the byte-order magic decides the section's order.
      if (u32le(b, p + 8) === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (u32be(b, p + 8) === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = false;
      else return this.fail(p, 'section header block with a bad byte-order magic');
    }
    const length = this.u32(p + 4);
    if (length < 12 || length % 4 !== 0 || length > HARD_MAX_BLOCK) {
      return this.fail(p, `bad block length ${length} (block type 0x${type.toString(16)})`);
    }
    if (avail < length) {
      this.need = length;
      return null;
    }
    const trailing = this.u32(p + length - 4);
    if (trailing !== length) {
      return this.fail(p, `block length ${length} does not match its trailing copy ${trailing}`);
    }
    const body = p + 8;
    const bodyLength = length - 12;
    this.pos = p + length;
    switch (type) {
      case PCAPNG_EPB:
        return this.enhancedPacket(p, body, bodyLength);
      case PCAPNG_SPB:
        return this.simplePacket(p, body, bodyLength);
      case PCAPNG_OPB:
        return this.obsoletePacket(p, body, bodyLength);
      case PCAPNG_SHB:
        if (bodyLength < 16) return this.fail(p, 'section header block too short');
        if (this.u16(body + 4) !== 1) return this.fail(p, `unsupported pcapng major version ${this.u16(body + 4)}`);
        this.interfaceBase += this.interfaces.length;
        this.interfaces = [];
        return undefined;
      case PCAPNG_IDB:
        if (bodyLength < 8) return this.fail(p, 'interface description block too short');
        this.interfaces.push(this.parseInterface(body, bodyLength));
        return undefined;
      default:
        // Name resolution, statistics, decryption secrets, custom blocks…: not needed here.
        return undefined;
    }
  }

  private parseInterface(body: number, bodyLength: number): CaptureInterface {
    let unitsPerSecond = 1e6;
    let offsetSeconds = 0;
    const end = body + bodyLength;
    let o = body + 8;
    while (o + 4 <= end) {
      const code = this.u16(o);
      const length = this.u16(o + 2);
      const value = o + 4;
      if (code === 0 || value + length > end) break;
      if (code === OPTION_IF_TSRESOL && length >= 1) {
        const v = this.buf[value];
        const exponent = v & 0x7f;
        unitsPerSecond = v & 0x80 ? 2 ** exponent : 10 ** exponent;
      } else if (code === OPTION_IF_TSOFFSET && length >= 8) {
        const first = this.u32(value);
        const second = this.u32(value + 4);
        const high = this.littleEndian ? second : first;
        const low = this.littleEndian ? first : second;
        offsetSeconds = (high | 0) * TWO_POW_32 + low;
      }
      o = value + ((length + 3) & ~3);
    }
    const msPerUnit = 1000 / unitsPerSecond;
    return {
      linkType: this.u16(body),
      snapLength: this.u32(body + 4),
      msPerUnit,
      msPerHighUnit: msPerUnit * TWO_POW_32,
      offsetMs: offsetSeconds * 1000,
    };
  }

  private enhancedPacket(p: number, body: number, bodyLength: number): ChunkRecord {
    if (bodyLength < 20) return this.fail(p, 'enhanced packet block too short');
    const interfaceId = this.u32(body);
    const captureLength = this.u32(body + 12);
    const length = this.u32(body + 16);
    if (captureLength > bodyLength - 20) {
      return this.fail(p, `captured length ${captureLength} exceeds the enhanced packet block`);
    }
    const iface = this.interfaceOf(p, interfaceId);
    const timestamp = this.u32(body + 4) * iface.msPerHighUnit + this.u32(body + 8) * iface.msPerUnit + iface.offsetMs;
    return this.emit(this.interfaceBase + interfaceId, iface.linkType, timestamp, body + 20, captureLength, length);
  }

  private obsoletePacket(p: number, body: number, bodyLength: number): ChunkRecord {
    if (bodyLength < 20) return this.fail(p, 'packet block too short');
    const interfaceId = this.u16(body);
    const captureLength = this.u32(body + 12);
    const length = this.u32(body + 16);
    if (captureLength > bodyLength - 20) return this.fail(p, `captured length ${captureLength} exceeds the packet block`);
    const iface = this.interfaceOf(p, interfaceId);
    const timestamp = this.u32(body + 4) * iface.msPerHighUnit + this.u32(body + 8) * iface.msPerUnit + iface.offsetMs;
    return this.emit(this.interfaceBase + interfaceId, iface.linkType, timestamp, body + 20, captureLength, length);
  }

  private simplePacket(p: number, body: number, bodyLength: number): ChunkRecord {
    if (bodyLength < 4) return this.fail(p, 'simple packet block too short');
    const iface = this.interfaceOf(p, 0);
    const length = this.u32(body);
    let captureLength = Math.min(length, bodyLength - 4);
    if (iface.snapLength > 0 && captureLength > iface.snapLength) captureLength = iface.snapLength;
    // A simple packet block has no timestamp: it keeps the time of the packet before it.
    return this.emit(this.interfaceBase, iface.linkType, this.lastTimestamp, body + 4, captureLength, length);
  }

  private interfaceOf(p: number, interfaceId: number): CaptureInterface {
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) {
      return this.fail(p, `packet for interface ${interfaceId}, but the section declares ${this.interfaces.length}`);
    }
    return iface;
  }

  private emit(interfaceId: number, linkType: number, timestamp: number, start: number, captureLength: number, length: number): ChunkRecord {
    const record = this.record;
    record.interfaceId = interfaceId;
    record.linkType = linkType;
    record.timestamp = timestamp;
    record.captureLength = captureLength;
    record.length = length < captureLength ? captureLength : length;
    record.chunk = this.buf;
    record.offset = start;
    this.lastTimestamp = timestamp;
    this.counters.packets++;
    this.counters.bytes += captureLength;
    return record;
  }
}
