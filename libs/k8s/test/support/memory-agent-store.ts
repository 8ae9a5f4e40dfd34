// An in-memory MirroredAgentStore with the semantics of @wirehook/storage's AgentStore that the
// mirror relies on: revisions with author and message, optimistic locking on `baseRevision`
// (RevisionConflictError), unique titles (DuplicateTitleError), no revision when nothing changes.
import { randomUUID } from 'node:crypto';
import type { MirroredAgent, MirroredAgentStore } from '../../src';

export interface Revision {
  revision: number;
  source: string;
  active: boolean;
  author: string;
  message: string;
}

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class MemoryAgentStore implements MirroredAgentStore {
  private readonly agents = new Map<string, MirroredAgent>();
  readonly revisions = new Map<string, Revision[]>();
  /** Set to make every call fail, as a database that is down. */
  unavailable = false;

  async list(): Promise<MirroredAgent[]> {
    this.check();
    return [...this.agents.values()].map((a) => ({ ...a })).sort((a, b) => (a.title < b.title ? -1 : 1));
  }

  async create(input: { title: string; source: string; author: string; message?: string; active?: boolean }): Promise<MirroredAgent> {
    this.check();
    if (input.title.length > 200) throw new NamedError('InvalidInputError', 'invalid agent title: longer than 200 characters');
    if ([...this.agents.values()].some((a) => a.title === input.title)) {
      throw new NamedError('DuplicateTitleError', `agent title "${input.title}" is already used by another agent`);
    }
    const agent: MirroredAgent = { id: randomUUID(), title: input.title, source: input.source, active: input.active ?? true, revision: 1 };
    this.agents.set(agent.id, agent);
    this.revisions.set(agent.id, [{ revision: 1, source: agent.source, active: agent.active, author: input.author, message: input.message ?? 'created' }]);
    return { ...agent };
  }

  async update(
    id: string,
    changes: { source?: string; active?: boolean; title?: string },
    options: { baseRevision: number; author: string; message?: string },
  ): Promise<MirroredAgent> {
    this.check();
    const current = this.agents.get(id);
    if (!current) throw new NamedError('NotFoundError', `agent ${id} not found`);
    if (current.revision !== options.baseRevision) {
      throw new NamedError('RevisionConflictError', `agent "${current.title}": based on revision ${options.baseRevision}, current is ${current.revision}`);
    }
    const next = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as MirroredAgent;
    if (next.title === current.title && next.source === current.source && next.active === current.active) return { ...current };
    next.revision = current.revision + 1;
    this.agents.set(id, next);
    this.revisions.get(id)?.push({ revision: next.revision, source: next.source, active: next.active, author: options.author, message: options.message ?? 'changed' });
    return { ...next };
  }

  async delete(id: string): Promise<void> {
    this.agents.delete(id);
    this.revisions.delete(id);
  }

  byTitle(title: string): MirroredAgent | undefined {
    const found = [...this.agents.values()].find((a) => a.title === title);
    return found && { ...found };
  }

  /** Saves as the hub would (a UI edit): a new revision by `user`. */
  async edit(title: string, changes: { source?: string; active?: boolean; title?: string }, author = 'user:alice'): Promise<MirroredAgent> {
    const agent = this.byTitle(title);
    if (!agent) throw new Error(`no agent "${title}"`);
    return this.update(agent.id, changes, { baseRevision: agent.revision, author });
  }

  private check(): void {
    if (this.unavailable) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }
}
