import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPcap } from '@wirehook/testing';
import { CaptureCounters, CaptureFileError, CaptureFileReader, type PacketRecord } from '../src';
import { PcapngBuilder, ethernet, ipv4, pcapFile, tcpSegment, udpDatagram } from './helpers/frames';

async function readAll(reader: CaptureFileReader): Promise<PacketRecord[]> {
  const records: PacketRecord[] = [];
  for await (const record of reader.records()) records.push({ ...record, data: Buffer.from(record.data) });
  return records;
}

async function countFast(reader: CaptureFileReader, close = true): Promise<number> {
  let count = 0;
  for (;;) {
    if (reader.next() !== null) {
      count++;
      continue;
    }
    if (!(await reader.fill())) {
      if (close) await reader.close();
      return count;
    }
  }
}

const frameA = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udpDatagram(1000, 53, 'hello')));
const frameB = ethernet(0x0800, ipv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 6 }, tcpSegment({ srcPort: 80, dstPort: 4000, seq: 1, flags: 0x18, payload: 'HTTP/1.1 200 OK\r\n' })));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'capture-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classic pcap', () => {
  it('reads http-wrk.pcap: 52,205 packets, Ethernet, in time order', async () => {
    const counters = new CaptureCounters();
    const reader = await CaptureFileReader.open(sharedPcap('http-wrk.pcap'), { counters });
    expect(reader.format).toBe('pcap');
    let count = 0;
    let last = 0;
    let bytes = 0;
    let backwards = 0;
    const linkTypes = new Set<number>();
    for (;;) {
      const record = reader.next();
      if (record !== null) {
        count++;
        if (record.timestamp < last) backwards++;
        last = record.timestamp;
        bytes += record.captureLength;
        linkTypes.add(record.linkType);
        continue;
      }
      if (!(await reader.fill())) break;
    }
    await reader.close();
    expect(count).toBe(52_205);
    expect(counters.packets).toBe(52_205);
    expect(counters.bytes).toBe(bytes);
    // File size = 24-byte header + 16 bytes per record + captured bytes.
    expect(24 + 16 * count + bytes).toBe(readFileSync(sharedPcap('http-wrk.pcap')).length);
    expect([...linkTypes]).toEqual([1]);
    expect(backwards).toBe(0);
    expect(reader.truncation).toBeNull();
  });

  it('gives the same records with small chunks (records straddling chunk boundaries)', async () => {
    const small = await CaptureFileReader.open(sharedPcap('http-mixed.pcap'), { chunkSize: 64 * 1024 });
    const big = await CaptureFileReader.open(sharedPcap('http-mixed.pcap'));
    const a = await readAll(small);
    const b = await readAll(big);
    expect(a.length).toBe(193);
    expect(a.map((r) => r.data.toString('hex'))).toEqual(b.map((r) => r.data.toString('hex')));
    expect(a.map((r) => r.timestamp)).toEqual(b.map((r) => r.timestamp));
  });

  it('gives the same records when reusing two chunk buffers, and keeps a view valid for two chunks', async () => {
    const reused = await CaptureFileReader.open(sharedPcap('http-mixed.pcap'), { chunkSize: 64 * 1024, reuseChunks: true });
    const fresh = await CaptureFileReader.open(sharedPcap('http-mixed.pcap'), { chunkSize: 64 * 1024 });
    const a = await readAll(reused);
    const b = await readAll(fresh);
    expect(a.length).toBe(193);
    expect(a.map((r) => r.data.toString('hex'))).toEqual(b.map((r) => r.data.toString('hex')));

    // A view taken in chunk n still reads right while chunk n + 1 is being read.
    const reader = await CaptureFileReader.open(sharedPcap('http-mixed.pcap'), { chunkSize: 64 * 1024, reuseChunks: true });
    let previous: { view: Buffer; copy: Buffer } | null = null;
    let current: { view: Buffer; copy: Buffer } | null = null;
    let chunks = 0;
    for (;;) {
      const record = reader.next();
      if (record !== null) {
        current ??= { view: record.data, copy: Buffer.from(record.data) };
        if (previous !== null) expect(previous.view.equals(previous.copy)).toBe(true);
        continue;
      }
      if (!(await reader.fill())) break;
      chunks++;
      previous = current;
      current = null;
    }
    await reader.close();
    expect(chunks).toBeGreaterThan(2);
  });

  it.each([
    ['microseconds, little-endian', false, false],
    ['microseconds, big-endian', false, true],
    ['nanoseconds, little-endian', true, false],
    ['nanoseconds, big-endian', true, true],
  ])('reads %s', async (_name, nanos, bigEndian) => {
    const fraction = nanos ? 123_456_789 : 123_456;
    const file = pcapFile(
      [
        { frame: frameA, seconds: 1_700_000_000, fraction },
        { frame: frameB, seconds: 1_700_000_001, fraction: 0, length: frameB.length + 100 },
      ],
      { linkType: 1, nanos, bigEndian },
    );
    const reader = await CaptureFileReader.fromBuffer(file, 'synthetic.pcap');
    const records = await readAll(reader);
    expect(records).toHaveLength(2);
    expect(records[0].timestamp).toBeCloseTo(1_700_000_000_123.456 + (nanos ? 0.000789 : 0), 3);
    expect(records[0].data.equals(frameA)).toBe(true);
    expect(records[0].linkType).toBe(1);
    expect(records[1].timestamp).toBe(1_700_000_001_000);
    expect(records[1].captureLength).toBe(frameB.length);
    expect(records[1].length).toBe(frameB.length + 100);
    expect(records[1].interfaceId).toBe(0);
  });

  it('reports a truncated last record without throwing, keeping the records before it', async () => {
    const whole = readFileSync(sharedPcap('dns.pcap'));
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, whole.subarray(0, whole.length - 10));
    const counters = new CaptureCounters();
    const reader = await CaptureFileReader.open(path, { counters });
    const count = await countFast(reader);
    expect(count).toBe(17);
    expect(reader.truncation).toBeInstanceOf(CaptureFileError);
    expect(reader.truncation?.file).toBe(path);
    expect(reader.truncation?.message).toContain('truncated record');
    // The last record starts where the 17 complete ones end.
    expect(reader.truncation?.offset).toBeGreaterThan(24);
    expect(reader.truncation?.offset).toBeLessThan(whole.length - 10);
    expect(counters.truncatedFiles).toBe(1);
    expect(await reader.fill()).toBe(false);
  });

  it('throws a CaptureFileError with the offset of a corrupt record, after the good ones', async () => {
    const file = pcapFile(
      [
        { frame: frameA, seconds: 1, fraction: 0 },
        { frame: frameB, seconds: 2, fraction: 0 },
      ],
      { linkType: 1 },
    );
    const corruptAt = 24 + 16 + frameA.length;
    file.writeUInt32LE(0x7fffffff, corruptAt + 8); // captured length of the second record
    const counters = new CaptureCounters();
    const reader = await CaptureFileReader.fromBuffer(file, 'corrupt.pcap', { counters });
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const record of reader.records()) seen.push(record.captureLength);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([frameA.length]);
    expect(error).toBeInstanceOf(CaptureFileError);
    expect((error as CaptureFileError).offset).toBe(corruptAt);
    expect((error as CaptureFileError).message).toMatch(/^corrupt\.pcap: record captured length 2147483647 exceeds/);
    expect(counters.corruptFiles).toBe(1);
  });

  it('refuses a file that is not a capture, naming it', async () => {
    const path = join(dir, 'not-a-capture.txt');
    writeFileSync(path, 'hello world, this is text');
    await expect(CaptureFileReader.open(path)).rejects.toThrow(`${path}: not a pcap or pcapng file (magic 0x6c6c6568) at byte offset 0`);
    writeFileSync(path, '');
    await expect(CaptureFileReader.open(path)).rejects.toThrow('empty file');
    await expect(CaptureFileReader.open(join(dir, 'missing.pcap'))).rejects.toBeInstanceOf(CaptureFileError);
  });

  it('grows its chunk for a record larger than the chunk size', async () => {
    const jumbo = Buffer.alloc(200_000, 7);
    const file = pcapFile([{ frame: jumbo, seconds: 5, fraction: 0 }, { frame: frameA, seconds: 6, fraction: 0 }], { linkType: 1, snapLength: 262144 });
    const reader = await CaptureFileReader.fromBuffer(file, 'jumbo.pcap', { chunkSize: 64 * 1024 });
    const records = await readAll(reader);
    expect(records.map((r) => r.captureLength)).toEqual([200_000, frameA.length]);
    expect(records[0].data.equals(jumbo)).toBe(true);
  });

  it('starts again on rewind (for looped replay)', async () => {
    const reader = await CaptureFileReader.open(sharedPcap('dns.pcap'));
    expect(await countFast(reader, false)).toBe(18);
    await reader.rewind();
    expect(await countFast(reader)).toBe(18);
  });
});

describe('pcapng', () => {
  /** Section 1 little-endian: Ethernet at µs and raw IPv4 at ns; section 2 big-endian: Linux SLL at 2^-10 s. */
  function twoSectionFile(): Buffer {
    const rawIp = ipv4({ src: '192.168.1.1', dst: '192.168.1.2', protocol: 17 }, udpDatagram(5000, 6000, 'raw'));
    return new PcapngBuilder(false)
      .section(false)
      .interface(1)
      .interface(228, { tsresol: 9 })
      .block(4, Buffer.from([0, 0, 0, 0])) // name resolution block: skipped
      .enhanced(0, 1_700_000_000_123_456n, frameA)
      .enhanced(1, 1_700_000_000_123_456_789n, rawIp)
      .block(0x0bad, Buffer.from('custom block, skipped'))
      .simple(frameB)
      .enhanced(0, 1_700_000_002_000_000n, frameB, frameB.length + 20)
      .section(true)
      .interface(113, { tsresol: 0x80 | 10, tsoffset: 1_000 })
      .enhanced(0, 1024n * 5n + 512n, frameA)
      .build();
  }

  it('reads two sections in both byte orders with per-interface link types and timestamp resolutions', async () => {
    const reader = await CaptureFileReader.fromBuffer(twoSectionFile(), 'two-sections.pcapng');
    expect(reader.format).toBe('pcapng');
    const records = await readAll(reader);
    expect(records.map((r) => [r.interfaceId, r.linkType])).toEqual([
      [0, 1],
      [1, 228],
      [0, 1],
      [0, 1],
      [2, 113],
    ]);
    expect(records[0].timestamp).toBeCloseTo(1_700_000_000_123.456, 3);
    expect(records[1].timestamp).toBeCloseTo(1_700_000_000_123.456789, 3);
    // A simple packet block has no timestamp: it keeps the previous packet's.
    expect(records[2].timestamp).toBe(records[1].timestamp);
    expect(records[2].data.equals(frameB)).toBe(true);
    expect(records[3].timestamp).toBe(1_700_000_002_000);
    expect(records[3].length).toBe(frameB.length + 20);
    // 5.5 s in 2^-10 units plus the 1000 s interface offset.
    expect(records[4].timestamp).toBeCloseTo(1_005_500, 6);
    expect(records[4].data.equals(frameA)).toBe(true);
    expect(reader.truncation).toBeNull();
  });

  it('reads the same with tiny chunks', async () => {
    const file = twoSectionFile();
    const a = await readAll(await CaptureFileReader.fromBuffer(file, 'a', { chunkSize: 1 }));
    const b = await readAll(await CaptureFileReader.fromBuffer(file, 'b'));
    expect(a).toEqual(b);
  });

  it('reports a truncated last block', async () => {
    const file = twoSectionFile();
    const reader = await CaptureFileReader.fromBuffer(file.subarray(0, file.length - 8), 'cut.pcapng');
    const records = await readAll(reader);
    expect(records).toHaveLength(4);
    expect(reader.truncation?.message).toMatch(/^cut\.pcapng: truncated block: file ends after \d+ of \d+ bytes at byte offset \d+$/);
  });

  it('throws on a block whose trailing length does not match, with its offset', async () => {
    const file = new PcapngBuilder().section().interface(1).enhanced(0, 1n, frameA).enhanced(0, 2n, frameB).build();
    const secondBlock = file.length - (12 + 20 + ((frameB.length + 3) & ~3));
    file.writeUInt32LE(9999, file.length - 4);
    const reader = await CaptureFileReader.fromBuffer(file, 'bad.pcapng');
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const record of reader.records()) seen.push(record.captureLength);
      })(),
    ).rejects.toThrow(`bad.pcapng: block length ${12 + 20 + ((frameB.length + 3) & ~3)} does not match its trailing copy 9999 at byte offset ${secondBlock}`);
    expect(seen).toEqual([frameA.length]);
  });

  it('throws on a packet for an interface the section did not declare', async () => {
    const file = new PcapngBuilder().section().interface(1).enhanced(3, 1n, frameA).build();
    const reader = await CaptureFileReader.fromBuffer(file, 'undeclared.pcapng');
    await expect(readAll(reader)).rejects.toThrow('packet for interface 3, but the section declares 1');
  });

  it('throws on a bad byte-order magic', async () => {
    const file = new PcapngBuilder().section().interface(1).build();
    file.writeUInt32LE(0x12345678, 8);
    const reader = await CaptureFileReader.fromBuffer(file, 'bom.pcapng');
    await expect(readAll(reader)).rejects.toThrow('section header block with a bad byte-order magic at byte offset 0');
  });
});
