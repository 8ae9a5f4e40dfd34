/**
 * Fuzzing the whole pipeline: mutated and truncated real captures, random captures and random
 * streams through capture's reader, decoder and reassembler into the dissectors. A finding is
 * an exception escaping, a dissector failure caught by the pipeline (internalErrors), or a
 * bound not holding. Seeded: the same seed replays the same inputs.
 *
 * Used by test/fuzz.spec.ts (short run) and tools/fuzz/pipeline.ts (long run).
 */
import { CaptureFileError, CaptureFileReader, FrameDecoder, TcpReassembler, pcapFileHeader, type TcpStreamInfo } from '@wirehook/capture';
import { createDissectionPipeline, type DissectionLimits, type DissectionPipeline, type DissectionStats } from '../../src';

/** mulberry32: small, fast, good enough to pick mutations. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export interface FuzzFinding {
  iteration: number;
  kind: string;
  error: string;
}

export interface FuzzReport {
  iterations: number;
  packets: number;
  items: number;
  findings: FuzzFinding[];
  /** Largest heap seen after an iteration, in MB. */
  peakHeapMb: number;
}

/** Small limits so that the bounds are actually reached by fuzzed input. */
export const FUZZ_LIMITS: Partial<DissectionLimits> = {
  maxBodyBytes: 4096,
  maxEncodedBodyBytes: 8192,
  maxHeaderBytes: 8192,
  maxPendingPerConnection: 64,
  maxConnections: 256,
  maxUdpFlows: 256,
  maxDetectBytes: 2048,
  maxDetectTotalBytes: 256 * 1024,
  maxRedisValueBytes: 1024,
  maxRedisElements: 64,
  pairTimeoutMs: 2000,
};

/** Protocol-shaped seeds for the stream fuzzer: mutations of these reach deep parser states. */
const STREAM_SEEDS: Array<[string, string]> = [
  ['GET /a?b=c HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello'],
  ['POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['HEAD / HTTP/1.0\r\n\r\n', 'HTTP/1.0 200 OK\r\nContent-Length: 99\r\n\r\n'],
  ['GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 'HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello'],
  ['GET /z HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6'],
  ['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n', '+OK\r\n$1\r\nv\r\n+PONG\r\n'],
  ['*1\r\n$5\r\nHELLO\r\n', '%2\r\n+a\r\n~2\r\n:1\r\n,2.5\r\n+b\r\n|1\r\n+k\r\n#t\r\n>2\r\n+p\r\n_\r\n=7\r\ntxt:abc\r\n(123\r\n!3\r\nERR\r\n'],
  ['*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n', '*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n'],
  [
    '\x00\x1f\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03api\x04shop\x04test\x00\x00\x01\x00\x01',
    '\x00\x2f\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03api\x04shop\x04test\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x01\x02\x03',
  ],
];

/**
 * Runs `iterations` inputs derived from `captures` (real pcap files' bytes) and random data.
 * `onIteration` is called after each (for progress output in the long run).
 */
export async function fuzzPipeline(options: {
  seed: number;
  iterations: number;
  captures: Buffer[];
  onIteration?: (iteration: number, report: FuzzReport) => void;
}): Promise<FuzzReport> {
  const random = new Random(options.seed);
  const report: FuzzReport = { iterations: 0, packets: 0, items: 0, findings: [], peakHeapMb: 0 };
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const kind = random.pick(['mutated-capture', 'mutated-capture', 'truncated-capture', 'random-capture', 'streams'] as const);
    try {
      const stats =
        kind === 'streams' ? fuzzStreams(random, report) : await fuzzCapture(kind === 'random-capture' ? randomCapture(random) : mutate(random, random.pick(options.captures), kind), report);
      if (stats.internalErrors > 0) report.findings.push({ iteration, kind, error: `${stats.internalErrors} dissector failures caught` });
      if (stats.openConnections !== 0 || stats.pending !== 0) report.findings.push({ iteration, kind, error: `state left after close: ${JSON.stringify(stats)}` });
    } catch (error) {
      report.findings.push({ iteration, kind, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    report.iterations++;
    report.peakHeapMb = Math.max(report.peakHeapMb, process.memoryUsage().heapUsed / 1e6);
    options.onIteration?.(iteration, report);
  }
  return report;
}

function newPipeline(report: FuzzReport, errors: string[]): DissectionPipeline {
  return createDissectionPipeline({
    worker: 'fuzz',
    limits: FUZZ_LIMITS,
    onItem: (item) => {
      report.items++;
      JSON.stringify(item); // items must always serialise
    },
    onError: (error, context) => errors.push(`${context}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
}

/** reader → decoder → reassembler → dissectors over a capture held in memory. */
async function fuzzCapture(bytes: Buffer, report: FuzzReport): Promise<DissectionStats> {
  const errors: string[] = [];
  const pipeline = newPipeline(report, errors);
  const reassembler = new TcpReassembler(pipeline, { maxStreams: 512, maxStreamBufferedBytes: 64 * 1024, maxBufferedBytes: 4 * 1024 * 1024 });
  const decoder = new FrameDecoder();
  let reader: CaptureFileReader | null = null;
  try {
    reader = await CaptureFileReader.fromBuffer(bytes, 'fuzz.pcap', { chunkSize: 64 * 1024 });
    for (;;) {
      const record = reader.next();
      if (record !== null) {
        const packet = decoder.decode(record);
        report.packets++;
        if (packet !== null) reassembler.push(packet);
        continue;
      }
      if (!(await reader.fill())) break;
    }
  } catch (error) {
    // A corrupt file is refused by the reader with a CaptureFileError: the expected outcome.
    if (!(error instanceof CaptureFileError)) throw error;
  } finally {
    await reader?.close();
  }
  reassembler.closeAll();
  pipeline.close();
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return pipeline.stats();
}

function mutate(random: Random, capture: Buffer, kind: 'mutated-capture' | 'truncated-capture'): Buffer {
  // Keep captures small so one iteration stays short.
  let bytes = Buffer.from(capture.subarray(0, Math.min(capture.length, 24 + random.int(300_000))));
  if (kind === 'truncated-capture') return bytes.subarray(0, 24 + random.int(Math.max(1, bytes.length - 24)));
  if (random.int(10) < 7) return mutateRecords(random, bytes);
  const mutations = 1 + random.int(40);
  // Mostly spare the file header so the reader gets past it and the packets are exercised.
  const floor = random.int(10) === 0 ? 0 : 24;
  for (let m = 0; m < mutations; m++) {
    if (bytes.length <= floor + 1) break;
    const at = floor + random.int(bytes.length - floor);
    switch (random.int(6)) {
      case 0:
        bytes[at] ^= 1 << random.int(8);
        break;
      case 1:
        bytes[at] = random.pick([0, 0xff, 0x0d, 0x0a, 0x20, 0x3a, 0x2a, 0x24, 0x30, 0x39, 0x7f, 0x80]);
        break;
      case 2: {
        const length = random.int(64);
        random.bytes(length).copy(bytes, at);
        break;
      }
      case 3:
        bytes = Buffer.concat([bytes.subarray(0, at), random.bytes(1 + random.int(32)), bytes.subarray(at)]);
        break;
      case 4:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + random.int(128)))]);
        break;
      default: {
        const from = floor + random.int(bytes.length - floor);
        const length = Math.min(random.int(512), bytes.length - from);
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, from + length), bytes.subarray(at)]);
      }
    }
  }
  return bytes;
}

/**
 * Mutations inside packets (pcap files only): the file stays readable, so the damage reaches
 * decoding, reassembly and dissection: bytes of frames changed, frames cut short, records
 * dropped, duplicated and swapped (loss, retransmission, reordering).
 */
function mutateRecords(random: Random, bytes: Buffer): Buffer {
  const records: Buffer[] = [];
  let pos = 24;
  while (pos + 16 <= bytes.length) {
    const length = bytes.readUInt32LE(pos + 8);
    if (pos + 16 + length > bytes.length) break;
    records.push(Buffer.from(bytes.subarray(pos, pos + 16 + length)));
    pos += 16 + length;
  }
  if (records.length === 0) return bytes;
  for (let m = 1 + random.int(30); m > 0; m--) {
    const i = random.int(records.length);
    const record = records[i];
    switch (random.int(6)) {
      case 0:
      case 1: {
        // a byte of the frame, mostly past the Ethernet/IP/TCP headers (in the payload)
        const frameLength = record.length - 16;
        if (frameLength === 0) break;
        const at = 16 + (random.int(4) === 0 ? random.int(frameLength) : Math.min(frameLength - 1, 54 + random.int(Math.max(1, frameLength - 54))));
        record[at] = random.int(3) === 0 ? random.int(256) : record[at] ^ (1 << random.int(8));
        break;
      }
      case 2: {
        // cut by a snap length
        const keep = random.int(record.length - 16);
        const cut = Buffer.from(record.subarray(0, 16 + keep));
        cut.writeUInt32LE(keep, 8);
        records[i] = cut;
        break;
      }
      case 3:
        records.splice(i, 1);
        break;
      case 4:
        records.splice(i, 0, Buffer.from(record));
        break;
      default: {
        const j = random.int(records.length);
        [records[i], records[j]] = [records[j], records[i]];
      }
    }
    if (records.length === 0) break;
  }
  return Buffer.concat([bytes.subarray(0, 24), ...records]);
}

/** A valid pcap header, then records of random length and content (some Ethernet/IPv4-shaped). */
function randomCapture(random: Random): Buffer {
  const parts: Buffer[] = [pcapFileHeader(1)];
  const records = random.int(200);
  let time = 1_700_000_000;
  for (let i = 0; i < records; i++) {
    const size = random.int(1600);
    const frame = random.bytes(size);
    if (size >= 54 && random.int(2) === 0) {
      frame.writeUInt16BE(0x0800, 12); // IPv4
      frame[14] = 0x45;
      frame.writeUInt16BE(size - 14, 16);
      frame[23] = random.pick([6, 17]);
    }
    const header = Buffer.alloc(16);
    time += random.int(3);
    header.writeUInt32LE(time, 0);
    header.writeUInt32LE(random.int(1_000_000), 4);
    header.writeUInt32LE(size, 8);
    header.writeUInt32LE(size + (random.int(4) === 0 ? random.int(100) : 0), 12);
    parts.push(header, frame);
  }
  return Buffer.concat(parts);
}

/** Stream events straight into the dissectors: protocol seeds, mutated, chunked at random, with gaps. */
function fuzzStreams(random: Random, report: FuzzReport): DissectionStats {
  const errors: string[] = [];
  const pipeline = newPipeline(report, errors);
  const connections = 1 + random.int(8);
  let time = 1_700_000_000_000;
  for (let c = 0; c < connections; c++) {
    const info: TcpStreamInfo = {
      id: c + 1,
      client: { ip: '10.0.0.1', port: 40000 + c },
      server: { ip: '10.0.0.2', port: 1 + random.int(65535) },
      rolesKnown: random.int(3) !== 0,
      ipVersion: 4,
    };
    const [request, response] = random.pick(STREAM_SEEDS);
    const sides: Array<[boolean, Buffer]> = [
      [true, mutateBytes(random, Buffer.from(request.repeat(1 + random.int(4)), 'latin1'))],
      [false, mutateBytes(random, Buffer.from(response.repeat(1 + random.int(4)), 'latin1'))],
    ];
    const positions = [0, 0];
    while (positions[0] < sides[0][1].length || positions[1] < sides[1][1].length) {
      const s = random.int(2);
      const [fromClient, bytes] = sides[s];
      if (positions[s] >= bytes.length) continue;
      const size = 1 + random.int(random.int(4) === 0 ? 2000 : 40);
      const piece = Buffer.from(bytes.subarray(positions[s], positions[s] + size));
      positions[s] += size;
      time += random.int(5000);
      const direction = fromClient ? 'client-to-server' : 'server-to-client';
      if (random.int(25) === 0) pipeline.onStreamGap(info, direction, 1 + random.int(300), time);
      else pipeline.onStreamData(info, direction, piece, time);
      piece.fill(0x58); // the dissectors must have copied what they keep
    }
    if (random.int(2) === 0) pipeline.onStreamClose(info, random.pick(['fin', 'rst', 'timeout', 'evicted', 'end-of-capture'] as const), (time += 1));
  }
  for (let d = 0; d < random.int(20); d++) {
    const payload = random.int(2) === 0 ? mutateBytes(random, Buffer.from(STREAM_SEEDS[8][random.int(2)].slice(2), 'latin1')) : random.bytes(random.int(600));
    pipeline.onDatagram({
      timestamp: (time += 1),
      interfaceId: 0,
      linkType: 1,
      captureLength: payload.length,
      length: payload.length,
      truncated: false,
      fragmented: false,
      ipVersion: 4,
      src: { ip: '10.0.0.3', port: 5000 + random.int(3) },
      dst: { ip: '10.0.0.53', port: 53 },
      transport: 'udp',
      payload,
      frame: payload,
    });
  }
  pipeline.flush(time + 10_000);
  pipeline.close();
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return pipeline.stats();
}

function mutateBytes(random: Random, input: Buffer): Buffer {
  let bytes = input;
  for (let m = random.int(6); m > 0; m--) {
    if (bytes.length === 0) break;
    const at = random.int(bytes.length);
    switch (random.int(4)) {
      case 0:
        bytes[at] = random.int(256);
        break;
      case 1:
        bytes = Buffer.concat([bytes.subarray(0, at), random.bytes(1 + random.int(16)), bytes.subarray(at)]);
        break;
      case 2:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + random.int(16))]);
        break;
      default:
        bytes = bytes.subarray(0, at);
    }
  }
  return bytes;
}
