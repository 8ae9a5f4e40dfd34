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
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileCaptureSource, TcpReassembler, type StreamSink } from '@wirehook/capture';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { sharedPcap } from '@wirehook/testing';
import { buildLoopedCapture, formatCount as fmt, runTshark } from './looped-capture';

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
    const tshark = runTshark(looped);
    if (tshark === undefined) {
      console.log('tshark: not installed, no comparison');
      return;
    }
    const tItems = tshark.responses / tshark.wallSeconds;
    console.log(`tshark: ${tshark.responses.toLocaleString('en')} HTTP responses in ${tshark.wallSeconds.toFixed(2)} s: ${fmt(built.packets / tshark.wallSeconds)} packets/s, ${fmt(tItems)} items/s`);
    console.log(`ratio: wirehook/tshark items/s = ${(ours.items / seconds / tItems).toFixed(1)}× (wall clock)`);
    if (tshark.cpuSeconds !== undefined) {
      const tCpu = tshark.cpuSeconds;
      console.log(`  by CPU time: wirehook ${fmt(ours.items / ours.cpuSeconds)} items per CPU-s (${ours.cpuSeconds.toFixed(2)} s), tshark ${fmt(tshark.responses / tCpu)} (${tCpu.toFixed(2)} s, peak RSS ${(tshark.peakRssMb ?? 0).toFixed(0)} MB): ${(ours.items / ours.cpuSeconds / (tshark.responses / tCpu)).toFixed(1)}×`);
    }
    // What the target leaves per item on one core, next to what the stages cost now.
    const perItemUs = (cpuSeconds: number): string => ((cpuSeconds * 1e6) / ours.items).toFixed(2);
    console.log(
      `budget: 20× tshark is ${fmt(20 * tItems)} items/s, ${(1e6 / (20 * tItems)).toFixed(2)} µs per item on one core; ` +
        `now capture alone takes ${perItemUs(captureOnly.cpuSeconds)} µs CPU per item, dissection into items ${perItemUs(ours.cpuSeconds - captureOnly.cpuSeconds)} µs more`,
    );
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
