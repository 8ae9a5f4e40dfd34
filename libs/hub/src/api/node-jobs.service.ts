import { GatewayTimeoutException, Inject, Injectable, NotFoundException, BadGatewayException } from '@nestjs/common';
import { BusRequestError } from '@wirehook/bus';
import { SCHEMA_VERSION, Subjects, type JobRequest, type JobsReply, type JobsSchedulerRequest } from '@wirehook/contracts';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { HubRuntimeService } from '../runtime/hub-runtime.service';
import { WorkerRegistry } from '../workers/worker-registry.service';
import { applyJobsOperation, type JobsOperation } from '@wirehook/runtime';

/** Wait for list/remove/scheduler answers; a run also waits for the job itself (up to its CPU budget). */
const REQUEST_TIMEOUT_MS = 3_000;

/** A node's jobs after an operation, as the API returns it. */
export type NodeJobs = Omit<JobsReply, 'v' | 'error'>;

/**
 * Job control per node: the hub's own runtime directly, a worker over the bus
 * (`wirehook.jobs.<node>.<op>`, request/reply). Errors become HTTP answers: unknown node or job → 404,
 * a node that does not answer in time → 504.
 */
@Injectable()
export class NodeJobsService {
  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly hubRuntime: HubRuntimeService,
    private readonly workers: WorkerRegistry,
  ) {}

  /** The hub and every worker not marked stale, each with its jobs or why it did not answer. */
  async listAll(): Promise<Array<NodeJobs | { node: string; error: string }>> {
    const nodes = [HUB_NODE_NAME, ...this.workers.list().filter((w) => !w.stale && w.node !== HUB_NODE_NAME).map((w) => w.node)];
    return Promise.all(
      nodes.map((node) => this.apply(node, { op: 'list' }).catch((error: Error) => ({ node, error: error.message }))),
    );
  }

  list(node: string): Promise<NodeJobs> {
    return this.apply(node, { op: 'list' });
  }

  run(node: string, agentId: string, tag: string): Promise<NodeJobs> {
    return this.apply(node, { op: 'run', agentId, tag });
  }

  remove(node: string, agentId: string, tag: string): Promise<NodeJobs> {
    return this.apply(node, { op: 'remove', agentId, tag });
  }

  scheduler(node: string, action: 'start' | 'stop'): Promise<NodeJobs> {
    return this.apply(node, { op: 'scheduler', action });
  }

  private async apply(node: string, operation: JobsOperation): Promise<NodeJobs> {
    const reply = node === HUB_NODE_NAME ? await applyJobsOperation(this.hubRuntime.runtime, node, operation) : await this.ask(node, operation);
    if (reply.error) throw new NotFoundException(reply.error.message);
    const { node: answeredBy, schedulerRunning, jobs, run } = reply;
    return run ? { node: answeredBy, schedulerRunning, jobs, run } : { node: answeredBy, schedulerRunning, jobs };
  }

  private async ask(node: string, operation: JobsOperation): Promise<JobsReply> {
    const v = SCHEMA_VERSION;
    const timeout = operation.op === 'run' ? REQUEST_TIMEOUT_MS + this.options.config.scripting.limits.jobCpuMs : REQUEST_TIMEOUT_MS;
    const bus = this.options.bus;
    try {
      let reply: JobsReply;
      switch (operation.op) {
        case 'list':
          reply = await bus.request<{ v: typeof v }, JobsReply>(Subjects.jobsList(node), { v }, timeout);
          break;
        case 'run':
        case 'remove': {
          const subject = operation.op === 'run' ? Subjects.jobsRun(node) : Subjects.jobsRemove(node);
          reply = await bus.request<JobRequest, JobsReply>(subject, { v, agentId: operation.agentId, tag: operation.tag }, timeout);
          break;
        }
        case 'scheduler':
          reply = await bus.request<JobsSchedulerRequest, JobsReply>(Subjects.jobsScheduler(node), { v, action: operation.action }, timeout);
          break;
      }
      if (!reply || !Array.isArray(reply.jobs)) throw new BadGatewayException(`node "${node}" sent an answer that is not a jobs reply`);
      return reply;
    } catch (error) {
      if (!(error instanceof BusRequestError)) throw error;
      if (/no responders|503/i.test(error.message)) {
        throw new NotFoundException(`no node "${node}" answers on the bus (GET /api/workers lists the workers the hub has heard from)`);
      }
      if (/timeout|no reply within/i.test(error.message)) throw new GatewayTimeoutException(`node "${node}" did not answer within ${timeout} ms`);
      throw new BadGatewayException(`node "${node}": ${error.message}`);
    }
  }
}
