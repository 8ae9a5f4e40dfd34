/**
 * What the dissection and runtime benchmarks share: a real capture looped to a million packets
 * or more, and tshark's items per second on the same file (the yardstick of both issues).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CaptureFileReader, pcapFileHeader, PCAP_RECORD_HEADER_LENGTH, writePcapRecord } from '@wirehook/capture';

export interface LoopedCapture {
  laps: number;
  packets: number;
}

/**
 * Writes `capture` again and again until `target` packets: timestamps shifted to keep
 * increasing, and each lap's client ports moved so every lap holds new connections (tshark
 * would otherwise take the repeats for retransmissions and skip them).
 */
export async function buildLoopedCapture(capture: string, path: string, target: number): Promise<LoopedCapture> {
  const reader = await CaptureFileReader.open(capture);
  const records: Array<{ frame: Buffer; timestamp: number; length: number }> = [];
  let linkType = 1;
  for (;;) {
    const record = reader.next();
    if (record !== null) {
      linkType = record.linkType;
      records.push({ frame: Buffer.from(record.data), timestamp: record.timestamp, length: record.length });
      continue;
    }
    if (!(await reader.fill())) break;
  }
  await reader.close();
  if (records.length === 0) throw new Error(`${capture} holds no packets`);
  const laps = Math.ceil(target / records.length);
  const span = records[records.length - 1].timestamp - records[0].timestamp + 1000;
  const out = createWriteStream(path);
  const write = (chunk: Buffer): Promise<void> => new Promise((resolve) => (out.write(chunk) ? resolve() : out.once('drain', resolve)));
  await write(pcapFileHeader(linkType));
  for (let lap = 0; lap < laps; lap++) {
    const shift = lap * span;
    const batch = Buffer.alloc(records.reduce((n, r) => n + PCAP_RECORD_HEADER_LENGTH + r.frame.length, 0));
    let offset = 0;
    for (const r of records) offset = writePcapRecord(batch, offset, lap === 0 ? r.frame : movePorts(r.frame, linkType, lap), r.timestamp + shift, r.length);
    await write(batch);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { laps, packets: laps * records.length };
}

/** Ethernet/IPv4/TCP only: the ephemeral (higher) port moves by a per-lap offset; the TCP checksum is patched (RFC 1624). */
function movePorts(frame: Buffer, linkType: number, lap: number): Buffer {
  if (linkType !== 1 || frame.length < 34 || frame.readUInt16BE(12) !== 0x0800 || frame[23] !== 6) return frame;
  const tcp = 14 + (frame[14] & 0x0f) * 4;
  if (frame.length < tcp + 18) return frame;
  const out = Buffer.from(frame);
  const src = out.readUInt16BE(tcp);
  const dst = out.readUInt16BE(tcp + 2);
  const at = src > dst ? tcp : tcp + 2;
  const old = Math.max(src, dst);
  const moved = 1024 + ((old - 1024 + lap * 4099) % 64512);
  out.writeUInt16BE(moved, at);
  let sum = (~out.readUInt16BE(tcp + 16) & 0xffff) + (~old & 0xffff) + moved;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  out.writeUInt16BE(~sum & 0xffff, tcp + 16);
  return out;
}

export interface TsharkRun {
  /** HTTP responses tshark counted (its items). */
  responses: number;
  wallSeconds: number;
  /** User + system CPU, when /usr/bin/time is there to measure it. */
  cpuSeconds?: number;
  peakRssMb?: number;
}

/** `tshark -q -z http,tree` over `path`, or undefined when tshark is not installed. */
export function runTshark(path: string): TsharkRun | undefined {
  const tshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).stdout.trim();
  if (tshark === '') return undefined;
  const t0 = performance.now();
  // /usr/bin/time (when present) adds tshark's CPU time and peak RSS: CPU-time ratios hold up on a busy machine.
  const timed = existsSync('/usr/bin/time');
  const run = spawnSync(timed ? '/usr/bin/time' : tshark, [...(timed ? ['-f', 'TIME %U %S %M', tshark] : []), '-n', '-r', path, '-q', '-z', 'http,tree'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const responses = Number(/HTTP Response Packets\s+(\d+)/.exec(run.stdout)?.[1] ?? NaN);
  const usage = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr ?? '');
  if (usage === null) return { responses, wallSeconds };
  return { responses, wallSeconds, cpuSeconds: Number(usage[1]) + Number(usage[2]), peakRssMb: Number(usage[3]) / 1024 };
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}
