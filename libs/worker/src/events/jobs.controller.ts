import { Controller, Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from '@wirehook/bus';
import {
  SCHEMA_VERSION,
  Subjects,
  type AgentRuntimeStats,
  type AgentStatsReply,
  type JobRequest,
  type JobsReply,
  type JobsSchedulerRequest,
} from '@wirehook/contracts';
import type { AgentStats } from '@wirehook/runtime';
import { WorkerRuntimeService } from '../runtime/worker-runtime.service';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';

/**
 * The worker side of job control and runtime counters, asked by the hub API over the bus:
 * `wirehook.jobs.<node>.list|run|remove|scheduler` and `wirehook.agents.<node>.stats` (request/reply).
 * The subjects carry this worker's node name, which is only known at run time, so the handlers are
 * subscribed here rather than declared with @MessagePattern.
 */
@Controller()
export class JobsController implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subscriptions: Subscription[] = [];
  private readonly node: string;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    private readonly agents: WorkerRuntimeService,
  ) {
    this.node = workerNodeName(options.config);
  }

  onApplicationBootstrap(): void {
    const { bus } = this.options;
    const node = this.node;
    this.subscriptions.push(
      bus.reply<unknown, JobsReply>(Subjects.jobsList(node), () => this.state()),
      bus.reply<JobRequest, JobsReply>(Subjects.jobsRun(node), (request) => this.run(request)),
      bus.reply<JobRequest, JobsReply>(Subjects.jobsRemove(node), (request) => this.remove(request)),
      bus.reply<JobsSchedulerRequest, JobsReply>(Subjects.jobsScheduler(node), (request) => this.scheduler(request)),
      bus.reply<unknown, AgentStatsReply>(Subjects.agentStats(node), () => ({
        v: SCHEMA_VERSION,
        node,
        agents: this.agents.runtime.stats().map(toRuntimeStats),
      })),
    );
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }

  private state(): JobsReply {
    const { jobs } = this.agents.runtime;
    return { v: SCHEMA_VERSION, node: this.node, schedulerRunning: jobs.scheduler.isRunning(), jobs: jobs.list() };
  }

  private async run(request: JobRequest): Promise<JobsReply> {
    const missing = this.checkJob(request);
    if (missing) return missing;
    const run = await this.agents.runtime.jobs.run(request.agentId, request.tag);
    return run ? { ...this.state(), run } : this.notFound(request);
  }

  private async remove(request: JobRequest): Promise<JobsReply> {
    const missing = this.checkJob(request);
    if (missing) return missing;
    await this.agents.runtime.jobs.remove(request.agentId, request.tag);
    return this.state();
  }

  private scheduler(request: JobsSchedulerRequest): JobsReply {
    const { scheduler } = this.agents.runtime.jobs;
    if (request?.action === 'start') scheduler.start();
    else if (request?.action === 'stop') scheduler.stop();
    else throw new Error(`scheduler action must be "start" or "stop", got ${JSON.stringify(request?.action)}`);
    return this.state();
  }

  /** Checks the request (it comes over the bus, from any client): undefined when the job exists, else the not-found reply. */
  private checkJob(request: JobRequest): JobsReply | undefined {
    if (typeof request?.agentId !== 'string' || typeof request?.tag !== 'string') {
      throw new Error('a job request needs agentId and tag (strings)');
    }
    const exists = this.agents.runtime.jobs.list().some((j) => j.agentId === request.agentId && j.tag === request.tag);
    return exists ? undefined : this.notFound(request);
  }

  private notFound(job: { agentId: string; tag: string }): JobsReply {
    return { ...this.state(), error: { kind: 'not-found', message: `no job "${job.tag}" of agent ${job.agentId} on node ${this.node}` } };
  }
}

function toRuntimeStats(stats: AgentStats): AgentRuntimeStats {
  const limitHits: Record<string, number> = {};
  for (const [limit, count] of Object.entries(stats.limitHits)) if (count !== undefined) limitHits[limit] = count;
  const { id, title, revision, state, calls, events, errors, cpuMs, wallMs, consoleDropped, droppedBatches } = stats;
  return { id, title, revision, state, calls, events, errors, cpuMs, wallMs, limitHits, consoleDropped, droppedBatches };
}
