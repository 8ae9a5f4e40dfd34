import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { LOG_LEVELS, type LogEntry } from '@wirehook/contracts';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';
import { WorkerRegistry, type WorkerView } from '../workers/worker-registry.service';
import { AgentCatalog } from '../agents/agent-catalog.service';
import { HubRuntimeService } from '../runtime/hub-runtime.service';

/** Read-only views of the running system; the agents/plugins APIs with writes come with their issues. */
@Controller()
export class StatusController {
  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly logs: LogService,
    private readonly workers: WorkerRegistry,
    private readonly catalog: AgentCatalog,
    private readonly hubRuntime: HubRuntimeService,
  ) {}

  @Get('api/health')
  health(): { status: 'ok'; bus: string; time: string } {
    return { status: 'ok', bus: this.options.bus.description, time: new Date().toISOString() };
  }

  @Get('api/workers')
  listWorkers(): WorkerView[] {
    return this.workers.list();
  }

  @Get('api/agents')
  async listAgents(): Promise<Array<{ id: string; title: string; revision: number; active: boolean }>> {
    const agents = await this.options.database.agents.list({});
    const active = new Set((await this.catalog.activeAgents()).map((a) => a.id));
    return agents.map((a) => ({ id: a.id, title: a.title, revision: a.revision, active: active.has(a.id) }));
  }

  @Get('api/agents/stats')
  agentStats(): ReturnType<HubRuntimeService['runtime']['stats']> {
    return this.hubRuntime.runtime.stats();
  }

  @Get('api/logs')
  listLogs(
    @Query('node') node?: string,
    @Query('agent') agent?: string,
    @Query('level') level?: string,
    @Query('limit') limit?: string,
  ): LogEntry[] {
    const parsedLevel = LOG_LEVELS.find((l) => l === level);
    const parsedLimit = limit === undefined ? 500 : Math.max(1, Math.min(10_000, Number.parseInt(limit, 10) || 500));
    return this.logs.store.query({ node, agent, level: parsedLevel, limit: parsedLimit });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.options.metrics.metrics();
  }
}
