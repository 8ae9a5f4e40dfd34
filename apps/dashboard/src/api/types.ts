/** Shapes the hub's REST API answers with (libs/hub/src/api/dto, /api/docs-json). */

// Bus payload types come from the contracts library (type-only: nothing of it is bundled).
import type { AgentRuntimeStats, JobSummary, LogEntry, LogLevel } from '@wirehook/contracts';

export type { AgentRuntimeStats, LogEntry, LogLevel };
export type Job = JobSummary;

export type ApiRole = 'viewer' | 'editor' | 'admin';

export interface TokenInfo {
  id: string;
  name: string;
  role: ApiRole;
}


export interface AgentSummary {
  id: string;
  title: string;
  active: boolean;
  running: boolean;
  origin: 'code' | 'flow';
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Runtime counters by node name ("hub" and each worker that answered). */
  stats: Record<string, AgentRuntimeStats>;
}

export interface Agent extends AgentSummary {
  source: string;
}

export interface Es5Diagnostic {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  title: string;
  diagnostics: Es5Diagnostic[];
}

export interface AgentRevision {
  agentId: string;
  revision: number;
  title: string;
  active: boolean;
  author: string;
  message: string;
  createdAt: string;
}

export interface AgentRevisionSource extends AgentRevision {
  source: string;
}

export interface RevisionDiff {
  from: number;
  to: number;
  patch: string;
}

export interface Example {
  name: string;
  title: string;
  source: string;
}




export interface NodeJobs {
  node: string;
  schedulerRunning?: boolean;
  jobs?: Job[];
  run?: { ok: boolean; error: string };
  error?: string;
}

export interface WorkerStatus {
  node: string;
  version: string;
  uptimeSeconds: number;
  packets: number;
  items: number;
  drops: number;
  agentsLoaded: number;
  capture: string;
  lastSeen: string;
  stale: boolean;
}

export interface ItemCounts {
  total: number;
  byWorker: Record<string, Record<string, number>>;
  errors: number;
  /** Items the hub never received (gaps in a worker's numbered batches). */
  missed: number;
}

/** An item as the API returns it (shared/docs/agent-api.md, "The item"). */
export interface Item {
  id: string;
  index: number;
  stream: string;
  worker: string;
  node?: { ip?: string; name?: string };
  protocol: { name: string; version?: string; abbr?: string; longName?: string; layer3?: string; layer4?: string };
  src: { ip: string; port: string; name?: string; namespace?: string };
  dst: { ip: string; port: string; name?: string; namespace?: string };
  timestamp: number;
  startTime?: string;
  elapsedTime?: number;
  requestSize?: number;
  responseSize?: number;
  request?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  error?: { type: string; msg: string };
  passed?: boolean;
  failed?: boolean;
}

export interface CaptureFile {
  name: string;
  size: number;
  modifiedAt: string;
}

/** A call the dry run recorded (libs/flow DryRunCall). */
export interface DryRunCall {
  seq: number;
  helper: string;
  args: unknown[];
  context: { hook: string; item?: string; job?: string; action?: string; event?: string };
}

export interface DryRunAnswer {
  capture: string;
  title: string;
  loaded: boolean;
  loadError?: { line?: number; column?: number; reason: string; kind: string };
  hooks: string[];
  packets: number;
  items: number;
  calls: DryRunCall[];
  dropped: number;
  itemSummaries: Record<string, string>;
  jobsRun: string[];
  logs: LogEntry[];
  durationMs: number;
  source?: string;
}

export interface FlowAgent {
  id: string;
  title: string;
  active: boolean;
  running: boolean;
  revision: number;
}

export interface FlowSummary {
  id: string;
  name: string;
  revision: number;
  agentId: string | null;
  agent?: FlowAgent;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFlow extends FlowSummary {
  graph: unknown;
  source?: string;
}

export interface ImportPreview {
  graph: unknown;
  requires: Record<string, string>;
  missing: Array<{ name: string; range: string; installed?: string; problem: 'not-installed' | 'incompatible-version' }>;
  migrated: string[];
  issues: Array<{ severity: string; code: string; message: string; nodeId?: string }>;
}
