import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { formatLogLine, type Item } from '@wirehook/contracts';
import type { ReplaySummary } from '@wirehook/dissectors';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';
import { readAgentFiles } from '../replay/agent-files';
import { NdjsonWriter } from '../replay/ndjson-writer';

interface ReplayFlags extends ConfigFlags {
  emit?: string;
  node: string;
  progress: boolean;
  agents?: string;
  speed: string;
}

/** `wirehook replay <capture>`: dissect a capture file, optionally through agents. */
export function registerReplayCommand(program: Command): void {
  addConfigOptions(
    program
      .command('replay')
      .description('dissect a pcap/pcapng file: items as NDJSON on stdout and a summary on stderr; with --agents, run agents over it and print their output')
      .argument('<capture>', 'pcap or pcapng file')
      .option('--emit <what>', 'what to print on stdout: items | none (default: items, or none with --agents)')
      .option('--agents <path>', 'an agent .js file or a folder of them to run over the capture')
      .option('--speed <speed>', 'max (as fast as possible; agents see everything) | realtime (original timing, so jobs fire as live) | a factor', 'max')
      .option('--node <name>', 'node name used in item ids and utils.nodeName()', 'replay')
      .option('--no-progress', 'no progress bar, even on a terminal'),
  ).action(async (capture: string, flags: ReplayFlags) => {
    const emit = flags.emit ?? (flags.agents ? 'none' : 'items');
    if (emit !== 'items' && emit !== 'none') throw new Error(`--emit must be items or none, not "${emit}"`);
    const speed = parseSpeed(flags.speed);
    const path = resolve(capture);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (error) {
      throw new Error(`cannot read capture ${path}: ${(error as Error).message}`);
    }
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    const out = new NdjsonWriter(process.stdout);
    const onItem = emit === 'items' ? (item: Item) => out.write(JSON.stringify(item)) : undefined;
    const started = performance.now();
    try {
      if (flags.agents) {
        const { config } = configFromFlags(flags, flags.node);
        const agents = readAgentFiles(flags.agents);
        // Loaded when needed: the sandbox and the dissectors are not part of every command's start-up.
        const { replayWithAgents } = await import('../replay/agent-replay');
        const summary = await replayWithAgents({
          capture: path,
          agents,
          node: flags.node,
          config,
          speed,
          signal: abort.signal,
          onItem,
          // Agents' output on stdout (as the hub prints it), runtime reports on stderr.
          log: (entry) => (entry.source === 'console' ? out.write(formatLogLine(entry)) : process.stderr.write(formatLogLine(entry) + '\n')),
        });
        await out.end();
        for (const failure of summary.failed) process.stderr.write(`agent refused: ${failure}\n`);
        process.stderr.write(
          `${path}: ${summary.packets} packets, ${summary.items} items, ${summary.errors} errors, ${agents.length} agent(s)` +
            `${summary.consoleDropped ? `, ${summary.consoleDropped} console lines over the rate cap not shown` : ''} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`,
        );
        if (summary.failed.length > 0) process.exitCode = 1;
        return;
      }
      const bar =
        flags.progress && process.stderr.isTTY
          ? new SingleBar({ stream: process.stderr, format: ' {bar} {percentage}% | {packets} packets | {items} items' }, Presets.shades_classic)
          : undefined;
      bar?.start(size, 0, { packets: 0, items: 0 });
      let summary: ReplaySummary;
      const { replayCaptureToItems } = await import('@wirehook/dissectors');
      try {
        summary = await replayCaptureToItems(path, {
          worker: flags.node,
          speed,
          signal: abort.signal,
          onItem: onItem ?? (() => undefined),
          onProgress: (progress) => bar?.update(progress.bytesRead, { packets: progress.packets, items: progress.items }),
        });
      } finally {
        bar?.stop();
      }
      await out.end();
      process.stderr.write(formatSummary(path, summary) + '\n');
    } finally {
      process.off('SIGINT', onSigint);
      await out.end();
    }
  });
}

function parseSpeed(text: string): number {
  if (text === 'max') return 0;
  if (text === 'realtime') return 1;
  const factor = Number(text);
  if (!Number.isFinite(factor) || factor <= 0) throw new Error(`--speed must be max, realtime or a positive factor, not "${text}"`);
  return factor;
}

export function formatSummary(path: string, s: ReplaySummary): string {
  const seconds = s.durationMs / 1000;
  const rate = seconds > 0 ? ` (${Math.round(s.packets / seconds).toLocaleString('en')} packets/s)` : '';
  return `${path}: ${s.packets} packets, ${s.items} items, ${s.errors} errors, ${s.drops} drops in ${seconds.toFixed(2)} s${rate}`;
}
