import { SCHEMA_VERSION, type AgentRuntimeStats, type JobsReply } from '@wirehook/contracts';
import type { AgentRuntime } from './runtime';
import type { AgentStats } from './types';

// What the hub API asks of a node's runtime (jobs, counters): the hub answers for its own runtime
// directly, workers over the bus; both build the replies here.

export function toRuntimeStats(stats: AgentStats): AgentRuntimeStats {
  const limitHits: Record<string, number> = {};
  for (const [limit, count] of Object.entries(stats.limitHits)) if (count !== undefined) limitHits[limit] = count;
  return {
    id: stats.id,
    title: stats.title,
    revision: stats.revision,
    state: stats.state,
    calls: stats.calls,
    events: stats.events,
    errors: stats.errors,
    cpuMs: stats.cpuMs,
    wallMs: stats.wallMs,
    limitHits,
    consoleDropped: stats.consoleDropped,
    droppedBatches: stats.droppedBatches,
  };
}

export type JobsOperation =
  | { op: 'list' }
  | { op: 'run'; agentId: string; tag: string }
  | { op: 'remove'; agentId: string; tag: string }
  | { op: 'scheduler'; action: 'start' | 'stop' };

/** Does one jobs operation on a runtime and describes the node's jobs afterwards. */
export async function applyJobsOperation(runtime: AgentRuntime, node: string, operation: JobsOperation): Promise<JobsReply> {
  const state = (): JobsReply => ({ v: SCHEMA_VERSION, node, schedulerRunning: runtime.jobs.scheduler.isRunning(), jobs: runtime.jobs.list() });
  const notFound = (agentId: string, tag: string): JobsReply => ({
    ...state(),
    error: { kind: 'not-found', message: `no job "${tag}" of agent ${agentId} on node ${node}` },
  });
  switch (operation.op) {
    case 'list':
      return state();
    case 'run': {
      if (!jobExists(runtime, operation.agentId, operation.tag)) return notFound(operation.agentId, operation.tag);
      const run = await runtime.jobs.run(operation.agentId, operation.tag);
      return run ? { ...state(), run } : notFound(operation.agentId, operation.tag);
    }
    case 'remove': {
      if (!jobExists(runtime, operation.agentId, operation.tag)) return notFound(operation.agentId, operation.tag);
      await runtime.jobs.remove(operation.agentId, operation.tag);
      return state();
    }
    case 'scheduler':
      if (operation.action === 'start') runtime.jobs.scheduler.start();
      else runtime.jobs.scheduler.stop();
      return state();
  }
}

function jobExists(runtime: AgentRuntime, agentId: string, tag: string): boolean {
  return runtime.jobs.list().some((j) => j.agentId === agentId && j.tag === tag);
}
