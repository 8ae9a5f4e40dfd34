/**
 * Dissection benchmark: http-wrk.pcap looped to ≥ 1M packets through capture (file reader,
 * frame decoder, TCP reassembly) and the HTTP dissector, on one core; then, when tshark is
 * installed, `tshark -q -z http,tree` on the same file, and the ratio of items per second.
 *
 *   node -r ./tools/register.js tools/bench/dissect.ts [--packets 1000000] [--capture <pcap>] [--no-tshark] [--keep]
 *
 * Our side runs in a child process so that its peak RSS is its own (not the file builder's).
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CaptureFileReader, FileCaptureSource, pcapFileHeader, PCAP_RECORD_HEADER_LENGTH, TcpReassembler, writePcapRecord, type StreamSink } from '@wirehook/capture';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { sharedPcap } from '@wirehook/testing';

interface ChildResult {
  packets: number;
  items: number;
  errors: number;
  durationMs: number;
  /** User + system CPU time of the child (all its threads, GC included). */
  cpuSeconds: number;
  peakRssMb: number;
  rssSamplesMb: number[];
}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const child = flag('--child');
  if (child !== undefined) return runChild(child);
  const floor = flag('--capture-only-child');
  if (floor !== undefined) return runCaptureOnlyChild(floor);

  const targetPackets = Number(flag('--packets') ?? 1_000_000);
  const capture = flag('--capture') ?? sharedPcap('http-wrk.pcap');
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-bench-'));
  const looped = join(dir, 'looped.pcap');
  try {
    const built = await buildLoopedCapture(capture, looped, targetPackets);
    console.log(`input: ${capture} looped ${built.laps}× → ${built.packets.toLocaleString('en')} packets, ${(statSync(looped).size / 1e6).toFixed(1)} MB (${looped})`);

    const captureOnly = await runOurs(looped, '--capture-only-child');
    console.log(`capture alone (reader, decoder, reassembly into a no-op sink): ${captureOnly.cpuSeconds.toFixed(2)} s CPU, ${(captureOnly.durationMs / 1000).toFixed(2)} s wall`);
    const ours = await runOurs(looped);
    const seconds = ours.durationMs / 1000;
    console.log(`wirehook: ${ours.packets.toLocaleString('en')} packets, ${ours.items.toLocaleString('en')} items (${ours.errors} with errors) in ${seconds.toFixed(2)} s`);
    console.log(`  ${fmt(ours.packets / seconds)} packets/s, ${fmt(ours.items / seconds)} items/s, ${ours.cpuSeconds.toFixed(2)} s CPU, peak RSS ${ours.peakRssMb.toFixed(0)} MB`);
    console.log(`  RSS during the run (MB): ${ours.rssSamplesMb.map((r) => r.toFixed(0)).join(' ')}`);

    if (process.argv.includes('--no-tshark')) return;
    const tshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).stdout.trim();
    if (tshark === '') {
      console.log('tshark: not installed, no comparison');
      return;
    }
    const t0 = performance.now();
    // /usr/bin/time (when present) adds tshark's CPU time and peak RSS: CPU-time ratios hold up on a busy machine.
    const timed = existsSync('/usr/bin/time');
    const run = spawnSync(timed ? '/usr/bin/time' : tshark, [...(timed ? ['-f', 'TIME %U %S %M', tshark] : []), '-n', '-r', looped, '-q', '-z', 'http,tree'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const tSeconds = (performance.now() - t0) / 1000;
    const responses = Number(/HTTP Response Packets\s+(\d+)/.exec(run.stdout)?.[1] ?? NaN);
    const usage = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr ?? '');
    const tItems = responses / tSeconds;
    console.log(`tshark: ${responses.toLocaleString('en')} HTTP responses in ${tSeconds.toFixed(2)} s: ${fmt(built.packets / tSeconds)} packets/s, ${fmt(tItems)} items/s`);
    console.log(`ratio: wirehook/tshark items/s = ${(ours.items / seconds / tItems).toFixed(1)}× (wall clock)`);
    if (usage !== null) {
      const tCpu = Number(usage[1]) + Number(usage[2]);
      console.log(`  by CPU time: wirehook ${fmt(ours.items / ours.cpuSeconds)} items per CPU-s (${ours.cpuSeconds.toFixed(2)} s), tshark ${fmt(responses / tCpu)} (${tCpu.toFixed(2)} s, peak RSS ${(Number(usage[3]) / 1024).toFixed(0)} MB): ${(ours.items / ours.cpuSeconds / (responses / tCpu)).toFixed(1)}×`);
    }
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `capture` again and again until `target` packets: timestamps shifted to keep
 * increasing, and each lap's client ports moved so every lap holds new connections (tshark
 * would otherwise take the repeats for retransmissions and skip them).
 */
async function buildLoopedCapture(capture: string, path: string, target: number): Promise<{ laps: number; packets: number }> {
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

function runOurs(path: string, mode = '--child'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, __filename, mode, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`benchmark child exited with ${code}`));
      resolve(JSON.parse(text.trim().split('\n').pop() as string) as ChildResult);
    });
  });
}

async function runChild(path: string): Promise<void> {
  let items = 0;
  const rssSamplesMb: number[] = [];
  const cpu0 = process.cpuUsage();
  const summary = await replayCaptureToItems(path, {
    worker: 'bench',
    onItem: () => {
      items++;
    },
    onProgress: (p) => {
      if (p.packets % 131_072 < 8192) rssSamplesMb.push(process.memoryUsage().rss / 1e6);
    },
  });
  const result: ChildResult = {
    packets: summary.packets,
    items,
    errors: summary.errors,
    durationMs: summary.durationMs,
    cpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpu0)),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssSamplesMb,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** The same input through capture only, to show what dissection adds. */
async function runCaptureOnlyChild(path: string): Promise<void> {
  const sink: StreamSink = { onStreamData: () => undefined, onStreamGap: () => undefined, onStreamClose: () => undefined, onDatagram: () => undefined };
  const source = new FileCaptureSource({ path });
  const reassembler = new TcpReassembler(sink, { counters: source.counters });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await source.start((packet) => reassembler.push(packet));
  reassembler.closeAll();
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = {
    packets: source.counters.packets,
    items: 0,
    errors: 0,
    durationMs: performance.now() - t0,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssSamplesMb: [],
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
