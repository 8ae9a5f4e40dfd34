import { readFileSync } from 'node:fs';
import { sharedPcap } from '@wirehook/testing';
import { CaptureCounters, CaptureFileError, CaptureFileReader, FrameDecoder, LinkType, TcpReassembler, type StreamSink } from '../src';
import { PcapngBuilder, ethernet, ipv4, ipv6, ipv6FragmentHeader, ipv6Raw, pcapFile, udpDatagram } from './helpers/frames';

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LIMITS = { maxStreams: 64, maxUdpFlows: 64, maxStreamBufferedBytes: 16 * 1024, maxBufferedBytes: 64 * 1024 };
const FRAGMENT_LIMITS = { maxBytes: 32 * 1024, maxDatagrams: 16 };

/** A sink that checks the contract while it runs: no data or gap after a stream's close. */
class CheckingSink implements StreamSink {
  readonly closed = new Set<number>();
  violations = 0;
  bytes = 0;
  onStreamData(stream: { id: number }, _d: unknown, data: Buffer): void {
    if (this.closed.has(stream.id)) this.violations++;
    this.bytes += data.length;
  }
  onStreamGap(stream: { id: number }, _d: unknown, missing: number): void {
    if (this.closed.has(stream.id) || missing <= 0) this.violations++;
  }
  onStreamClose(stream: { id: number }): void {
    if (this.closed.has(stream.id)) this.violations++;
    this.closed.add(stream.id);
  }
  onDatagram(): void {
    // Nothing to check.
  }
}

interface Pipeline {
  decoder: FrameDecoder;
  reassembler: TcpReassembler;
  sink: CheckingSink;
  maxBuffered: number;
  maxFragmentBytes: number;
  maxTracked: number;
}

function pipeline(): Pipeline {
  const counters = new CaptureCounters();
  const sink = new CheckingSink();
  return {
    decoder: new FrameDecoder({ counters, fragments: FRAGMENT_LIMITS }),
    reassembler: new TcpReassembler(sink, { counters, ...LIMITS }),
    sink,
    maxBuffered: 0,
    maxFragmentBytes: 0,
    maxTracked: 0,
  };
}

function feed(p: Pipeline, frame: Buffer, linkType: number, timestamp: number, length = frame.length): void {
  const packet = p.decoder.decodeFrame(frame, linkType, timestamp, length, 0);
  if (packet !== null) p.reassembler.push(packet);
  p.maxBuffered = Math.max(p.maxBuffered, p.reassembler.bufferedBytes);
  p.maxFragmentBytes = Math.max(p.maxFragmentBytes, p.decoder.fragments.bufferedBytes);
  p.maxTracked = Math.max(p.maxTracked, p.reassembler.trackedStreams + p.reassembler.udpFlows);
}

function expectBounded(p: Pipeline): void {
  expect(p.maxBuffered).toBeLessThanOrEqual(LIMITS.maxBufferedBytes);
  expect(p.maxFragmentBytes).toBeLessThanOrEqual(FRAGMENT_LIMITS.maxBytes);
  expect(p.maxTracked).toBeLessThanOrEqual(LIMITS.maxStreams + LIMITS.maxUdpFlows);
  expect(p.sink.violations).toBe(0);
}

/** Reads a whole (possibly broken) capture through the pipeline; only CaptureFileError may come out. */
async function runFile(p: Pipeline, data: Buffer): Promise<void> {
  let reader: CaptureFileReader;
  try {
    reader = await CaptureFileReader.fromBuffer(data, 'fuzz', { chunkSize: 64 * 1024 });
  } catch (error) {
    if (!(error instanceof CaptureFileError)) throw error;
    return;
  }
  try {
    for (;;) {
      const record = reader.next();
      if (record !== null) {
        feed(p, record.data, record.linkType, record.timestamp, record.length);
        continue;
      }
      if (!(await reader.fill())) break;
    }
  } catch (error) {
    if (!(error instanceof CaptureFileError)) throw error;
  } finally {
    await reader.close();
  }
  p.reassembler.closeAll();
}

function mutate(random: () => number, input: Buffer, region = input.length): Buffer {
  const out = Buffer.from(input);
  const flips = 1 + Math.floor(random() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * Math.min(region, out.length));
    const choice = random();
    out[at] = choice < 0.5 ? Math.floor(random() * 256) : choice < 0.75 ? out[at] ^ (1 << Math.floor(random() * 8)) : choice < 0.9 ? 0xff : 0;
  }
  return out;
}

const SEED = 0x5eed_2024;

describe('fuzz: reader + decoder + reassembler never throw and stay bounded', () => {
  const dns = readFileSync(sharedPcap('dns.pcap'));
  const mixed = readFileSync(sharedPcap('http-mixed.pcap'));
  // The first ~600 records of redis.pcap: many streams, small segments.
  const redisHead = readFileSync(sharedPcap('redis.pcap')).subarray(0, 60_000);

  it('mutated and truncated real captures (600 files)', async () => {
    const random = prng(SEED);
    const sources = [dns, mixed, redisHead];
    for (let i = 0; i < 600; i++) {
      const p = pipeline();
      const base = sources[i % sources.length];
      let data = mutate(random, base);
      if (random() < 0.5) data = data.subarray(0, Math.floor(random() * data.length));
      await runFile(p, data);
      expectBounded(p);
    }
  });

  it('random bytes behind valid pcap and pcapng headers (1,000 files)', async () => {
    const random = prng(SEED + 1);
    const pcapHeader = pcapFile([], { linkType: 1 });
    const pcapngHeader = new PcapngBuilder().section().interface(1).interface(101, { tsresol: 9 }).build();
    for (let i = 0; i < 1_000; i++) {
      const body = Buffer.alloc(Math.floor(random() * 4096));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
      const header = i % 3 === 0 ? pcapHeader : i % 3 === 1 ? pcapngHeader : Buffer.alloc(0);
      const p = pipeline();
      await runFile(p, Buffer.concat([header, body]));
      expectBounded(p);
    }
  });

  it('mutated frames of every link type straight into decoder and reassembler (40,000 frames)', async () => {
    const random = prng(SEED + 2);
    const frames: Buffer[] = [];
    const reader = await CaptureFileReader.fromBuffer(mixed, 'mixed');
    for await (const record of reader.records()) frames.push(Buffer.from(record.data.subarray(14)));
    const fragment = (offset: number, more: boolean, id: number): Buffer =>
      ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id, fragmentOffset: offset, moreFragments: more }, Buffer.alloc(1480, id));
    for (let id = 0; id < 40; id++) frames.push(fragment(0, true, id), fragment(1480, true, id), fragment(2960, false, id));
    frames.push(ipv6Raw('::1', '::2', 44, Buffer.concat([ipv6FragmentHeader(17, 0, true, 5), Buffer.alloc(64)])));
    frames.push(ipv6('::1', '::2', 17, udpDatagram(1, 2, 'v6'), [{ type: 0, body: Buffer.alloc(6) }]));

    const linkTypes = Object.values(LinkType);
    const p = pipeline();
    let timestamp = 1_700_000_000_000;
    for (let i = 0; i < 40_000; i++) {
      const ip = frames[Math.floor(random() * frames.length)];
      const linkType = linkTypes[Math.floor(random() * linkTypes.length)];
      let frame: Buffer;
      switch (linkType) {
        case LinkType.ETHERNET:
          frame = ethernet(random() < 0.2 ? 0x86dd : 0x0800, ip, random() < 0.2 ? [{ tpid: 0x8100, vid: 5 }] : []);
          break;
        case LinkType.NULL:
        case LinkType.LOOP: {
          const family = Buffer.alloc(4);
          family.writeUInt32BE(random() < 0.5 ? 2 : 24);
          frame = Buffer.concat([family, ip]);
          break;
        }
        case LinkType.LINUX_SLL:
          frame = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00]), ip]);
          break;
        case LinkType.LINUX_SLL2:
          frame = Buffer.concat([Buffer.from([0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0]), ip]);
          break;
        default:
          frame = Buffer.from(ip);
      }
      if (random() < 0.7) frame = mutate(random, frame, 80);
      if (random() < 0.2) frame = frame.subarray(0, Math.floor(random() * frame.length));
      timestamp += random() < 0.001 ? 200_000 : random() * 5;
      feed(p, frame, linkType, timestamp, random() < 0.1 ? frame.length + 100 : frame.length);
    }
    p.reassembler.closeAll();
    expectBounded(p);
    expect(p.decoder.counters.decoded + p.decoder.counters.decodeErrors).toBe(40_000);
    expect(p.reassembler.openStreams).toBe(0);
    // The mutations reached the interesting paths.
    const c = p.decoder.counters;
    for (const reached of [c.decodeErrors, c.truncated, c.fragmentsReassembled, c.fragmentsDropped, c.outOfOrderSegments, c.overlapBytes, c.gaps, c.evictedStreams, c.datagrams]) {
      expect(reached).toBeGreaterThan(0);
    }
  });
});
