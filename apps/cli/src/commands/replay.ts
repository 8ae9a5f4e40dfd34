import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { replayCaptureToItems, type ReplaySummary } from '@wirehook/dissectors';

interface ReplayFlags {
  emit: 'items' | 'none';
  node: string;
  progress: boolean;
}

/** `wirehook replay <capture>`: dissect a capture file at full speed. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('dissect a pcap/pcapng file: items as NDJSON on stdout, a summary on stderr')
    .argument('<capture>', 'pcap or pcapng file')
    .option('--emit <what>', 'what to print on stdout: items | none', 'items')
    .option('--node <name>', 'worker name used in item ids', 'replay')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .action(async (capture: string, flags: ReplayFlags) => {
      if (flags.emit !== 'items' && flags.emit !== 'none') throw new Error(`--emit must be items or none, not "${flags.emit}"`);
      const path = resolve(capture);
      let size: number;
      try {
        size = statSync(path).size;
      } catch (error) {
        throw new Error(`cannot read capture ${path}: ${(error as Error).message}`);
      }
      const bar = flags.progress && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: ' {bar} {percentage}% | {packets} packets | {items} items' }, Presets.shades_classic) : undefined;
      bar?.start(size, 0, { packets: 0, items: 0 });
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      const out = new StdoutLines();
      let items = 0;
      let summary: ReplaySummary;
      try {
        summary = await replayCaptureToItems(path, {
          worker: flags.node,
          signal: abort.signal,
          onItem: (item) => {
            items++;
            if (flags.emit === 'items') out.write(JSON.stringify(item));
          },
          onProgress: (progress) => bar?.update(progress.bytesRead, { packets: progress.packets, items }),
        });
      } finally {
        process.off('SIGINT', onSigint);
        bar?.stop();
        await out.end();
      }
      process.stderr.write(formatSummary(path, summary) + '\n');
    });
}

export function formatSummary(path: string, s: ReplaySummary): string {
  const seconds = s.durationMs / 1000;
  const rate = seconds > 0 ? ` (${Math.round(s.packets / seconds).toLocaleString('en')} packets/s)` : '';
  return `${path}: ${s.packets} packets, ${s.items} items, ${s.errors} errors, ${s.drops} drops in ${seconds.toFixed(2)} s${rate}`;
}

/** Buffered NDJSON writer that respects stdout backpressure (and a closed pipe, e.g. `| head`). */
class StdoutLines {
  private buffer: string[] = [];
  private size = 0;
  private closed = false;

  constructor() {
    process.stdout.on('error', () => {
      this.closed = true;
    });
  }

  write(line: string): void {
    if (this.closed) return;
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 64 * 1024) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    process.stdout.write(this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.size = 0;
  }

  end(): Promise<void> {
    this.flush();
    return new Promise((resolveEnd) => (process.stdout.writableNeedDrain ? process.stdout.once('drain', () => resolveEnd()) : resolveEnd()));
  }
}
