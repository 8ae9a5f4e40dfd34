import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPcap } from '@wirehook/testing';
import { CaptureFileError, FileCaptureSource, TcpFlags, type DecodedPacket, type ReplayClock } from '../src';
import { PcapngBuilder, ethernet, ipv4, ipv6, pcapFile, sll, tcpSegment, udpDatagram } from './helpers/frames';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'capture-source-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A clock whose sleeps advance its time instantly, recording them. */
class FakeClock implements ReplayClock {
  time = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

function fivePacketsEvery100ms(): string {
  const frame = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udpDatagram(1, 2, 'tick')));
  const records = [0, 100, 200, 300, 400].map((ms) => ({ frame, seconds: 1_700_000_000, fraction: ms * 1000 }));
  const path = join(dir, 'ticks.pcap');
  writeFileSync(path, pcapFile(records, { linkType: 1 }));
  return path;
}

describe('FileCaptureSource', () => {
  it('delivers the same bytes with reused, read-ahead chunks as with fresh ones, across laps', async () => {
    const digest = async (reuseChunks: boolean): Promise<string[]> => {
      const source = new FileCaptureSource({ path: sharedPcap('http-mixed.pcap'), loop: true, laps: 3, chunkSize: 64 * 1024, reuseChunks });
      const seen: string[] = [];
      await source.start((packet) => seen.push(`${packet.timestamp} ${packet.frame.toString('base64')} ${packet.payload.length}`));
      return seen;
    };
    const reused = await digest(true);
    expect(reused).toHaveLength(3 * 193);
    expect(reused).toEqual(await digest(false));
  });

  it('replays http-wrk.pcap once, decoding all 52,205 packets', async () => {
    const source = new FileCaptureSource(sharedPcap('http-wrk.pcap'));
    let packets = 0;
    let tcp = 0;
    await source.start((packet) => {
      packets++;
      if (packet.transport === 'tcp') tcp++;
    });
    const stats = source.stats();
    expect(packets).toBe(52_205);
    expect(tcp).toBe(52_205);
    expect(stats).toMatchObject({ state: 'ended', packets: 52_205, decoded: 52_205, decodeErrors: 0, laps: 1, warnings: [] });
    expect(source.describe()).toBe(`file ${sharedPcap('http-wrk.pcap')} (as fast as possible)`);
  });

  it('loops a given number of laps with time moving forward', async () => {
    const source = new FileCaptureSource({ path: sharedPcap('dns.pcap'), loop: true, laps: 3, loopGapMs: 500 });
    const stamps: number[] = [];
    await source.start((packet) => stamps.push(packet.timestamp));
    expect(stamps).toHaveLength(54);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThanOrEqual(stamps[i - 1]);
    expect(stamps[18] - stamps[17]).toBeCloseTo(500, 6);
    expect(stamps[36] - stamps[18]).toBeCloseTo(stamps[18] - stamps[0], 6);
    expect(source.stats().laps).toBe(3);
  });

  it.each([
    [1, [100, 100, 100, 100]],
    [4, [25, 25, 25, 25]],
    [0, []],
  ])('paces at speed %d', async (speed, sleeps) => {
    const clock = new FakeClock();
    const source = new FileCaptureSource({ path: fivePacketsEvery100ms(), speed, clock });
    const seenAt: number[] = [];
    await source.start(() => seenAt.push(clock.time));
    expect(clock.sleeps.map((ms) => Math.round(ms))).toEqual(sleeps);
    expect(seenAt).toHaveLength(5);
  });

  it('stops when its AbortSignal aborts, even in an endless loop', async () => {
    const abort = new AbortController();
    const source = new FileCaptureSource({ path: sharedPcap('http-wrk.pcap'), loop: true, signal: abort.signal });
    let packets = 0;
    await source.start(() => {
      if (++packets === 60_000) abort.abort();
    });
    expect(packets).toBe(60_000);
    expect(source.stats().state).toBe('stopped');
  });

  it('stop() interrupts a paced replay that is waiting for its next packet', async () => {
    const frame = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udpDatagram(1, 2, 'x')));
    const path = join(dir, 'hour-apart.pcap');
    writeFileSync(path, pcapFile([{ frame, seconds: 1_000, fraction: 0 }, { frame, seconds: 4_600, fraction: 0 }], { linkType: 1 }));
    const source = new FileCaptureSource(path, { speed: 1 });
    let packets = 0;
    let firstPacket: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (firstPacket = resolve));
    const running = source.start(() => {
      packets++;
      firstPacket();
    });
    await first;
    await source.stop();
    await running;
    expect(packets).toBe(1);
    expect(source.stats().state).toBe('stopped');
  });

  it('reports a truncated last record as a warning and ends normally', async () => {
    const whole = readFileSync(sharedPcap('dns.pcap'));
    const path = join(dir, 'truncated.pcap');
    writeFileSync(path, whole.subarray(0, whole.length - 5));
    const warnings: CaptureFileError[] = [];
    const source = new FileCaptureSource(path, { onWarning: (w) => warnings.push(w) });
    let packets = 0;
    await source.start(() => packets++);
    expect(packets).toBe(17);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].file).toBe(path);
    const stats = source.stats();
    expect(stats.state).toBe('ended');
    expect(stats.truncatedFiles).toBe(1);
    expect(stats.warnings[0]).toMatch(/truncated\.pcap: truncated record: file ends after \d+ of \d+ bytes at byte offset \d+/);
  });

  it('rejects with a CaptureFileError on a corrupt file, after delivering the packets before it', async () => {
    const whole = Buffer.from(readFileSync(sharedPcap('dns.pcap')));
    // Corrupt the captured length of the 4th record.
    let offset = 24;
    for (let i = 0; i < 3; i++) offset += 16 + whole.readUInt32LE(offset + 8);
    whole.writeUInt32LE(0xffffff, offset + 8);
    const path = join(dir, 'corrupt.pcap');
    writeFileSync(path, whole);
    const source = new FileCaptureSource(path);
    let packets = 0;
    const error = await source.start(() => packets++).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureFileError);
    expect((error as CaptureFileError).offset).toBe(offset);
    expect(packets).toBe(3);
    expect(source.stats()).toMatchObject({ state: 'failed', corruptFiles: 1 });
    expect(source.stats().error).toContain(`at byte offset ${offset}`);
  });

  it('stamps packets from the present with rebaseTime', async () => {
    const before = Date.now();
    const source = new FileCaptureSource(sharedPcap('dns.pcap'), { rebaseTime: true });
    const stamps: number[] = [];
    await source.start((p) => stamps.push(p.timestamp));
    expect(stamps[0]).toBeGreaterThanOrEqual(before);
    expect(stamps[0]).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a negative speed', () => {
    expect(() => new FileCaptureSource('x.pcap', { speed: -1 })).toThrow('replay speed must be a finite number ≥ 0');
  });

  it('decodes a pcapng file with two interfaces of different link types and resolutions', async () => {
    const tcp = ipv4({ src: '172.16.0.1', dst: '172.16.0.2', protocol: 6 }, tcpSegment({ srcPort: 1111, dstPort: 2222, seq: 9, flags: TcpFlags.ACK, payload: 'abc' }));
    const udp = ipv6('fd00::1', 'fd00::2', 17, udpDatagram(3333, 4444, 'def'));
    const path = join(dir, 'two-interfaces.pcapng');
    writeFileSync(
      path,
      new PcapngBuilder()
        .section()
        .interface(1, { tsresol: 6 })
        .interface(113, { tsresol: 9 })
        .enhanced(0, 1_700_000_000_000_000n, ethernet(0x0800, tcp))
        .enhanced(1, 1_700_000_000_500_000_000n, sll(0x86dd, udp))
        .build(),
    );
    const source = new FileCaptureSource(path);
    const packets: DecodedPacket[] = [];
    await source.start((p) => packets.push(p));
    expect(packets.map((p) => [p.interfaceId, p.linkType, p.timestamp, p.transport, p.payload.toString()])).toEqual([
      [0, 1, 1_700_000_000_000, 'tcp', 'abc'],
      [1, 113, 1_700_000_000_500, 'udp', 'def'],
    ]);
  });
});
