import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AgentEntity, FlowEntity } from '../entities';
import { DuplicateTitleError, NotFoundError, RevisionConflictError } from '../errors';
import type { Agent } from './agent-types';
import { changeAgent, insertAgent, toAgent } from './agent-writes';
import { assertId, checkName, checkNewId, checkRevision, onUniqueViolation } from './store-helpers';

export interface Flow {
  id: string;
  name: string;
  /** The flow-editor graph as saved (libs/flow owns its shape and validates it). */
  graph: object;
  /** The agent generated from this flow, null until a script is saved (or after that agent was deleted). */
  agentId: string | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The ES5 script the flow compiler generated, saved as the flow's agent (origin 'flow'). */
export interface FlowScript {
  source: string;
  /** Agent title; default the flow name (when the agent is first created). */
  title?: string;
  /** Default true when the agent is created; unchanged afterwards unless given. */
  active?: boolean;
}

export interface NewFlow {
  /**
   * A UUID chosen by the caller, when the generated agent's source must name the flow before it
   * is stored (flow and agent are then created together at revision 1). Default: a new UUID.
   */
  id?: string;
  name: string;
  graph: object;
  script?: FlowScript;
  author: string;
  message?: string;
}

export interface FlowChanges {
  name?: string;
  graph?: object;
  script?: FlowScript;
}

export interface SavedFlow {
  flow: Flow;
  /** The generated agent after the save; undefined when the flow has none. */
  agent: Agent | undefined;
}

/**
 * Flows and the agents generated from them. A save writes the graph and the generated agent in one
 * transaction under the flow's row lock, with the same optimistic locking as agents.
 */
export class FlowStore {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<Flow[]> {
    const rows = await this.dataSource.getRepository(FlowEntity).find({ order: { name: 'ASC' } });
    return rows.map(toFlow);
  }

  async get(id: string): Promise<Flow> {
    assertId('flow', id);
    const row = await this.dataSource.getRepository(FlowEntity).findOneBy({ id });
    if (!row) throw new NotFoundError('flow', id);
    return toFlow(row);
  }

  async create(input: NewFlow): Promise<SavedFlow> {
    const name = checkName('flow name', input.name);
    checkName('author', input.author);
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const row: FlowEntity = {
        id: input.id === undefined ? randomUUID() : checkNewId('flow id', input.id),
        name,
        graph: input.graph,
        agentId: null,
        revision: 1,
        createdAt: now,
        updatedAt: now,
      };
      await onUniqueViolation(
        () => manager.insert(FlowEntity, row),
        'UQ_flows_name',
        () => new DuplicateTitleError('flow', name),
      );
      const agent = input.script ? await saveScript(manager, row, input.script, input.author, input.message) : undefined;
      if (agent) await manager.update(FlowEntity, { id: row.id }, { agentId: agent.id });
      return { flow: toFlow(row), agent: agent && toAgent(agent) };
    });
  }

  /** Saves a new flow revision (and the generated agent, if `script` is given). */
  async save(
    id: string,
    changes: FlowChanges,
    options: { baseRevision: number; author: string; message?: string },
  ): Promise<SavedFlow> {
    checkRevision('baseRevision', options.baseRevision);
    checkName('author', options.author);
    const name = changes.name === undefined ? undefined : checkName('flow name', changes.name);
    return this.dataSource.transaction(async (manager) => {
      const current = await lockFlow(manager, id, options.baseRevision);
      const next: FlowEntity = {
        ...current,
        name: name ?? current.name,
        graph: changes.graph ?? current.graph,
        revision: current.revision + 1,
        updatedAt: new Date(),
      };
      let agent: AgentEntity | undefined;
      if (changes.script) {
        agent = await saveScript(manager, next, changes.script, options.author, options.message);
      } else if (current.agentId) {
        agent = (await manager.findOneBy(AgentEntity, { id: current.agentId })) ?? undefined;
      }
      await onUniqueViolation(
        () =>
          manager.update(
            FlowEntity,
            { id },
            { name: next.name, graph: next.graph, agentId: next.agentId, revision: next.revision, updatedAt: next.updatedAt },
          ),
        'UQ_flows_name',
        () => new DuplicateTitleError('flow', next.name),
      );
      return { flow: toFlow(next), agent: agent && toAgent(agent) };
    });
  }

  /** Deletes the flow and, unless `keepAgent`, the agent generated from it. */
  async delete(id: string, options: { baseRevision?: number; keepAgent?: boolean } = {}): Promise<void> {
    if (options.baseRevision !== undefined) checkRevision('baseRevision', options.baseRevision);
    await this.dataSource.transaction(async (manager) => {
      const current = await lockFlow(manager, id, options.baseRevision);
      await manager.delete(FlowEntity, { id });
      if (current.agentId && !options.keepAgent) await manager.delete(AgentEntity, { id: current.agentId });
    });
  }
}

async function lockFlow(manager: EntityManager, id: string, baseRevision: number | undefined): Promise<FlowEntity> {
  assertId('flow', id);
  const row = await manager
    .createQueryBuilder(FlowEntity, 'flow')
    .setLock('pessimistic_write')
    .where('flow.id = :id', { id })
    .getOne();
  if (!row) throw new NotFoundError('flow', id);
  if (baseRevision !== undefined && baseRevision !== row.revision) {
    throw new RevisionConflictError('flow', id, baseRevision, row.revision, row.name);
  }
  return row;
}

/** Creates or updates the flow's agent; sets `flow.agentId` (in memory) when it creates one. */
async function saveScript(
  manager: EntityManager,
  flow: FlowEntity,
  script: FlowScript,
  author: string,
  message: string | undefined,
): Promise<AgentEntity> {
  const existing = flow.agentId ? await manager.findOneBy(AgentEntity, { id: flow.agentId }) : null;
  if (existing) {
    const changes = { source: script.source, title: script.title, active: script.active };
    const { row } = await changeAgent(manager, existing.id, changes, {
      author,
      message: message ?? `generated from flow "${flow.name}" revision ${flow.revision}`,
    });
    return row;
  }
  const created = await insertAgent(manager, {
    title: script.title ?? flow.name,
    source: script.source,
    author,
    active: script.active ?? true,
    origin: 'flow',
    message: message ?? `generated from flow "${flow.name}" revision ${flow.revision}`,
  });
  flow.agentId = created.id;
  return created;
}

function toFlow(row: FlowEntity): Flow {
  return {
    id: row.id,
    name: row.name,
    graph: row.graph,
    agentId: row.agentId,
    revision: row.revision,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
