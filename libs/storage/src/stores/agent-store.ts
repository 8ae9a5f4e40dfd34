import type { AgentDefinition } from '@wirehook/contracts';
import { createTwoFilesPatch } from 'diff';
import type { DataSource } from 'typeorm';
import { AgentEntity, AgentRevisionEntity } from '../entities';
import { DuplicateTitleError, NotFoundError } from '../errors';
import type {
  Agent,
  AgentChanges,
  AgentRevision,
  AgentUpsertResult,
  AgentWriteOptions,
  NewAgent,
} from './agent-types';
import { changeAgent, insertAgent, lockAgent, lockAgentAt, toAgent } from './agent-writes';
import { assertId, checkRevision } from './store-helpers';

/**
 * Agents and their revisions. Every write is a transaction that locks the agent's row and checks the
 * caller's `baseRevision`, so of two saves made on the same revision exactly one wins and the other
 * gets a RevisionConflictError. Sources are stored as given: the caller has checked them as ES5.
 */
export class AgentStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Agents by title. */
  async list(options: { activeOnly?: boolean } = {}): Promise<Agent[]> {
    const rows = await this.dataSource.getRepository(AgentEntity).find({
      where: options.activeOnly ? { active: true } : {},
      order: { title: 'ASC' },
    });
    return rows.map(toAgent);
  }

  /** What workers run: every active agent (the payload of `ScriptsChangedMessage`). */
  async activeDefinitions(): Promise<AgentDefinition[]> {
    const agents = await this.list({ activeOnly: true });
    return agents.map(({ id, title, source, revision }) => ({ id, title, source, revision }));
  }

  async get(id: string): Promise<Agent> {
    assertId('agent', id);
    const row = await this.dataSource.getRepository(AgentEntity).findOneBy({ id });
    if (!row) throw new NotFoundError('agent', id);
    return toAgent(row);
  }

  async findByTitle(title: string): Promise<Agent | undefined> {
    const row = await this.dataSource.getRepository(AgentEntity).findOneBy({ title });
    return row ? toAgent(row) : undefined;
  }

  async getByTitle(title: string): Promise<Agent> {
    const agent = await this.findByTitle(title);
    if (!agent) throw new NotFoundError('agent', `"${title}"`);
    return agent;
  }

  /** Creates the agent at revision 1. DuplicateTitleError if the title is taken. */
  async create(input: NewAgent): Promise<Agent> {
    const row = await this.dataSource.transaction((manager) => insertAgent(manager, input));
    return toAgent(row);
  }

  /**
   * Saves changes as a new revision. RevisionConflictError when `baseRevision` is not the current
   * revision; DuplicateTitleError when renaming onto a taken title. Returns the agent unchanged
   * (same revision) when the values are already those.
   */
  async update(id: string, changes: AgentChanges, options: AgentWriteOptions): Promise<Agent> {
    checkRevision('baseRevision', options.baseRevision);
    const { row } = await this.dataSource.transaction((manager) => changeAgent(manager, id, changes, options));
    return toAgent(row);
  }

  activate(id: string, options: AgentWriteOptions): Promise<Agent> {
    return this.update(id, { active: true }, options);
  }

  deactivate(id: string, options: AgentWriteOptions): Promise<Agent> {
    return this.update(id, { active: false }, options);
  }

  /** Deletes the agent and its revisions; with `baseRevision`, only if nobody saved in between. */
  async delete(id: string, options: { baseRevision?: number } = {}): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (options.baseRevision !== undefined) checkRevision('baseRevision', options.baseRevision);
      await lockAgentAt(manager, id, options.baseRevision);
      await manager.delete(AgentEntity, { id });
    });
  }

  /** Every revision, newest first. */
  async listRevisions(id: string): Promise<AgentRevision[]> {
    await this.get(id);
    const rows = await this.dataSource
      .getRepository(AgentRevisionEntity)
      .find({ where: { agentId: id }, order: { revision: 'DESC' } });
    return rows.map(toRevision);
  }

  async getRevision(id: string, revision: number): Promise<AgentRevision> {
    assertId('agent', id);
    checkRevision('revision', revision);
    const row = await this.dataSource.getRepository(AgentRevisionEntity).findOneBy({ agentId: id, revision });
    if (!row) throw new NotFoundError('agent revision', `${id}@${revision}`, { agentId: id, revision });
    return toRevision(row);
  }

  /** Unified diff of the source from one revision to another (either order), file names from the titles. */
  async diff(id: string, fromRevision: number, toRevision: number): Promise<string> {
    const [from, to] = await Promise.all([this.getRevision(id, fromRevision), this.getRevision(id, toRevision)]);
    return createTwoFilesPatch(
      `${from.title}.js`,
      `${to.title}.js`,
      from.source,
      to.source,
      `revision ${from.revision}`,
      `revision ${to.revision}`,
    );
  }

  /** Makes the source of `toRevision` current again, as a new revision (history is never rewritten). */
  async rollback(
    id: string,
    toRevision: number,
    options: { baseRevision: number; author: string; message?: string },
  ): Promise<Agent> {
    const target = await this.getRevision(id, toRevision);
    return this.update(
      id,
      { source: target.source },
      { ...options, message: options.message ?? `rollback to revision ${toRevision}` },
    );
  }

  /**
   * Folder sync: creates the agent (active, origin 'code'), or saves a new revision when the source
   * differs, or does nothing when it is the same. Safe against a concurrent create of the same title.
   */
  async upsertByTitle(
    title: string,
    source: string,
    author: string,
    options: { message?: string } = {},
  ): Promise<AgentUpsertResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager): Promise<AgentUpsertResult> => {
          const existing = await manager.getRepository(AgentEntity).findOneBy({ title });
          if (!existing) {
            const created = await insertAgent(manager, { title, source, author, message: options.message });
            return { agent: toAgent(created), change: 'created' };
          }
          const locked = await lockAgent(manager, existing.id);
          if (locked.title !== title) throw new DuplicateTitleError('agent', title); // renamed meanwhile: retry
          const { row, changed } = await changeAgent(manager, locked.id, { source }, { author, message: options.message });
          return { agent: toAgent(row), change: changed ? 'updated' : 'unchanged' };
        });
      } catch (error) {
        // Another writer created, renamed or deleted an agent with this title between our read and write.
        if ((error instanceof DuplicateTitleError || error instanceof NotFoundError) && attempt < 3) continue;
        throw error;
      }
    }
  }
}

function toRevision(row: AgentRevisionEntity): AgentRevision {
  return {
    agentId: row.agentId,
    revision: row.revision,
    title: row.title,
    source: row.source,
    active: row.active,
    author: row.author,
    message: row.message,
    createdAt: row.createdAt,
  };
}
