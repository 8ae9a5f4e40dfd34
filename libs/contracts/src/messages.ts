import type { Item } from './item';
import type { PacketInfo } from './packet';

/** Version of every payload below; bumped on an incompatible change. */
export const SCHEMA_VERSION = 1 as const;

interface Versioned {
  v: typeof SCHEMA_VERSION;
}

export interface ItemMessage extends Versioned {
  item: Item;
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

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry extends Versioned {
  /** ms since epoch */
  time: number;
  node: string;
  /** Agent title, or '' for runtime messages not tied to an agent. */
  agent: string;
  level: LogLevel;
  /** What produced it: an agent's console, a hook error, a limit, a job. */
  source: 'console' | 'hook-error' | 'limit' | 'job' | 'load' | 'runtime';
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
