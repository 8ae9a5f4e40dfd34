import type { AgentOrigin } from '../entities';

/** An agent as it is now. */
export interface Agent {
  id: string;
  title: string;
  source: string;
  active: boolean;
  origin: AgentOrigin;
  /** Latest revision number; pass it back as `baseRevision` when saving. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One saved version of an agent. */
export interface AgentRevision {
  agentId: string;
  revision: number;
  title: string;
  source: string;
  active: boolean;
  author: string;
  message: string;
  createdAt: Date;
}

export interface NewAgent {
  title: string;
  /** Already checked as ES5 by the caller. */
  source: string;
  author: string;
  /** Default true. */
  active?: boolean;
  /** Default 'code'. */
  origin?: AgentOrigin;
  /** Default 'created'. */
  message?: string;
}

export interface AgentChanges {
  title?: string;
  source?: string;
  active?: boolean;
}

/** Who saves, and which revision the change was made on (optimistic locking). */
export interface AgentWriteOptions {
  baseRevision: number;
  author: string;
  /** Default: a description of what changed. */
  message?: string;
}

export interface AgentUpsertResult {
  agent: Agent;
  change: 'created' | 'updated' | 'unchanged';
}
