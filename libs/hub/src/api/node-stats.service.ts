import { Inject, Injectable } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type AgentRuntimeStats, type AgentStatsReply, type AgentStatsRequest } from '@wirehook/contracts';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { HubRuntimeService } from '../runtime/hub-runtime.service';
import { WorkerRegistry } from '../workers/worker-registry.service';
import { toRuntimeStats } from '@wirehook/runtime';

/** How long the agents list waits for a worker's counters; a slower worker is left out of that answer. */
const WORKER_STATS_TIMEOUT_MS = 1_000;

/** Per-agent runtime counters from the hub's runtime and every live worker. */
@Injectable()
export class NodeStatsService {
  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly hubRuntime: HubRuntimeService,
    private readonly workers: WorkerRegistry,
  ) {}

  /** agent id → node → counters. */
  async byAgent(): Promise<Map<string, Record<string, AgentRuntimeStats>>> {
    const replies = await Promise.all([this.hubStats(), ...this.liveWorkers().map((node) => this.workerStats(node))]);
    const result = new Map<string, Record<string, AgentRuntimeStats>>();
    for (const reply of replies) {
      if (!reply) continue;
      for (const stats of reply.agents) {
        const perNode = result.get(stats.id) ?? {};
        perNode[reply.node] = stats;
        result.set(stats.id, perNode);
      }
    }
    return result;
  }

  private async hubStats(): Promise<AgentStatsReply> {
    return { v: SCHEMA_VERSION, node: HUB_NODE_NAME, agents: this.hubRuntime.runtime.stats().map(toRuntimeStats) };
  }

  private liveWorkers(): string[] {
    return this.workers
      .list()
      .filter((w) => !w.stale && w.node !== HUB_NODE_NAME)
      .map((w) => w.node);
  }

  private async workerStats(node: string): Promise<AgentStatsReply | undefined> {
    const request: AgentStatsRequest = { v: SCHEMA_VERSION };
    try {
      const reply = await this.options.bus.request<AgentStatsRequest, AgentStatsReply>(Subjects.agentStats(node), request, WORKER_STATS_TIMEOUT_MS);
      return Array.isArray(reply?.agents) ? { ...reply, node } : undefined;
    } catch {
      // A worker that is going away or busy: its counters are missing from this answer only.
      return undefined;
    }
  }
}
