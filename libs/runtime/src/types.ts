import type { LogEntry, RuntimeLimits } from '@wirehook/contracts';
import type { Registry } from 'prom-client';

/** Every hook an agent may define (shared/docs/agent-api.md). */
export const HOOK_NAMES = ['onPacketCaptured', 'onItemCaptured', 'onItemQueried', 'onHubAction', 'onPodEvent', 'onJobPassed', 'onJobFailed'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Recorded traffic for `pcap.*`. Paths returned are host paths; the runtime copies them into the agent's folder. */
export interface PcapProvider {
  /** The pcap file of one stream. */
  path(stream: string): Promise<string>;
  /** A merged pcap file of recent streams (all when `streams` is absent or empty). */
  snapshot(streams?: string[]): Promise<string>;
  /** IP → workload history, as JSON-serialisable data. */
  nameResolutionHistory(): Promise<unknown>;
}

/** What a plugin helper learns about its caller. */
export interface HelperCallContext {
  agentId: string;
  agentTitle: string;
  nodeName: string;
  /** Aborted when the calling agent's hook or job runs out of time or the agent is unloaded. */
  signal: AbortSignal;
}

/**
 * An async helper exposed to agents as `vendor.<name>` (a dotted name nests: `kinesis.put`).
 * Arguments and the result are JSON values.
 */
export type HelperFunction = (args: unknown[], context: HelperCallContext) => Promise<unknown>;

/**
 * The seam for plugins. The agent's call waits for the promise (the agent's own isolate thread
 * blocks; the event loop, capture and other agents go on), bounded by `timeoutMs`.
 */
export interface HelperBridge {
  /** Helper name → implementation. Read when an agent is loaded, so a change applies to agents loaded after it. */
  helpers(): Record<string, HelperFunction>;
  /** Longest wait for one helper call, in ms (default 5000, and never beyond the hook/job budget). */
  timeoutMs?: number;
}

export interface RuntimeHost {
  /** utils.nodeName(): "hub" or the worker's node name. */
  nodeName: string;
  role: 'hub' | 'worker';
  /** env.NAME (strings); never logged. */
  env: Record<string, string>;
  limits: RuntimeLimits;
  /** Root for file.* helpers; each agent gets its own subfolder. */
  dataDir: string;
  log(entry: LogEntry): void;
  hubAction(action: string, object: unknown, agentTitle: string): void;
  targeted(): { targets: unknown[]; excluded: unknown[] };
  /**
   * hub.blockPod(name, namespace) / hub.unblockPod(name, namespace): create / remove the deny-all
   * NetworkPolicy of one pod. The agent waits for the answer; a rejection is thrown in the agent
   * (refused when not enabled, no such pod…). Absent: the helpers throw "not available".
   */
  blockPod?(name: string, namespace: string, agentTitle: string): Promise<void>;
  unblockPod?(name: string, namespace: string, agentTitle: string): Promise<void>;
  pcap?: PcapProvider;
  /** prometheus.metric and the runtime's own per-agent counters register here. */
  metrics?: Registry;
  helpers?: HelperBridge;
}

/** 'loading' until the first version's top-level code has run. */
export type AgentState = 'loading' | 'loaded' | 'failed' | 'stopped';

/** Which budget an agent went over. */
export type LimitName = 'hookCpuMs' | 'jobCpuMs' | 'loadCpuMs' | 'memoryMb' | 'consoleLinesPerSecond';

export interface LimitHit {
  limit: LimitName;
  /** Where: `load`, a hook name, or `job <tag>`. */
  where: string;
  message: string;
  time: number;
}

export interface AgentStatus {
  id: string;
  title: string;
  revision: number;
  state: AgentState;
  hooks: HookName[];
  /** Set when state is "failed" (refused at load). */
  error?: { line?: number; column?: number; reason: string; kind: AgentLoadErrorKind };
  /** Set when state is "stopped" (a limit hit disposed its sandbox). */
  stoppedBy?: LimitHit;
}

export type AgentLoadErrorKind = 'es5' | 'top-level-throw' | 'limit' | 'internal';

export interface SyncReport {
  loaded: AgentStatus[];
  replaced: AgentStatus[];
  unloaded: string[];
  unchanged: string[];
  /** Agents that were refused (also present in loaded/replaced with state "failed"). */
  failed: AgentStatus[];
}

export interface JobInfo {
  agentId: string;
  agentTitle: string;
  tag: string;
  cron: string;
  /** Runs allowed on this node; 0 = forever. */
  limit: number;
  runs: number;
  passed: number;
  failed: number;
  lastRun?: number;
  lastError?: string;
}

export interface HookStats {
  calls: number;
  /** Items/packets/events delivered (a batch counts each element). */
  events: number;
  errors: number;
  cpuMs: number;
  wallMs: number;
}

export interface AgentStats {
  id: string;
  title: string;
  revision: number;
  state: AgentState;
  calls: number;
  events: number;
  errors: number;
  cpuMs: number;
  wallMs: number;
  limitHits: Partial<Record<LimitName, number>>;
  consoleDropped: number;
  /** Batches not delivered because the agent's queue was full. */
  droppedBatches: number;
  hooks: Partial<Record<HookName | 'load' | 'job', HookStats>>;
}
