/**
 * Capture hot-path benchmark: read + decode + TCP reassembly of http-wrk.pcap replayed in a loop
 * until at least 1M packets, on one core. Prints packets/s per stage (wall clock and CPU time:
 * on a shared machine the CPU-time rate is the steadier figure), best of five runs after warm-up.
 *
 *   node -r @swc-node/register tools/bench/capture.ts [capture.pcap] [minPackets]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CaptureCounters,
  CaptureFileReader,
  FileCaptureSource,
  FrameDecoder,
  TcpReassembler,
  type StreamSink,
} from '../../libs/capture/src';

const file = process.argv[2] ?? join(__dirname, '..', '..', '..', 'shared', 'data', 'pcap', 'http-wrk.pcap');
const minPackets = Number(process.argv[3] ?? 1_000_000);
const RUNS = 5;

class CountingSink implements StreamSink {
  bytes = 0;
  closes = 0;
  datagrams = 0;
  onStreamData(_stream: unknown, _direction: unknown, data: Buffer): void {
    this.bytes += data.length;
  }
  onStreamGap(): void {
    // Counted by the reassembler.
  }
  onStreamClose(): void {
    this.closes++;
  }
  onDatagram(): void {
    this.datagrams++;
  }
}

type Stage = 'read' | 'read+decode' | 'read+decode+reassemble' | 'FileCaptureSource+reassemble';

interface Pipeline {
  stage: Stage;
  decoder: FrameDecoder;
  reassembler: TcpReassembler;
  packets: number;
  lap: number;
}

/** The synchronous per-chunk loop (as in FileCaptureSource): no await between packets. */
function drain(reader: CaptureFileReader, p: Pipeline): void {
  const { decoder, reassembler, stage } = p;
  const shift = p.lap * 10_000;
  for (;;) {
    const record = reader.next();
    if (record === null) return;
    p.packets++;
    if (stage === 'read') continue;
    const start = record.offset;
    const packet = decoder.decodeAt(record.chunk, start, start + record.captureLength, record.linkType, record.timestamp + shift, record.length, record.interfaceId, null);
    if (packet !== null && stage === 'read+decode+reassemble') reassembler.push(packet);
  }
}

async function lapsNeeded(): Promise<number> {
  const reader = await CaptureFileReader.open(file);
  let packets = 0;
  for await (const _record of reader.records()) packets++;
  return Math.max(1, Math.ceil(minPackets / packets));
}

async function run(stage: Stage, laps: number): Promise<{ wall: number; cpu: number }> {
  const counters = new CaptureCounters();
  const sink = new CountingSink();
  const p: Pipeline = { stage, decoder: new FrameDecoder({ counters }), reassembler: new TcpReassembler(sink, { counters }), packets: 0, lap: 0 };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  if (stage === 'FileCaptureSource+reassemble') {
    const source = new FileCaptureSource(file, { loop: true, laps, decoder: p.decoder });
    await source.start((packet) => {
      p.packets++;
      p.reassembler.push(packet);
    });
  } else {
    const reader = await CaptureFileReader.open(file, { counters });
    for (;;) {
      drain(reader, p);
      if (await reader.fill()) continue;
      if (++p.lap >= laps) break;
      await reader.rewind();
    }
    await reader.close();
  }
  p.reassembler.closeAll();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `  ${stage.padEnd(30)} ${p.packets.toLocaleString('en')} packets: ${(p.packets / seconds / 1e6).toFixed(2)} M/s wall, ${(p.packets / cpuSeconds / 1e6).toFixed(2)} M/s CPU` +
      (stage.includes('reassemble') ? `; ${(sink.bytes / 1e6).toFixed(0)} MB reassembled in ${counters.streamsOpened} streams` : ''),
  );
  return { wall: p.packets / seconds, cpu: p.packets / cpuSeconds };
}

async function main(): Promise<void> {
  const laps = await lapsNeeded();
  console.log(`${file} x ${laps} laps, node ${process.version}`);
  const summary: string[] = [];
  for (const stage of ['read', 'read+decode', 'read+decode+reassemble', 'FileCaptureSource+reassemble'] as Stage[]) {
    let wall = 0;
    let cpu = 0;
    for (let i = 0; i < RUNS; i++) {
      const rate = await run(stage, laps);
      wall = Math.max(wall, rate.wall);
      cpu = Math.max(cpu, rate.cpu);
    }
    summary.push(`${stage.padEnd(30)} ${(wall / 1e6).toFixed(2)} M packets/s wall, ${(cpu / 1e6).toFixed(2)} M packets/s CPU`);
  }
  console.log(`best of ${RUNS} runs:\n  ${summary.join('\n  ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
