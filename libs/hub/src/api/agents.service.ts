import { BadRequestException, HttpException, HttpStatus, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { AgentRuntimeStats } from '@wirehook/contracts';
import { agentTitle, checkEs5 } from '@wirehook/runtime';
import type { Agent, AgentRevision } from '@wirehook/storage';
import { AgentCatalog } from '../agents/agent-catalog.service';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import type { AgentRevisionSourceView, AgentRevisionView, AgentSummaryView, AgentView, ValidationResultView } from './dto/agent.dto';
import { NodeStatsService } from './node-stats.service';

export interface NewAgentInput {
  title?: string;
  source: string;
  active?: boolean;
  message?: string;
  origin?: 'code' | 'flow';
}

export interface AgentChangeInput {
  title?: string;
  source?: string;
  active?: boolean;
  message?: string;
}

/**
 * Agent writes through the API: sources are checked as ES5 before they are stored (422 with line and
 * column otherwise), every write names the revision it was based on (409 when stale, from the store),
 * and after every change the catalog announces the active set so every node reloads.
 */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly catalog: AgentCatalog,
    private readonly nodeStats: NodeStatsService,
  ) {}

  private get store(): HubOptions['database']['agents'] {
    return this.options.database.agents;
  }

  async list(): Promise<AgentSummaryView[]> {
    const [agents, running, stats] = await Promise.all([this.store.list(), this.runningIds(), this.nodeStats.byAgent()]);
    return agents.map((a) => summaryView(a, running.has(a.id), stats.get(a.id) ?? {}));
  }

  async get(id: string): Promise<AgentView> {
    const agent = await this.store.get(id);
    return this.view(agent);
  }

  validate(source: string, fileName = 'agent.js'): ValidationResultView {
    const diagnostics = checkEs5(source, fileName);
    return { valid: diagnostics.length === 0, title: agentTitle(source, fileName), diagnostics };
  }

  async create(input: NewAgentInput, author: string): Promise<AgentView> {
    const title = input.title ?? agentTitle(input.source, '');
    if (title.trim().length === 0) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'title is required when the source does not start with a title comment (// My agent)',
        field: 'title',
      });
    }
    this.assertEs5(input.source, title);
    const agent = await this.store.create({ title, source: input.source, author, active: input.active, origin: input.origin, message: input.message });
    await this.catalog.announce();
    return this.view(agent);
  }

  async update(id: string, changes: AgentChangeInput, baseRevision: number, author: string): Promise<AgentView> {
    if (changes.source !== undefined) this.assertEs5(changes.source, changes.title ?? (await this.store.get(id)).title);
    const agent = await this.store.update(
      id,
      { title: changes.title, source: changes.source, active: changes.active },
      { baseRevision, author, message: changes.message },
    );
    if (agent.revision !== baseRevision) await this.catalog.announce();
    return this.view(agent);
  }

  async remove(id: string, baseRevision: number): Promise<void> {
    await this.store.delete(id, { baseRevision });
    await this.catalog.announce();
  }

  async rollback(id: string, toRevision: number, baseRevision: number, author: string, message?: string): Promise<AgentView> {
    const agent = await this.store.rollback(id, toRevision, { baseRevision, author, message });
    if (agent.revision !== baseRevision) await this.catalog.announce();
    return this.view(agent);
  }

  async revisions(id: string): Promise<AgentRevisionView[]> {
    return (await this.store.listRevisions(id)).map(({ source: _source, ...revision }) => revisionView(revision));
  }

  async revision(id: string, revision: number): Promise<AgentRevisionSourceView> {
    const found = await this.store.getRevision(id, revision);
    return { ...revisionView(found), source: found.source };
  }

  diff(id: string, from: number, to: number): Promise<string> {
    return this.store.diff(id, from, to);
  }

  private assertEs5(source: string, title: string): void {
    const fileName = `${title}.js`;
    const diagnostics = checkEs5(source, fileName);
    if (diagnostics.length === 0) return;
    const first = diagnostics[0];
    throw new UnprocessableEntityException({
      statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
      error: 'Unprocessable Entity',
      message: `the source is not valid ES5: ${first.message}`,
      diagnostics,
    });
  }

  private async view(agent: Agent): Promise<AgentView> {
    const [running, stats] = await Promise.all([this.runningIds(), this.nodeStats.byAgent()]);
    return { ...summaryView(agent, running.has(agent.id), stats.get(agent.id) ?? {}), source: agent.source };
  }

  private async runningIds(): Promise<Set<string>> {
    return new Set((await this.catalog.activeAgents()).map((a) => a.id));
  }
}

/**
 * The revision a write is based on, from the body and/or an `If-Match` header (`"3"`, `W/"3"` or `3`).
 * 428 when neither is given: every write to an existing agent must say which revision it saw.
 */
export function resolveBaseRevision(fromBody: number | undefined, ifMatch: string | undefined): number {
  let fromHeader: number | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '') {
    const match = ifMatch.trim().match(/^(?:W\/)?"?(\d+)"?$/);
    if (!match) throw new BadRequestException(`If-Match must be an agent revision such as "3", got ${JSON.stringify(ifMatch)}`);
    fromHeader = Number(match[1]);
  }
  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    throw new BadRequestException(`baseRevision ${fromBody} and If-Match ${fromHeader} disagree`);
  }
  const base = fromBody ?? fromHeader;
  if (base === undefined) {
    throw new HttpException(
      {
        statusCode: HttpStatus.PRECONDITION_REQUIRED,
        error: 'Precondition Required',
        message: 'baseRevision is required: send the revision you based the change on as baseRevision or in an If-Match header',
        field: 'baseRevision',
      },
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  return base;
}

function summaryView(agent: Agent, running: boolean, stats: Record<string, AgentRuntimeStats>): AgentSummaryView {
  return {
    id: agent.id,
    title: agent.title,
    active: agent.active,
    running,
    origin: agent.origin,
    revision: agent.revision,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
    stats,
  };
}

function revisionView(revision: Omit<AgentRevision, 'source'>): AgentRevisionView {
  return {
    agentId: revision.agentId,
    revision: revision.revision,
    title: revision.title,
    active: revision.active,
    author: revision.author,
    message: revision.message,
    createdAt: revision.createdAt.toISOString(),
  };
}
