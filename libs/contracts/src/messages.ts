import type { Item } from './item';
import type { PacketInfo } from './packet';

/** Version of every payload below; bumped on an incompatible change. */
export const SCHEMA_VERSION = 1 as const;

interface Versioned {
  v: typeof SCHEMA_VERSION;
}

/**
 * The payload of `wirehook.items.<node>.<protocol>`: items of that node and protocol, in capture
 * order. Several items per message because a per-message cost (publish, `Nats-Msg-Id` header,
 * server routing, delivery) of a few µs in each process would otherwise cap the items per second.
 */
export interface ItemBatchMessage extends Versioned {
  /**
   * One or more items.
   * @minItems 1
   */
  items: Item[];
  /**
   * Where the batch sits in its publisher's stream of items on this subject: the next batch starts
   * at `first + items.length`. A consumer that sees a later `first` missed the items in between (it
   * was disconnected or cut off as a slow consumer, or the publisher dropped them); an earlier one is
   * a re-send after a reconnect. Absent from publishers that do not number their batches.
   */
  sequence?: ItemBatchSequence;
}

export interface ItemBatchSequence {
  /** The publishing process run (a worker's start); numbering restarts with each. */
  session: string;
  /**
   * Position of the batch's first item among the items the session published on this subject, from 0.
   * @minimum 0
   */
  first: number;
}

export interface PacketMessage extends Versioned {
  node: string;
  packets: PacketInfo[];
}

export interface HubActionMessage extends Versioned {
  action: string;
  object: unknown;
  /** Node and agent that called `hub.action`. */
  from: { node: string; agent: string };
}

export type PodEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type PodChangeKind = 'created' | 'deleted' | 'restarted' | 'crashed' | 'oom-killed' | 'ready' | 'not-ready' | 'phase';

export interface PodChange {
  kind: PodChangeKind;
  container?: string;
  restartCount?: number;
  reason?: string;
  message?: string;
}

export interface PodEventMessage extends Versioned {
  event: PodEventType;
  /** The pod in Kubernetes JSON form. */
  pod: Record<string, unknown>;
  change: PodChange;
}

/** Question on `wirehook.pods.policy`: an agent's `hub.blockPod` / `hub.unblockPod`, asked from a worker. */
export interface PodPolicyRequest extends Versioned {
  action: 'block' | 'unblock';
  /** The pod's name and namespace. */
  name: string;
  namespace: string;
  /** Node and agent that called the helper (named in the audit log). */
  from: { node: string; agent: string };
}

/** The hub's answer: the NetworkPolicy created or removed, or why nothing was done. */
export interface PodPolicyReply extends Versioned {
  ok: boolean;
  /** Name of the NetworkPolicy (in the pod's namespace). */
  policy?: string;
  /** Set when ok is false: refused (not enabled), pod not found, or the API server's error. */
  error?: string;
}

export interface AgentDefinition {
  id: string;
  title: string;
  source: string;
  /** Revision the source belongs to; increases on every save. */
  revision: number;
}

export interface ScriptsChangedMessage extends Versioned {
  /** The complete set of active agents; workers replace what they run with exactly this. */
  agents: AgentDefinition[];
}

/** A starting worker's question on `wirehook.scripts.current`; it carries nothing yet. */
export type ScriptsCurrentRequest = Record<string, never>;

export interface PluginRef {
  name: string;
  version: string;
  /** The plugin's stored settings (may hold credentials: the bus is trusted). Absent: none. */
  settings?: Record<string, unknown>;
}

export interface PluginsChangedMessage extends Versioned {
  /** The complete set of installed, enabled plugins. */
  plugins: PluginRef[];
}

/** A starting node's question on `wirehook.plugins.current`; the answer is a PluginsChangedMessage. */
export type PluginsCurrentRequest = Record<string, never>;

/** Question on `wirehook.plugins.<node>.stats`: carries nothing but the version. */
export type PluginStatsRequest = Versioned;

/** Delivery counters of helper calls (since the node started). */
export interface PluginDeliveryCounters {
  /** Calls that succeeded. */
  sent: number;
  /** Calls that ended in an error (after any retries), including arguments that did not validate. */
  failed: number;
  /** Retries made. */
  retried: number;
  /** Calls refused because the delivery queue was full. */
  dropped: number;
}

/** One plugin on one node: load state, queue depth and counters, in total and per agent. */
export interface PluginNodeStats extends PluginDeliveryCounters {
  plugin: string;
  version: string;
  state: 'loaded' | 'failed';
  /** Why it was refused on this node. */
  error?: string;
  queued: number;
  inFlight: number;
  agents: Array<PluginDeliveryCounters & { agentId: string; agent: string; queued: number; inFlight: number }>;
}

export interface PluginStatsReply extends Versioned {
  node: string;
  plugins: PluginNodeStats[];
}

/** Log levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Position of a level in LOG_LEVELS, for "at least this severe" filters. */
export function logLevelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export interface LogEntry extends Versioned {
  /** ms since epoch */
  time: number;
  node: string;
  /** Agent title, or '' for runtime messages not tied to an agent. */
  agent: string;
  level: LogLevel;
  /**
   * What produced it: an agent's console, a hook error, a limit, a job; `audit` records an action an
   * agent took on the cluster (`hub.blockPod`), with the agent in `agent`.
   */
  source: 'console' | 'hook-error' | 'limit' | 'job' | 'load' | 'runtime' | 'audit';
  message: string;
}

export interface WorkerCounters {
  packets: number;
  bytes: number;
  items: number;
  itemErrors: number;
  drops: number;
}

export interface WorkerStatusMessage extends Versioned {
  node: string;
  version: string;
  startedAt: number;
  time: number;
  counters: WorkerCounters;
  agentsLoaded: number;
  capture: { source: string; description: string };
}

/** One scheduled job on a node, as `GET /api/jobs/{node}` shows it. */
export interface JobSummary {
  agentId: string;
  agentTitle: string;
  tag: string;
  /** 6-field cron with seconds. */
  cron: string;
  /** Runs allowed on this node; 0 = forever. */
  limit: number;
  runs: number;
  passed: number;
  failed: number;
  /** ms since epoch */
  lastRun?: number;
  lastError?: string;
}

/** Question on `wirehook.jobs.<node>.list`: carries nothing but the version. */
export type JobsListRequest = Versioned;

/** Question on `wirehook.jobs.<node>.run` and `….remove`: which job. */
export interface JobRequest extends Versioned {
  agentId: string;
  tag: string;
}

/** Question on `wirehook.jobs.<node>.scheduler`. */
export interface JobsSchedulerRequest extends Versioned {
  action: 'start' | 'stop';
}

/** Every jobs answer: the node's jobs and scheduler state after the operation. */
export interface JobsReply extends Versioned {
  node: string;
  schedulerRunning: boolean;
  jobs: JobSummary[];
  /** Set by `run`: how the run ended (`error` is '' when it passed). */
  run?: { ok: boolean; error: string };
  /** Set when the operation could not be done, e.g. no such agent or job on this node. */
  error?: { kind: 'not-found'; message: string };
}

/** Question on `wirehook.agents.<node>.stats`: carries nothing but the version. */
export type AgentStatsRequest = Versioned;

/** One agent's runtime counters on one node. */
export interface AgentRuntimeStats {
  id: string;
  title: string;
  revision: number;
  state: 'loading' | 'loaded' | 'failed' | 'stopped';
  /** Hook and job calls. */
  calls: number;
  /** Items/packets/events delivered (a batch counts each element). */
  events: number;
  errors: number;
  cpuMs: number;
  wallMs: number;
  /** Times each budget was exceeded, by limit name. */
  limitHits: Record<string, number>;
  consoleDropped: number;
  droppedBatches: number;
}

export interface AgentStatsReply extends Versioned {
  node: string;
  agents: AgentRuntimeStats[];
}
