import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AgentEntity, AgentRevisionEntity } from '../entities';
import { DuplicateTitleError, NotFoundError, RevisionConflictError } from '../errors';
import type { Agent, AgentChanges, NewAgent } from './agent-types';
import { assertId, checkName, onUniqueViolation } from './store-helpers';

// Agent writes that run inside a caller's transaction, shared by AgentStore and FlowStore
// (a flow save updates its generated agent in the same transaction).

export function toAgent(row: AgentEntity): Agent {
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    active: row.active,
    origin: row.origin,
    revision: row.revision,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Reads the agent and locks its row until the transaction ends, so concurrent writers queue up. */
export async function lockAgent(manager: EntityManager, id: string): Promise<AgentEntity> {
  assertId('agent', id);
  const row = await manager
    .createQueryBuilder(AgentEntity, 'agent')
    .setLock('pessimistic_write')
    .where('agent.id = :id', { id })
    .getOne();
  if (!row) throw new NotFoundError('agent', id);
  return row;
}

/** Locks the agent and checks the caller's base revision (undefined = no check). */
export async function lockAgentAt(manager: EntityManager, id: string, baseRevision: number | undefined): Promise<AgentEntity> {
  const current = await lockAgent(manager, id);
  if (baseRevision !== undefined && baseRevision !== current.revision) {
    throw new RevisionConflictError('agent', id, baseRevision, current.revision, current.title);
  }
  return current;
}

export async function insertAgent(manager: EntityManager, input: NewAgent): Promise<AgentEntity> {
  const title = checkName('agent title', input.title);
  const author = checkName('author', input.author);
  const now = new Date();
  const row: AgentEntity = {
    id: randomUUID(),
    title,
    source: input.source,
    active: input.active ?? true,
    origin: input.origin ?? 'code',
    revision: 1,
    createdAt: now,
    updatedAt: now,
  };
  await onUniqueViolation(
    () => manager.insert(AgentEntity, row),
    'UQ_agents_title',
    () => new DuplicateTitleError('agent', title),
  );
  await insertRevision(manager, row, author, input.message ?? 'created');
  return row;
}

/**
 * Applies `changes` to a locked agent as a new revision. `baseRevision` undefined means "whatever is
 * current" (the caller owns the agent, e.g. a flow). Nothing changes — and no revision is written —
 * when the values are already those.
 */
export async function changeAgent(
  manager: EntityManager,
  id: string,
  changes: AgentChanges,
  options: { baseRevision?: number; author: string; message?: string },
): Promise<{ row: AgentEntity; changed: boolean }> {
  const author = checkName('author', options.author);
  const current = await lockAgentAt(manager, id, options.baseRevision);
  const next: AgentEntity = {
    ...current,
    title: changes.title === undefined ? current.title : checkName('agent title', changes.title),
    source: changes.source ?? current.source,
    active: changes.active ?? current.active,
  };
  const described = describeChange(current, next);
  if (described.length === 0) return { row: current, changed: false };

  next.revision = current.revision + 1;
  next.updatedAt = new Date();
  const result = await onUniqueViolation(
    () =>
      manager.update(
        AgentEntity,
        { id, revision: current.revision },
        { title: next.title, source: next.source, active: next.active, revision: next.revision, updatedAt: next.updatedAt },
      ),
    'UQ_agents_title',
    () => new DuplicateTitleError('agent', next.title),
  );
  // The row is locked, so this only fails if the lock did not hold: never report success then.
  if (result.affected !== 1) throw new RevisionConflictError('agent', id, current.revision, -1, current.title);
  await insertRevision(manager, next, author, options.message ?? described.join('; '));
  return { row: next, changed: true };
}

async function insertRevision(manager: EntityManager, agent: AgentEntity, author: string, message: string): Promise<void> {
  const revision: AgentRevisionEntity = {
    agentId: agent.id,
    revision: agent.revision,
    title: agent.title,
    source: agent.source,
    active: agent.active,
    author,
    message,
    createdAt: agent.updatedAt,
  };
  await manager.insert(AgentRevisionEntity, revision);
}

function describeChange(before: AgentEntity, after: AgentEntity): string[] {
  const parts: string[] = [];
  if (before.title !== after.title) parts.push(`renamed from "${before.title}"`);
  if (before.source !== after.source) parts.push('source changed');
  if (before.active !== after.active) parts.push(after.active ? 'activated' : 'deactivated');
  return parts;
}
