import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileReader, FileCaptureSource, FrameDecoder, TcpReassembler, toPacketInfo, type DecodedPacket } from '@wirehook/capture';
import type { AgentDefinition, Item, LogEntry, PacketInfo, WirehookConfig } from '@wirehook/contracts';
import { createDissectionPipeline } from '@wirehook/dissectors';
import { AgentRuntime } from '@wirehook/runtime';

export interface AgentReplayOptions {
  capture: string;
  agents: AgentDefinition[];
  node: string;
  config: WirehookConfig;
  /** 0 = as fast as the agents keep up (nothing dropped); 1 = original timing, so jobs fire as they would live. */
  speed: number;
  log(entry: LogEntry): void;
  onItem?(item: Item): void;
  signal: AbortSignal;
}

export interface AgentReplaySummary {
  packets: number;
  items: number;
  errors: number;
  /** Agents that refused to load, with the reason. */
  failed: string[];
  /** Console lines over the rate cap (scripting.limits.consoleLinesPerSecond), not printed. */
  consoleDropped: number;
}

const BATCH = 1024;

/**
 * Runs agents over a capture file through the worker's own pipeline (decode, reassembly,
 * dissection, batched hooks). At full speed it reads a chunk, then waits for the agents before
 * the next, so agents see every packet and item; in real time it keeps the capture's pace.
 */
export async function replayWithAgents(options: AgentReplayOptions): Promise<AgentReplaySummary> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-replay-'));
  const runtime = new AgentRuntime({
    nodeName: options.node,
    role: 'worker',
    env: options.config.scripting.env,
    limits: options.config.scripting.limits,
    dataDir,
    log: options.log,
    hubAction: (action, object, agent) =>
      options.log({ v: 1, time: Date.now(), node: options.node, agent, level: 'info', source: 'console', message: `hub.action("${action}", ${JSON.stringify(object)})` }),
    targeted: () => ({ targets: [], excluded: [] }),
  });
  const summary: AgentReplaySummary = { packets: 0, items: 0, errors: 0, failed: [], consoleDropped: 0 };
  try {
    const report = await runtime.sync(options.agents);
    summary.failed = report.failed.map((f) => `${f.title}: ${f.error?.reason ?? "refused"}${f.error?.line ? ` (line ${f.error.line})` : ""}`);
    let packets: PacketInfo[] = [];
    let items: string[] = [];
    const wantsPackets = runtime.hasHook('onPacketCaptured');
    const wantsItems = runtime.hasHook('onItemCaptured');
    const pipeline = createDissectionPipeline({
      worker: options.node,
      onItem: (item) => {
        summary.items++;
        if (item.error) summary.errors++;
        options.onItem?.(item);
        if (wantsItems) items.push(JSON.stringify(item));
      },
    });
    const reassembler = new TcpReassembler(pipeline);
    let last = 0;
    const onPacket = (packet: DecodedPacket): void => {
      summary.packets++;
      last = packet.timestamp;
      if (wantsPackets) packets.push(toPacketInfo(packet));
      reassembler.push(packet);
    };
    const deliver = async (): Promise<void> => {
      if (packets.length > 0) {
        const batch = packets;
        packets = [];
        await runtime.onPacketsCaptured(batch);
      }
      if (items.length > 0) {
        const json = items;
        items = [];
        await runtime.onItemsCaptured({ json });
      }
    };

    if (options.speed > 0) {
      // Original timing: deliver on a short timer, as the worker does live.
      const timer = setInterval(() => void deliver(), 50);
      try {
        await new FileCaptureSource(options.capture, { speed: options.speed, signal: options.signal }).start(onPacket);
      } finally {
        clearInterval(timer);
      }
    } else {
      // Reused chunk buffers (no full GCs from fresh 4 MiB chunks): the pipeline copies what it keeps.
      const reader = await CaptureFileReader.open(options.capture, { reuseChunks: true });
      const decoder = new FrameDecoder();
      try {
        // Records already read first, then the next chunk (the reader's own rhythm).
        for (;;) {
          for (let record = reader.next(); record; record = reader.next()) {
            const packet = decoder.decode(record);
            if (packet) onPacket(packet);
            if (packets.length >= BATCH || items.length >= BATCH) await deliver();
          }
          await deliver();
          if (options.signal.aborted || !(await reader.fill())) break;
        }
        if (reader.truncation) options.log({ v: 1, time: Date.now(), node: options.node, agent: '', level: 'warn', source: 'runtime', message: reader.truncation.message });
      } finally {
        await reader.close();
      }
    }
    reassembler.closeAll(last);
    pipeline.close();
    await deliver();
    summary.consoleDropped = runtime.stats().reduce((sum, agent) => sum + agent.consoleDropped, 0);
    return summary;
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
