import type { FlowGraph } from '@wirehook/flow';
import { useState } from 'react';
import { get } from '../../api/client';
import type { FlowSummary } from '../../api/types';
import { useLoad } from '../../app/hooks';
import { useRouter } from '../../app/router';
import { useSession } from '../../app/session';
import { Notice } from '../../components/Notice';
import { ago } from '../../logic/format';
import { FlowEditor, NEW_FLOW_ID } from './FlowEditor';

/** Flows: the list, and the editor for the one chosen (or a new or imported one). */
export function FlowsPage({ flowId }: { flowId?: string }) {
  const { navigate } = useRouter();
  const { canEdit } = useSession();
  const flows = useLoad((signal) => get<FlowSummary[]>('/api/flows', { signal }), [], 5000);
  const [imported, setImported] = useState<{ graph: FlowGraph; key: number }>();

  if (flowId) {
    return (
      <FlowEditor
        key={flowId === NEW_FLOW_ID ? `new-${imported?.key ?? 0}` : flowId}
        flowId={flowId}
        initialGraph={flowId === NEW_FLOW_ID ? imported?.graph : undefined}
        onChanged={flows.reload}
        onImported={(graph) => {
          setImported({ graph, key: Date.now() });
          navigate({ page: 'flows', flowId: NEW_FLOW_ID });
        }}
      />
    );
  }
  return (
    <div className="flows-page">
      <header className="pane-header">
        <h2>Flows</h2>
        <div className="spacer" />
        {canEdit && (
          <button
            className="primary"
            onClick={() => {
              setImported(undefined);
              navigate({ page: 'flows', flowId: NEW_FLOW_ID });
            }}
            data-testid="new-flow"
          >
            New flow
          </button>
        )}
      </header>
      {flows.error && <Notice tone="error">{flows.error.message}</Notice>}
      <table className="table" data-testid="flow-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Revision</th>
            <th>Agent</th>
            <th>Saved</th>
          </tr>
        </thead>
        <tbody>
          {(flows.data ?? []).map((f) => (
            <tr key={f.id} className="clickable" onClick={() => navigate({ page: 'flows', flowId: f.id })} data-testid="flow-row">
              <td>{f.name}</td>
              <td>{f.revision}</td>
              <td>{f.agent ? `${f.agent.title} — ${f.agent.active ? (f.agent.running ? 'running' : 'active') : 'inactive'}` : 'none'}</td>
              <td>{ago(f.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {flows.data?.length === 0 && <div className="muted empty">No flows yet. A flow is an agent drawn as a graph: start one with “New flow”.</div>}
    </div>
  );
}
