import { randomUUID } from 'node:crypto';
import { BadRequestException, HttpStatus, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  compileFlow,
  flowFromJson,
  FlowFormatError,
  flowToJson,
  FlowValidationError,
  missingPlugins,
  type BuiltCatalog,
  type FlowGraph,
  type FlowIssue,
} from '@wirehook/flow';
import { checkEs5, validateKfl } from '@wirehook/runtime';
import type { Agent, Flow, SavedFlow } from '@wirehook/storage';
import { AgentCatalog } from '../agents/agent-catalog.service';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { FlowCatalogService } from './flow-catalog.service';
import type { FlowAgentView, FlowSummaryView, FlowView, ImportPreviewView } from './flow.dto';

export interface CompiledForSave {
  source: string;
  title: string;
}

/**
 * Flows: a save compiles the graph with the installed plugins' catalog (a flow with errors is a 422
 * naming each node), stores graph and generated agent in one transaction with optimistic locking
 * (409 when stale), and announces the active agents so every node runs the new version.
 */
@Injectable()
export class FlowsService {
  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly agentCatalog: AgentCatalog,
    private readonly flowCatalog: FlowCatalogService,
  ) {}

  private get store(): HubOptions['database']['flows'] {
    return this.options.database.flows;
  }

  async list(): Promise<FlowSummaryView[]> {
    const [flows, agents, running] = await Promise.all([this.store.list(), this.options.database.agents.list(), this.runningIds()]);
    const byId = new Map(agents.map((a) => [a.id, a]));
    return flows.map((flow) => summaryView(flow, flow.agentId ? byId.get(flow.agentId) : undefined, running));
  }

  async get(id: string): Promise<FlowView> {
    const flow = await this.store.get(id);
    return this.view(flow, flow.agentId ? await this.options.database.agents.get(flow.agentId).catch(() => undefined) : undefined);
  }

  async create(input: { name?: string; graph: object; active?: boolean; message?: string }, author: string): Promise<FlowView> {
    const catalog = await this.flowCatalog.catalog();
    const graph = readGraph(input.graph);
    // The generated agent names its flow, so the id is chosen first; flow and agent are stored together at revision 1.
    const id = randomUUID();
    const compiled = this.compile(graph, catalog, id, 1);
    const created = await this.store.create({
      id,
      name: input.name ?? graph.title,
      graph,
      script: { source: compiled.source, title: compiled.title, active: input.active ?? true },
      author,
      message: input.message,
    });
    await this.agentCatalog.announce();
    return this.savedView(created);
  }

  async save(id: string, input: { name?: string; graph: object; active?: boolean; message?: string }, baseRevision: number, author: string): Promise<FlowView> {
    const catalog = await this.flowCatalog.catalog();
    const graph = readGraph(input.graph);
    const compiled = this.compile(graph, catalog, id, baseRevision + 1);
    const saved = await this.store.save(
      id,
      // The flow is named after its title unless a name is given (the editor has one field for both).
      { name: input.name ?? graph.title, graph, script: { source: compiled.source, title: compiled.title, active: input.active } },
      { baseRevision, author, message: input.message },
    );
    await this.agentCatalog.announce();
    return this.savedView(saved);
  }

  async remove(id: string, baseRevision: number | undefined, keepAgent: boolean): Promise<void> {
    await this.store.delete(id, { baseRevision, keepAgent });
    await this.agentCatalog.announce();
  }

  /** Switches the generated agent on or off (a new agent revision; the flow's revision stays). */
  async setActive(id: string, active: boolean, author: string): Promise<FlowView> {
    const flow = await this.store.get(id);
    if (!flow.agentId) throw new BadRequestException(`flow "${flow.name}" has no generated agent: save it first`);
    const agents = this.options.database.agents;
    const agent = await agents.get(flow.agentId);
    const changed = await agents.update(agent.id, { active }, { baseRevision: agent.revision, author, message: active ? 'activated' : 'deactivated' });
    if (changed.revision !== agent.revision) await this.agentCatalog.announce();
    return this.view(flow, changed);
  }

  /** The export document: graph with stable key order and the plugin versions it needs. */
  async exportJson(id: string): Promise<{ name: string; text: string }> {
    const flow = await this.store.get(id);
    const catalog = await this.flowCatalog.catalog();
    return { name: flow.name, text: flowToJson(readGraph(flow.graph), { catalog }) };
  }

  /** What an import would bring and what it lacks (plugins not installed or out of range). */
  async previewImport(document: unknown): Promise<ImportPreviewView> {
    const catalog = await this.flowCatalog.catalog();
    const imported = readDocument(document, catalog);
    const installed = await this.flowCatalog.installedPlugins();
    return {
      graph: imported.graph,
      requires: imported.requires,
      missing: missingPlugins(imported.requires, installed),
      migrated: imported.migrated,
      issues: imported.issues,
    };
  }

  async importFlow(document: unknown, input: { name?: string; active?: boolean }, author: string): Promise<FlowView> {
    const preview = await this.previewImport(document);
    if (preview.missing.length > 0) {
      throw new UnprocessableEntityException({
        statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
        error: 'Unprocessable Entity',
        message: `the flow needs plugins that are not installed: ${preview.missing
          .map((m) => (m.installed ? `${m.name}@${m.range} (installed ${m.installed})` : `${m.name}@${m.range}`))
          .join(', ')}`,
        missing: preview.missing,
      });
    }
    return this.create({ name: input.name, graph: preview.graph, active: input.active ?? false, message: 'imported' }, author);
  }

  /** Compiles a graph for a dry run (no id yet: "dry-run"); a flow with errors is a 422. */
  async compileForDryRun(graph: unknown, flowId = 'dry-run', revision = 0): Promise<CompiledForSave> {
    return this.compile(readGraph(graph), await this.flowCatalog.catalog(), flowId, revision);
  }

  private compile(graph: FlowGraph, catalog: BuiltCatalog, flowId: string, revision: number): CompiledForSave {
    try {
      const compiled = compileFlow(graph, catalog, { flowId, revision, validateFilter: validateKfl, checkEs5 });
      // The compiler's output is checked like any agent: a flow never stores what the runtime refuses.
      const diagnostics = checkEs5(compiled.source, `${compiled.title}.js`);
      if (diagnostics.length > 0) throw new Error(`generated code is not ES5: ${diagnostics[0].message}`);
      return { source: compiled.source, title: compiled.title };
    } catch (error) {
      if (error instanceof FlowValidationError) throw invalidFlow(error.issues);
      throw error;
    }
  }

  private async savedView(saved: SavedFlow): Promise<FlowView> {
    return this.view(saved.flow, saved.agent);
  }

  private async view(flow: Flow, agent: Agent | undefined): Promise<FlowView> {
    return { ...summaryView(flow, agent, await this.runningIds()), graph: flow.graph, source: agent?.source };
  }

  private async runningIds(): Promise<Set<string>> {
    return new Set((await this.agentCatalog.activeAgents()).map((a) => a.id));
  }
}

function summaryView(flow: Flow, agent: Agent | undefined, running: Set<string>): FlowSummaryView {
  const agentView: FlowAgentView | undefined = agent && {
    id: agent.id,
    title: agent.title,
    active: agent.active,
    running: running.has(agent.id),
    revision: agent.revision,
  };
  return {
    id: flow.id,
    name: flow.name,
    revision: flow.revision,
    agentId: flow.agentId,
    agent: agentView,
    createdAt: flow.createdAt.toISOString(),
    updatedAt: flow.updatedAt.toISOString(),
  };
}

function invalidFlow(issues: FlowIssue[]): UnprocessableEntityException {
  const errors = issues.filter((i) => i.severity === 'error');
  return new UnprocessableEntityException({
    statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    error: 'Unprocessable Entity',
    message: `the flow has ${errors.length} error(s): ${errors.map((i) => i.message).join('; ')}`,
    issues,
  });
}

/** A graph as sent by a client: its structure is checked by the flow library's reader. */
function readGraph(value: unknown): FlowGraph {
  try {
    return flowFromJson(value).graph;
  } catch (error) {
    if (error instanceof FlowFormatError) throw invalidFlow(error.issues);
    throw error;
  }
}

function readDocument(document: unknown, catalog: BuiltCatalog): ReturnType<typeof flowFromJson> {
  try {
    return flowFromJson(document, { catalog });
  } catch (error) {
    if (error instanceof FlowFormatError) throw invalidFlow(error.issues);
    throw error;
  }
}
