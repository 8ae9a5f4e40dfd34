import { useEffect, useState } from 'react';
import { ApiError, del, get, post, put, withQuery } from '../../api/client';
import type { Agent, AgentRevision, Es5Diagnostic, RevisionDiff, ValidationResult } from '../../api/types';
import { useDebounced, useLoad } from '../../app/hooks';
import { useRouter } from '../../app/router';
import { useSession } from '../../app/session';
import { CodeEditor } from '../../components/CodeEditor';
import { DiffView } from '../../components/DiffView';
import { DryRunPanel } from '../../components/DryRunPanel';
import { Notice, type NoticeTone } from '../../components/Notice';
import { Tabs } from '../../components/Tabs';
import { agentTotals, NEW_AGENT_SOURCE } from '../../logic/agent-stats';
import { ago } from '../../logic/format';

export const NEW_AGENT_ID = 'new';

/** Validation waits for typing to pause this long. */
const VALIDATE_AFTER_MS = 350;

type Message = { tone: NoticeTone; text: string; conflict?: { currentRevision: number } };
type Panel = 'revisions' | 'dry-run' | 'nodes';

/** One agent: its source with ES5 diagnostics as you type, save, activation, revisions with diff and rollback, dry run. */
export function AgentEditor({ agentId, onChanged }: { agentId: string; onChanged(): void }) {
  const isNew = agentId === NEW_AGENT_ID;
  const { navigate } = useRouter();
  const { canEdit } = useSession();
  const [agent, setAgent] = useState<Agent>();
  const [draft, setDraft] = useState(isNew ? NEW_AGENT_SOURCE : '');
  const [diagnostics, setDiagnostics] = useState<Es5Diagnostic[]>([]);
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState<Message>();
  const [busy, setBusy] = useState(false);
  const [panel, setPanel] = useState<Panel>('revisions');
  const [revisionsTick, setRevisionsTick] = useState(0);

  const load = async () => {
    const loaded = await get<Agent>(`/api/agents/${encodeURIComponent(agentId)}`);
    setAgent(loaded);
    setDraft(loaded.source);
    return loaded;
  };

  useEffect(() => {
    if (isNew) return;
    load().catch((e: Error) => setMessage({ tone: 'error', text: e.message }));
    // Loads once per agent: the component is keyed by agentId.
  }, [agentId]);

  // Counters refresh while the agent is open; the draft is left alone.
  useLoad(
    async (signal) => {
      if (isNew) return undefined;
      const fresh = await get<Agent>(`/api/agents/${encodeURIComponent(agentId)}`, { signal });
      setAgent((current) => (current && current.revision === fresh.revision ? { ...current, stats: fresh.stats, running: fresh.running } : current));
      return fresh;
    },
    [agentId],
    3000,
  );

  const source = useDebounced(draft, VALIDATE_AFTER_MS);
  useEffect(() => {
    const controller = new AbortController();
    post<ValidationResult>('/api/agents/validate', { source }, { signal: controller.signal })
      .then((result) => {
        setDiagnostics(result.diagnostics);
        setTitle(result.title);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [source]);

  const dirty = isNew || (agent !== undefined && draft !== agent.source);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.field<number>('currentRevision') !== undefined) {
        setMessage({ tone: 'warn', text: e.message, conflict: { currentRevision: e.field<number>('currentRevision') as number } });
      } else if (e instanceof ApiError && e.status === 422) {
        setDiagnostics(e.field<Es5Diagnostic[]>('diagnostics') ?? []);
        setMessage({ tone: 'error', text: e.message });
      } else {
        setMessage({ tone: 'error', text: (e as Error).message });
      }
    } finally {
      setBusy(false);
    }
  };

  const save = (baseRevision = agent?.revision) =>
    act(async () => {
      if (isNew) {
        const created = await post<Agent>('/api/agents', { source: draft, active: false });
        onChanged();
        navigate({ page: 'agents', agentId: created.id }, { replace: true });
        return;
      }
      const saved = await put<Agent>(`/api/agents/${agentId}`, { source: draft, baseRevision });
      setAgent(saved);
      setDraft(saved.source);
      setRevisionsTick((t) => t + 1);
      setMessage({ tone: 'ok', text: `Saved as revision ${saved.revision}.` });
      onChanged();
    });

  const setActive = (active: boolean) =>
    act(async () => {
      if (!agent) return;
      const saved = await post<Agent>(`/api/agents/${agentId}/${active ? 'activate' : 'deactivate'}`, { baseRevision: agent.revision });
      setAgent((current) => (current ? { ...saved, source: current.source } : saved));
      setRevisionsTick((t) => t + 1);
      onChanged();
    });

  const remove = () =>
    act(async () => {
      if (!agent || !window.confirm(`Delete agent "${agent.title}" and all its revisions?`)) return;
      await del(withQuery(`/api/agents/${agentId}`, { baseRevision: agent.revision }));
      onChanged();
      navigate({ page: 'agents' }, { replace: true });
    });

  const reloadTheirs = () =>
    act(async () => {
      await load();
      setRevisionsTick((t) => t + 1);
    });

  const totals = agent ? agentTotals(agent) : undefined;
  return (
    <div className="editor-pane">
      <header className="pane-header">
        <h2 data-testid="agent-title">{isNew ? title || 'New agent' : agent?.title ?? '…'}</h2>
        {agent && (
          <span className="muted">
            revision {agent.revision} · {agent.origin === 'flow' ? 'generated from a flow' : 'code'} · {agent.active ? (agent.running ? 'active' : 'active, not running') : 'inactive'}
          </span>
        )}
        <div className="spacer" />
        {canEdit && agent && (
          <button onClick={() => setActive(!agent.active)} disabled={busy} data-testid={agent.active ? 'deactivate' : 'activate'}>
            {agent.active ? 'Deactivate' : 'Activate'}
          </button>
        )}
        {canEdit && (
          <button className="primary" onClick={() => save()} disabled={busy || !dirty || diagnostics.length > 0} data-testid="save-agent">
            {isNew ? 'Create' : 'Save'}
          </button>
        )}
        {canEdit && agent && (
          <button className="danger" onClick={remove} disabled={busy}>
            Delete
          </button>
        )}
      </header>
      {message && (
        <Notice tone={message.tone} onClose={() => setMessage(undefined)} testId="agent-message">
          {message.text}
          {message.conflict && (
            <div className="notice-actions">
              <button onClick={reloadTheirs}>Load revision {message.conflict.currentRevision} (drop my changes)</button>
              <button onClick={() => save(message.conflict?.currentRevision)}>Save mine over it</button>
            </div>
          )}
        </Notice>
      )}
      {agent?.origin === 'flow' && <Notice tone="info">This agent is generated from a flow: a save of the flow replaces it. Edit the flow instead.</Notice>}
      <div className="code-wrap">
        <CodeEditor value={draft} onChange={setDraft} diagnostics={diagnostics} readOnly={!canEdit} testId="agent-source" />
      </div>
      <ul className="diagnostics" data-testid="diagnostics">
        {diagnostics.map((d, i) => (
          <li key={i} className="error-text" data-line={d.line} data-column={d.column}>
            Line {d.line}, column {d.column}: {d.message.replace(/^[^:\n]*:\d+:\d+:\s*/, '')}
          </li>
        ))}
      </ul>
      {agent && (
        <>
          <Tabs<Panel>
            tabs={[
              { key: 'revisions', label: 'Revisions' },
              { key: 'dry-run', label: 'Dry run' },
              { key: 'nodes', label: `Nodes (${Object.keys(agent.stats).length})` },
            ]}
            value={panel}
            onChange={setPanel}
          />
          {panel === 'revisions' && <Revisions agent={agent} tick={revisionsTick} canEdit={canEdit} onRolledBack={(a) => (setAgent(a), setDraft(a.source), onChanged())} />}
          {panel === 'dry-run' && <DryRunPanel target={() => (dirty ? { source: draft } : { agentId })} />}
          {panel === 'nodes' && totals && (
            <table className="table">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>State</th>
                  <th>Calls</th>
                  <th>Events</th>
                  <th>Errors</th>
                  <th>CPU ms</th>
                  <th>Limit hits</th>
                  <th>Console dropped</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(agent.stats).map(([node, s]) => (
                  <tr key={node}>
                    <td>{node}</td>
                    <td>{s.state}</td>
                    <td>{s.calls}</td>
                    <td>{s.events}</td>
                    <td>{s.errors}</td>
                    <td>{s.cpuMs.toFixed(1)}</td>
                    <td>{Object.entries(s.limitHits).map(([k, v]) => `${k}: ${v}`).join(', ') || 0}</td>
                    <td>{s.consoleDropped}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

/** Revisions newest first; pick two to see the diff; roll back to any. */
function Revisions({ agent, tick, canEdit, onRolledBack }: { agent: Agent; tick: number; canEdit: boolean; onRolledBack(agent: Agent): void }) {
  const revisions = useLoad((signal) => get<AgentRevision[]>(`/api/agents/${agent.id}/revisions`, { signal }), [agent.id, tick, agent.revision]);
  const [compare, setCompare] = useState<number>();
  const [diff, setDiff] = useState<RevisionDiff>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    setDiff(undefined);
    if (compare === undefined || compare === agent.revision) return;
    get<RevisionDiff>(withQuery(`/api/agents/${agent.id}/revisions/diff`, { from: compare, to: agent.revision }))
      .then(setDiff)
      .catch((e: Error) => setError(e.message));
  }, [compare, agent.id, agent.revision]);

  const rollback = async (revision: number) => {
    setError(undefined);
    try {
      const rolled = await post<Agent>(`/api/agents/${agent.id}/revisions/${revision}/rollback`, { baseRevision: agent.revision });
      setCompare(undefined);
      onRolledBack(rolled);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="revisions" data-testid="revisions">
      {error && <Notice tone="error">{error}</Notice>}
      <table className="table">
        <thead>
          <tr>
            <th>Rev.</th>
            <th>When</th>
            <th>Author</th>
            <th>Message</th>
            <th>Active</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(revisions.data ?? []).map((r) => (
            <tr key={r.revision} className={r.revision === compare ? 'selected' : ''}>
              <td>{r.revision}</td>
              <td title={r.createdAt}>{ago(r.createdAt)}</td>
              <td>{r.author}</td>
              <td>{r.message}</td>
              <td>{r.active ? 'yes' : 'no'}</td>
              <td className="row-actions">
                {r.revision !== agent.revision && (
                  <>
                    <button onClick={() => setCompare(r.revision === compare ? undefined : r.revision)} data-testid={`diff-${r.revision}`}>
                      {r.revision === compare ? 'Hide diff' : `Diff with ${agent.revision}`}
                    </button>
                    {canEdit && (
                      <button onClick={() => rollback(r.revision)} data-testid={`rollback-${r.revision}`}>
                        Roll back
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff && (
        <div>
          <div className="muted">
            Revision {diff.from} → {diff.to}
          </div>
          <DiffView patch={diff.patch} />
        </div>
      )}
    </div>
  );
}
