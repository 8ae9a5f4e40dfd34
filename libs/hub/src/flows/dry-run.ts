import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { toPacketInfo } from '@wirehook/capture';
import type { Item, LogEntry, PacketInfo, RuntimeLimits } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { DryRunRecorder, dryRunSource, recordingHelpers, type DryRunCall } from '@wirehook/flow';
import { AgentRuntime } from '@wirehook/runtime';
import { vendorCallsIn } from './helper-names';

export interface DryRunInput {
  /** ES5 agent source (a flow's generated agent, an agent's current source, or unsaved code). */
  source: string;
  title: string;
  /** Path of the pcap/pcapng file to replay. */
  capturePath: string;
  /** Items (and packets, when the agent has onPacketCaptured) replayed at most. */
  maxEvents: number;
  /** Run each job the agent scheduled once after the replay (windows close, schedules fire). */
  runJobs: boolean;
  limits: RuntimeLimits;
  /** Names agents read as `env.NAME`: their values are not used (a dry run shows `<env.NAME>`, never a secret). */
  envNames: string[];
  /** Helper names the installed plugins offer (`vendor.slack` or `slack`); those the source calls are added. */
  pluginHelpers: string[];
  /** What `utils.nodeName()` answers: `hub` or a worker name. */
  nodeName: string;
  /** Most calls kept; beyond, they are counted in `dropped`. */
  maxCalls: number;
  signal?: AbortSignal;
}

export interface DryRunResult {
  /** The agent loaded (false: see `loadError` and `logs`). */
  loaded: boolean;
  loadError?: { line?: number; column?: number; reason: string; kind: string };
  hooks: string[];
  packets: number;
  /** Items replayed (at most maxEvents). */
  items: number;
  /** Every helper call the agent made, in its order (libs/flow DryRunCall). */
  calls: DryRunCall[];
  /** Calls over maxCalls, not kept. */
  dropped: number;
  /** What each item named by a call's context was: `GET /users → 500`. */
  itemSummaries: Record<string, string>;
  /** Jobs run after the replay. */
  jobsRun: string[];
  /** Hook errors, limit hits, refusals: what the agent would have logged besides its console. */
  logs: LogEntry[];
  durationMs: number;
}

const DRY_RUN_AGENT_ID = 'dry-run';
const MAX_LOGS = 500;

type CapturedEvent = { kind: 'item'; value: Item } | { kind: 'packet'; value: PacketInfo };

/**
 * Runs an agent against a capture in a fresh runtime of its own whose helpers record instead of
 * acting (libs/flow's dryRunSource instruments the agent; its recorder takes the calls from the
 * runtime host's hubAction, vendor helpers exist but do nothing). Events go to the agent one at a
 * time, in capture order. Nothing leaves the process: no bus, no plugin, not the hub's metrics.
 */
export async function dryRun(input: DryRunInput): Promise<DryRunResult> {
  const started = Date.now();
  const recorder = new DryRunRecorder(input.maxCalls);
  const logs: LogEntry[] = [];
  const helperNames = [...new Set([...input.pluginHelpers, ...vendorCallsIn(input.source)])];
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-dry-run-'));
  const runtime = new AgentRuntime({
    nodeName: input.nodeName,
    role: input.nodeName === 'hub' ? 'hub' : 'worker',
    env: Object.fromEntries(input.envNames.map((name) => [name, `<env.${name}>`])),
    limits: input.limits,
    dataDir,
    // A registry of its own: prometheus.metric still checks its arguments; nothing reaches the hub's /metrics.
    metrics: new Registry(),
    log: (entry) => {
      if (logs.length < MAX_LOGS) logs.push(entry);
    },
    hubAction: (action, object) => {
      recorder.accept(action, object);
    },
    targeted: () => ({ targets: [], excluded: [] }),
    helpers: recordingHelpers(helperNames, recorder),
  });

  const result = (partial: Partial<DryRunResult>): DryRunResult => ({
    loaded: false,
    hooks: [],
    packets: 0,
    items: 0,
    calls: recorder.calls(),
    dropped: recorder.dropped,
    itemSummaries: {},
    jobsRun: [],
    logs,
    durationMs: Date.now() - started,
    ...partial,
  });

  try {
    const report = await runtime.sync([{ id: DRY_RUN_AGENT_ID, title: input.title, source: dryRunSource(input.source), revision: 1 }]);
    const status = report.loaded[0];
    if (!status || status.state !== 'loaded') return result({ loadError: status?.error ?? { kind: 'internal', reason: 'the agent did not load' } });
    const hooks = status.hooks;
    const events = await captureEvents(input, hooks.includes('onItemCaptured'), hooks.includes('onPacketCaptured'));

    const items = new Map<string, Item>();
    for (const event of events) {
      if (input.signal?.aborted) break;
      if (event.kind === 'item') {
        items.set(event.value.id, event.value);
        await runtime.onItemsCaptured([event.value]);
      } else {
        await runtime.onPacketsCaptured([event.value]);
      }
    }

    const jobsRun: string[] = [];
    if (input.runJobs && !input.signal?.aborted) {
      for (const job of runtime.jobs.list()) {
        await runtime.jobs.run(DRY_RUN_AGENT_ID, job.tag);
        jobsRun.push(job.tag);
      }
    }
    const calls = recorder.calls();
    const itemSummaries: Record<string, string> = {};
    for (const call of calls) {
      const id = call.context.item;
      const item = id === undefined ? undefined : items.get(id);
      if (id !== undefined && item && !(id in itemSummaries)) itemSummaries[id] = summariseItem(item);
    }
    return result({
      loaded: true,
      hooks,
      packets: events.filter((e) => e.kind === 'packet').length,
      items: events.filter((e) => e.kind === 'item').length,
      calls,
      dropped: recorder.dropped,
      itemSummaries,
      jobsRun,
    });
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The capture's first `maxEvents` items (and packets, when wanted), in capture order. */
async function captureEvents(input: DryRunInput, wantsItems: boolean, wantsPackets: boolean): Promise<CapturedEvent[]> {
  const events: CapturedEvent[] = [];
  if (!wantsItems && !wantsPackets) return events;
  const stop = new AbortController();
  const abort = () => stop.abort();
  input.signal?.addEventListener('abort', abort);
  const add = (event: CapturedEvent) => {
    if (events.length < input.maxEvents) events.push(event);
    if (events.length >= input.maxEvents) stop.abort();
  };
  try {
    await replayCaptureToItems(input.capturePath, {
      worker: 'dry-run',
      signal: stop.signal,
      onItem: (item) => {
        if (wantsItems) add({ kind: 'item', value: item });
      },
      onPacket: wantsPackets ? (packet) => add({ kind: 'packet', value: toPacketInfo(packet) }) : undefined,
    });
  } finally {
    input.signal?.removeEventListener('abort', abort);
  }
  return events;
}

/** `GET /users → 500`, `A example.com → NOERROR`, `GET k → bulk`. */
export function summariseItem(item: Item): string {
  const request = (item.request ?? {}) as Record<string, unknown>;
  const response = (item.response ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  let summary: string;
  switch (item.protocol.name) {
    case 'http':
      summary = `${text(request.method)} ${text(request.path ?? request.url)} → ${text(response.status) || '?'}`;
      break;
    case 'dns': {
      const questions = Array.isArray(request.questions) ? (request.questions as Array<Record<string, unknown>>) : [];
      summary = `${questions.map((q) => `${text(q.type)} ${text(q.name)}`).join(', ')} → ${text(response.code) || '?'}`;
      break;
    }
    case 'redis':
      summary = `${text(request.command)} → ${text(response.type) || '?'}`;
      break;
    default:
      summary = `${item.src.ip}:${item.src.port} → ${item.dst.ip}:${item.dst.port}`;
  }
  if (item.error) summary += ` (${item.error.type})`;
  return summary.length > 200 ? `${summary.slice(0, 200)}…` : summary;
}
