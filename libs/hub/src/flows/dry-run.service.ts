import { BadRequestException, HttpException, HttpStatus, Inject, Injectable, NotFoundException, type OnModuleDestroy } from '@nestjs/common';
import { fullHelperName } from '@wirehook/flow';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { capturePath, capturesDir, listCaptures, type CaptureFile } from './captures';
import { dryRun, type DryRunResult } from './dry-run';
import { FlowCatalogService } from './flow-catalog.service';
import type { DryRunBody } from './flow.dto';
import { FlowsService } from './flows.service';

/** Dry runs at once; each has its own isolate and replays a capture. */
const MAX_CONCURRENT = 2;
/** A dry run is stopped after this long (capture replay, hooks and jobs together). */
const TIME_LIMIT_MS = 60_000;
const MAX_CALLS = 10_000;

export interface DryRunAnswer extends DryRunResult {
  capture: string;
  title: string;
  /** The source that ran, when it was compiled here from a flow. */
  source?: string;
}

/** Runs a flow, an agent or unsaved code against one of the captures in `hub.capturesDir`. */
@Injectable()
export class DryRunService implements OnModuleDestroy {
  private running = 0;
  private readonly aborters = new Set<AbortController>();

  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly flows: FlowsService,
    private readonly flowCatalog: FlowCatalogService,
  ) {}

  captures(): CaptureFile[] {
    return listCaptures(capturesDir(this.options.config));
  }

  async run(body: DryRunBody): Promise<DryRunAnswer> {
    const given = [body.source, body.graph, body.agentId, body.flowId].filter((v) => v !== undefined).length;
    if (given !== 1) throw new BadRequestException('give exactly one of source, graph, agentId or flowId');
    const folder = capturesDir(this.options.config);
    const path = capturePath(folder, body.capture);
    if (!path) throw new NotFoundException(`no capture "${body.capture}" in ${folder} (GET /api/dry-run/captures lists them)`);
    if (this.running >= MAX_CONCURRENT) {
      throw new HttpException(
        { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: `${this.running} dry runs are running; try again when one has finished` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.running++;
    const aborter = new AbortController();
    this.aborters.add(aborter);
    const timer = setTimeout(() => aborter.abort(), TIME_LIMIT_MS);
    try {
      const target = await this.target(body);
      const plugins = await this.flowCatalog.installedPlugins();
      const result = await dryRun({
        source: target.source,
        title: target.title,
        capturePath: path,
        maxEvents: body.maxEvents ?? 1000,
        runJobs: body.runJobs ?? true,
        limits: this.options.config.scripting.limits,
        envNames: Object.keys(this.options.config.scripting.env),
        pluginHelpers: plugins.flatMap((p) => p.manifest.helpers.map((h) => fullHelperName(h.name).slice('vendor.'.length))),
        nodeName: body.node === 'hub' ? 'hub' : 'dry-run',
        maxCalls: MAX_CALLS,
        signal: aborter.signal,
      });
      return { capture: body.capture, title: target.title, source: target.compiled ? target.source : undefined, ...result };
    } finally {
      clearTimeout(timer);
      this.aborters.delete(aborter);
      this.running--;
    }
  }

  onModuleDestroy(): void {
    for (const aborter of this.aborters) aborter.abort();
  }

  private async target(body: DryRunBody): Promise<{ source: string; title: string; compiled: boolean }> {
    if (body.source !== undefined) return { source: body.source, title: 'Dry run', compiled: false };
    if (body.agentId !== undefined) {
      const agent = await this.options.database.agents.get(body.agentId);
      return { source: agent.source, title: agent.title, compiled: false };
    }
    if (body.flowId !== undefined) {
      const flow = await this.options.database.flows.get(body.flowId);
      const compiled = await this.flows.compileForDryRun(flow.graph, flow.id, flow.revision);
      return { ...compiled, compiled: true };
    }
    const compiled = await this.flows.compileForDryRun(body.graph);
    return { ...compiled, compiled: true };
  }
}
