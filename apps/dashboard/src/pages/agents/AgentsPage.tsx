import { useState } from 'react';
import { ApiError, get, post } from '../../api/client';
import type { Agent, AgentSummary, Example } from '../../api/types';
import { useLoad } from '../../app/hooks';
import { useRouter } from '../../app/router';
import { useSession } from '../../app/session';
import { Notice } from '../../components/Notice';
import { agentStateLabel, agentTotals } from '../../logic/agent-stats';
import { AgentEditor, NEW_AGENT_ID } from './AgentEditor';

/** Agents: the list with state and counters, an editor for the one chosen, and examples to start from. */
export function AgentsPage({ agentId }: { agentId?: string }) {
  const { navigate } = useRouter();
  const { canEdit } = useSession();
  const agents = useLoad((signal) => get<AgentSummary[]>('/api/agents', { signal }), [], 3000);
  const examples = useLoad((signal) => get<Example[]>('/api/examples', { signal }), []);
  const [example, setExample] = useState('');
  const [error, setError] = useState<string>();

  const fromExample = async (name: string) => {
    setError(undefined);
    const chosen = examples.data?.find((e) => e.name === name);
    if (!chosen) return;
    try {
      let agent: Agent;
      try {
        agent = await post<Agent>(`/api/examples/${encodeURIComponent(name)}/agents`, {});
      } catch (e) {
        // The example's title is taken (created before): make another title.
        if (!(e instanceof ApiError) || e.status !== 409) throw e;
        agent = await post<Agent>(`/api/examples/${encodeURIComponent(name)}/agents`, { title: `${chosen.title} (${new Date().toLocaleTimeString()})` });
      }
      agents.reload();
      setExample('');
      navigate({ page: 'agents', agentId: agent.id });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="split">
      <section className="list-pane">
        <header className="pane-header">
          <h2>Agents</h2>
          {canEdit && (
            <button className="primary" onClick={() => navigate({ page: 'agents', agentId: NEW_AGENT_ID })} data-testid="new-agent">
              New
            </button>
          )}
        </header>
        {canEdit && (
          <div className="toolbar">
            <select value={example} onChange={(e) => setExample(e.target.value)} data-testid="example-select" aria-label="Example">
              <option value="">Create from an example…</option>
              {(examples.data ?? []).map((e) => (
                <option key={e.name} value={e.name}>
                  {e.title}
                </option>
              ))}
            </select>
            <button onClick={() => fromExample(example)} disabled={!example} data-testid="example-create">
              Create
            </button>
          </div>
        )}
        {error && (
          <Notice tone="error" onClose={() => setError(undefined)}>
            {error}
          </Notice>
        )}
        {agents.error && <Notice tone="error">{agents.error.message}</Notice>}
        <ul className="agent-list" data-testid="agent-list">
          {(agents.data ?? []).map((agent) => {
            const totals = agentTotals(agent);
            const state = agentStateLabel(agent);
            return (
              <li key={agent.id}>
                <button
                  className={agent.id === agentId ? 'agent-row selected' : 'agent-row'}
                  onClick={() => navigate({ page: 'agents', agentId: agent.id })}
                  data-testid="agent-row"
                  data-title={agent.title}
                >
                  <div className="agent-row-title">
                    <span className={`dot dot-${state.tone}`} title={state.label} />
                    {agent.title}
                    {agent.origin === 'flow' && <span className="badge">flow</span>}
                  </div>
                  <div className="agent-row-stats">
                    <span title="hook calls, all nodes">{totals.calls} calls</span>
                    <span className={totals.errors ? 'error-text' : ''} title="hook errors, all nodes">
                      {totals.errors} errors
                    </span>
                    <span className={totals.limitHits ? 'warn-text' : ''} title="CPU, memory and console limits hit">
                      {totals.limitHits} limit hits
                    </span>
                    <span className="muted">{state.label}</span>
                  </div>
                </button>
              </li>
            );
          })}
          {agents.data?.length === 0 && <li className="muted empty">No agents yet: write one or start from an example.</li>}
        </ul>
      </section>
      <section className="detail-pane">
        {agentId ? (
          <AgentEditor key={agentId} agentId={agentId} onChanged={agents.reload} />
        ) : (
          <div className="placeholder muted">Choose an agent, write a new one, or create one from an example.</div>
        )}
      </section>
    </div>
  );
}
