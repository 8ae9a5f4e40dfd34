import type { AgentRuntimeStats, AgentSummary } from '../api/types';

/** An agent's counters over every node that reported them. */
export interface AgentTotals {
  calls: number;
  events: number;
  errors: number;
  limitHits: number;
  /** Nodes where it is loading / loaded / failed / stopped. */
  states: Record<AgentRuntimeStats['state'], string[]>;
}

export function agentTotals(agent: Pick<AgentSummary, 'stats'>): AgentTotals {
  const totals: AgentTotals = { calls: 0, events: 0, errors: 0, limitHits: 0, states: { loading: [], loaded: [], failed: [], stopped: [] } };
  for (const [node, stats] of Object.entries(agent.stats ?? {})) {
    totals.calls += stats.calls;
    totals.events += stats.events;
    totals.errors += stats.errors;
    totals.limitHits += Object.values(stats.limitHits ?? {}).reduce((a, b) => a + b, 0);
    totals.states[stats.state]?.push(node);
  }
  return totals;
}

/** One word for the list: off, running, failed on some node, stopped by a limit. */
export function agentStateLabel(agent: Pick<AgentSummary, 'active' | 'running' | 'stats'>): { label: string; tone: 'off' | 'ok' | 'warn' | 'error' } {
  if (!agent.active) return { label: 'inactive', tone: 'off' };
  const totals = agentTotals(agent);
  if (totals.states.failed.length > 0) return { label: `failed on ${totals.states.failed.join(', ')}`, tone: 'error' };
  if (totals.states.stopped.length > 0) return { label: `stopped on ${totals.states.stopped.join(', ')}`, tone: 'error' };
  if (!agent.running) return { label: 'not running (scripting.active)', tone: 'warn' };
  if (totals.states.loading.length > 0) return { label: `loading on ${totals.states.loading.join(', ')}`, tone: 'warn' };
  return { label: 'active', tone: 'ok' };
}

/** An agent source to start from. */
export const NEW_AGENT_SOURCE = `// New agent
// Runs on every worker for each request/response pair.
function onItemCaptured(data) {
  if (data.response && data.response.status >= 500) {
    console.log(data.request.method, data.request.path, data.response.status);
  }
}
`;
