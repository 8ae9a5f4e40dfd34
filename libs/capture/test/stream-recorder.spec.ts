import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPcap } from '@wirehook/testing';
import { CaptureFileReader, FrameDecoder, StreamRecorder, TcpReassembler, type DecodedPacket, type PacketRecord } from '../src';
import { RecordingSink, tcpPacket, CLIENT, SERVER } from './helpers/sink';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'capture-recorder-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  return join(root, `r${++dirCount}`);
}

async function readRecords(path: string): Promise<PacketRecord[]> {
  const reader = await CaptureFileReader.open(path);
  const out: PacketRecord[] = [];
  for await (const record of reader.records()) out.push({ ...record, data: Buffer.from(record.data) });
  return out;
}

/** Decodes and reassembles a capture, recording every packet; returns the frames seen per stream. */
async function recordCapture(recorder: StreamRecorder, name: string): Promise<Map<number, Buffer[]>> {
  const decoder = new FrameDecoder();
  const reassembler = new TcpReassembler(new RecordingSink());
  const perStream = new Map<number, Buffer[]>();
  const reader = await CaptureFileReader.open(sharedPcap(name));
  for await (const record of reader.records()) {
    const packet = decoder.decode(record) as DecodedPacket;
    reassembler.push(packet);
    recorder.record(packet);
    if (packet.streamId !== undefined) {
      const frames = perStream.get(packet.streamId) ?? [];
      frames.push(Buffer.from(packet.frame));
      perStream.set(packet.streamId, frames);
    }
  }
  return perStream;
}

describe('StreamRecorder', () => {
  it('keeps one pcap per stream with exactly that stream’s frames', async () => {
    const recorder = new StreamRecorder({ directory: freshDir() });
    const perStream = await recordCapture(recorder, 'http-mixed.pcap');
    await recorder.flush();
    expect(perStream.size).toBe(17);
    for (const [id, frames] of perStream) {
      const path = recorder.pathOf(id) as string;
      expect(path.endsWith(`stream-${id}.pcap`)).toBe(true);
      const records = await readRecords(path);
      expect(records.map((r) => r.data.toString('hex'))).toEqual(frames.map((f) => f.toString('hex')));
      expect(records.every((r) => r.linkType === 1)).toBe(true);
    }
    expect(recorder.pathOf(9999)).toBeUndefined();
    const stats = recorder.stats();
    expect(stats.streams).toBe(17);
    expect(stats.packetsRecorded).toBe(193);
    expect(stats.pendingBytes).toBe(0);
    const onDisk = readdirSync(join(recorder.pathOf(1) as string, '..')).reduce((sum, f) => sum + statSync(join(recorder.pathOf(1) as string, '..', f)).size, 0);
    expect(stats.diskBytes).toBe(onDisk);
    await recorder.close();
  });

  it('writes a time-ordered merged snapshot of chosen streams, or of all', async () => {
    const recorder = new StreamRecorder({ directory: freshDir() });
    const perStream = await recordCapture(recorder, 'redis.pcap');
    const [a, b] = [...perStream.keys()].slice(-2);
    const snapshot = await recorder.snapshot([a, b]);
    const records = await readRecords(snapshot);
    expect(records).toHaveLength((perStream.get(a) as Buffer[]).length + (perStream.get(b) as Buffer[]).length);
    for (let i = 1; i < records.length; i++) expect(records[i].timestamp).toBeGreaterThanOrEqual(records[i - 1].timestamp);
    const all = await readRecords(await recorder.snapshot());
    expect(all).toHaveLength(16_228);
    expect(recorder.stats().snapshots).toBe(2);
    await recorder.close();
  });

  it('removes streams and snapshots past their TTL', async () => {
    let now = 1_000_000;
    const recorder = new StreamRecorder({ directory: freshDir(), ttlMs: 60_000, now: () => now });
    const packet = tcpPacket(CLIENT, SERVER, 1, 0x18, 'data');
    packet.streamId = 5;
    recorder.record(packet);
    await recorder.maintain();
    const path = recorder.pathOf(5) as string;
    const snapshot = await recorder.snapshot();
    expect(existsSync(path)).toBe(true);
    now += 30_000;
    await recorder.maintain();
    expect(recorder.pathOf(5)).toBe(path);
    now += 40_000;
    await recorder.maintain();
    await recorder.flush();
    expect(recorder.pathOf(5)).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(snapshot)).toBe(false);
    expect(recorder.stats()).toMatchObject({ removedByTtl: 1, streams: 0, diskBytes: 0 });
    await recorder.close();
  });

  it('stays within its disk budget by removing the oldest streams', async () => {
    const directory = freshDir();
    const recorder = new StreamRecorder({ directory, maxTotalBytes: 200_000 });
    const perStream = await recordCapture(recorder, 'http-wrk.pcap');
    await recorder.flush();
    const stats = recorder.stats();
    expect(stats.diskBytes).toBeLessThanOrEqual(200_000);
    expect(stats.removedByBudget).toBeGreaterThan(0);
    expect(stats.streams).toBeLessThan(perStream.size);
    const files = readdirSync(join(directory, 'streams'));
    const onDisk = files.reduce((sum, f) => sum + statSync(join(directory, 'streams', f)).size, 0);
    expect(onDisk).toBe(stats.diskBytes);
    // The oldest went first: what is left are the most recent streams.
    const kept = recorder.streamIds();
    expect(Math.min(...kept)).toBeGreaterThan(Math.min(...perStream.keys()));
    expect(kept).toContain(Math.max(...perStream.keys()));
    await recorder.close();
  });

  it('keeps at most maxStreams streams, removing the oldest', async () => {
    const recorder = new StreamRecorder({ directory: freshDir(), maxStreams: 3 });
    for (let id = 1; id <= 5; id++) {
      const packet = tcpPacket(CLIENT, SERVER, id, 0x18, 'x');
      packet.streamId = id;
      recorder.record(packet);
    }
    await recorder.flush();
    expect(recorder.streamIds()).toEqual([3, 4, 5]);
    expect(recorder.stats().removedByBudget).toBe(2);
    await recorder.close();
  });

  it('caps one stream’s file and counts what it skips', async () => {
    const recorder = new StreamRecorder({ directory: freshDir(), maxStreamBytes: 1_000 });
    for (let i = 0; i < 20; i++) {
      const packet = tcpPacket(CLIENT, SERVER, 1 + i * 100, 0x18, 'x'.repeat(100));
      packet.streamId = 1;
      recorder.record(packet);
    }
    recorder.record(tcpPacket(CLIENT, SERVER, 1, 0x10));
    await recorder.flush();
    const stats = recorder.stats();
    expect(statSync(recorder.pathOf(1) as string).size).toBeLessThanOrEqual(1_000);
    expect(stats.packetsRecorded).toBe(5);
    expect(stats.packetsOverStreamCap).toBe(15);
    expect(stats.packetsWithoutStream).toBe(1);
    await recorder.close();
  });

  it('writes a pcapng snapshot when streams have different link types', async () => {
    const recorder = new StreamRecorder({ directory: freshDir() });
    const eth = tcpPacket(CLIENT, SERVER, 1, 0x18, 'a', 1_000);
    eth.streamId = 1;
    const raw = { ...tcpPacket(SERVER, CLIENT, 1, 0x18, 'b', 2_000), linkType: 101, streamId: 2 };
    recorder.record(raw);
    recorder.record(eth);
    const path = await recorder.snapshot();
    expect(path.endsWith('.pcapng')).toBe(true);
    const records = await readRecords(path);
    expect(records.map((r) => [r.linkType, r.timestamp])).toEqual([
      [1, 1_000],
      [101, 2_000],
    ]);
    await recorder.close();
  });

  it('clears stream files left by an earlier run', async () => {
    const directory = freshDir();
    mkdirSync(join(directory, 'streams'), { recursive: true });
    writeFileSync(join(directory, 'streams', 'stream-1.pcap'), 'stale');
    writeFileSync(join(directory, 'streams', 'notes.txt'), 'not ours');
    const recorder = new StreamRecorder({ directory });
    await recorder.flush();
    expect(readdirSync(join(directory, 'streams'))).toEqual(['notes.txt']);
    await recorder.close();
  });
});
