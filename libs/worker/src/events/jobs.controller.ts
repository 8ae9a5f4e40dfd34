import { Controller, Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from '@wirehook/bus';
import { SCHEMA_VERSION, Subjects, type AgentStatsReply, type JobRequest, type JobsReply, type JobsSchedulerRequest } from '@wirehook/contracts';
import { applyJobsOperation, toRuntimeStats } from '@wirehook/runtime';
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
    const apply = (operation: Parameters<typeof applyJobsOperation>[2]): Promise<JobsReply> => applyJobsOperation(this.agents.runtime, node, operation);
    this.subscriptions.push(
      bus.reply<unknown, JobsReply>(Subjects.jobsList(node), () => apply({ op: 'list' })),
      bus.reply<JobRequest, JobsReply>(Subjects.jobsRun(node), (request) => apply({ op: 'run', ...checkJob(request) })),
      bus.reply<JobRequest, JobsReply>(Subjects.jobsRemove(node), (request) => apply({ op: 'remove', ...checkJob(request) })),
      bus.reply<JobsSchedulerRequest, JobsReply>(Subjects.jobsScheduler(node), (request) => {
        if (request?.action !== 'start' && request?.action !== 'stop') {
          throw new Error(`scheduler action must be "start" or "stop", got ${JSON.stringify(request?.action)}`);
        }
        return apply({ op: 'scheduler', action: request.action });
      }),
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
}

/** Requests come over the bus from any client: the ids must be strings. */
function checkJob(request: JobRequest): { agentId: string; tag: string } {
  if (typeof request?.agentId !== 'string' || typeof request?.tag !== 'string') {
    throw new Error('a job request needs agentId and tag (strings)');
  }
  return { agentId: request.agentId, tag: request.tag };
}
