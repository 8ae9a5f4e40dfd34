import { compileFlow, flowToJson, type BuiltCatalog, type FlowGraph } from '@wirehook/flow';
import { validateKfl } from '@wirehook/runtime';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { ApiError, del, get, post, put, withQuery } from '../../api/client';
import type { ImportPreview, StoredFlow } from '../../api/types';
import { useRouter } from '../../app/router';
import { routePath } from '../../logic/routes';
import { useSession } from '../../app/session';
import { CodeEditor } from '../../components/CodeEditor';
import { DryRunPanel } from '../../components/DryRunPanel';
import { Notice, type NoticeTone } from '../../components/Notice';
import { Tabs } from '../../components/Tabs';
import { CatalogContext, FlowStoreContext, useFlow, useFlowStoreApi } from '../../flow/context';
import { createFlowStore, type FlowEditorStore } from '../../flow/store';
import { FlowCanvas } from './FlowCanvas';
import { ImportDialog } from './ImportDialog';
import { Inspector } from './Inspector';
import { Palette } from './Palette';
import { usePluginCatalog } from './use-plugin-catalog';

export const NEW_FLOW_ID = 'new';

export const EMPTY_FLOW: FlowGraph = { title: 'New flow', nodes: [], edges: [] };

type SideTab = 'node' | 'code' | 'issues' | 'dry-run';
type Message = { tone: NoticeTone; text: string; conflict?: { currentRevision: number }; details?: string[] };

/** Loads the flow (or starts a new one) and the catalog of the installed plugins, then shows the editor. */
export function FlowEditor({ flowId, initialGraph, onChanged, onImported }: { flowId: string; initialGraph?: FlowGraph; onChanged(): void; onImported(graph: FlowGraph): void }) {
  const catalog = usePluginCatalog();
  const [flow, setFlow] = useState<StoredFlow>();
  const [error, setError] = useState<string>();
  const isNew = flowId === NEW_FLOW_ID;

  useEffect(() => {
    if (isNew) return;
    get<StoredFlow>(`/api/flows/${encodeURIComponent(flowId)}`)
      .then(setFlow)
      .catch((e: Error) => setError(e.message));
  }, [flowId, isNew]);

  if (error) return <Notice tone="error">{error}</Notice>;
  if (!catalog || (!isNew && !flow)) return <div className="muted pad">Loading…</div>;
  const graph = isNew ? (initialGraph ?? EMPTY_FLOW) : (flow?.graph as FlowGraph);
  return (
    <CatalogContext.Provider value={catalog}>
      <ReactFlowProvider>
        <LoadedEditor catalog={catalog} initial={graph} stored={flow} onChanged={onChanged} onImported={onImported} />
      </ReactFlowProvider>
    </CatalogContext.Provider>
  );
}

function LoadedEditor({ catalog, initial, stored, onChanged, onImported }: { catalog: BuiltCatalog; initial: FlowGraph; stored?: StoredFlow; onChanged(): void; onImported(graph: FlowGraph): void }) {
  const [store] = useState<FlowEditorStore>(() => createFlowStore(catalog, initial));
  return (
    <FlowStoreContext.Provider value={store}>
      <EditorView catalog={catalog} initialStored={stored} onChanged={onChanged} onImported={onImported} />
    </FlowStoreContext.Provider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT' || element.isContentEditable || element.closest('.cm-editor') !== null;
}

function EditorView({ catalog, initialStored, onChanged, onImported }: { catalog: BuiltCatalog; initialStored?: StoredFlow; onChanged(): void; onImported(graph: FlowGraph): void }) {
  const store = useFlowStoreApi();
  const { navigate } = useRouter();
  const { canEdit } = useSession();
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [stored, setStored] = useState(initialStored);
  const [message, setMessage] = useState<Message>();
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<SideTab>('node');
  const [preview, setPreview] = useState<ImportPreview>();
  const canvasHost = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const title = useFlow((s) => s.title);
  const nodes = useFlow((s) => s.nodes);
  const edges = useFlow((s) => s.edges);
  const issues = useFlow((s) => s.issues);
  const dirty = useFlow((s) => s.dirty);
  const canUndo = useFlow((s) => s.history.past.length > 0);
  const canRedo = useFlow((s) => s.history.future.length > 0);
  const errors = issues.filter((i) => i.severity === 'error');

  // Keyboard: undo/redo, copy/paste, delete — unless typing in a field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || !canEdit) return;
      const s = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 'z' && !event.shiftKey) s.undo();
      else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) s.redo();
      else if (mod && key === 'c') s.copy();
      else if (mod && key === 'v') s.paste();
      else if (key === 'delete' || key === 'backspace') s.deleteSelected();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, canEdit]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const onLeave = (event: BeforeUnloadEvent) => {
      if (store.getState().dirty) event.preventDefault();
    };
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [store]);

  // The generated code, compiled while the Code tab is open (moves do not change it: positions are not in the key).
  const graphKey = tab === 'code' ? JSON.stringify([title, nodes.map((n) => [n.id, n.data]), edges.map((e) => e.id)]) : '';
  const code = useMemo((): { source: string } | { error: string } => {
    if (graphKey === '') return { source: '' };
    try {
      const compiled = compileFlow(store.getState().graph(), catalog, {
        flowId: stored?.id ?? 'new',
        revision: (stored?.revision ?? 0) + 1,
        partial: true,
        validateFilter: validateKfl,
      });
      return { source: compiled.source };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [graphKey, catalog, stored?.id, stored?.revision, store]);

  const addAtCenter = (type: string) => {
    const rect = canvasHost.current?.getBoundingClientRect();
    const count = store.getState().nodes.length;
    const center = rect ? screenToFlowPosition({ x: rect.left + rect.width / 2 - 100 + (count % 5) * 24, y: rect.top + rect.height / 2 - 50 + (count % 5) * 24 }) : { x: 0, y: 0 };
    store.getState().addNode(type, center);
    setTab('node');
  };

  const save = async (baseRevision = stored?.revision) => {
    setBusy(true);
    setMessage(undefined);
    const graph = store.getState().graph();
    try {
      let saved: StoredFlow;
      if (!stored) {
        saved = await post<StoredFlow>('/api/flows', { graph, active: true });
      } else {
        saved = await put<StoredFlow>(`/api/flows/${stored.id}`, { graph, baseRevision });
      }
      setStored(saved);
      store.getState().markSaved();
      setMessage({ tone: 'ok', text: `Saved revision ${saved.revision}; agent "${saved.agent?.title}" ${saved.agent?.active ? 'runs on every node' : 'is inactive'}.` });
      onChanged();
      // The address becomes the flow's own (a reload opens it) without remounting the editor and losing its undo history.
      if (!stored) window.history.replaceState(null, '', routePath({ page: 'flows', flowId: saved.id }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.field<number>('currentRevision') !== undefined) {
        setMessage({
          tone: 'warn',
          text: `Conflict: someone else saved this flow (revision ${e.field<number>('currentRevision')}) since you opened revision ${stored?.revision}.`,
          conflict: { currentRevision: e.field<number>('currentRevision') as number },
        });
      } else if (e instanceof ApiError && e.status === 422) {
        const list = e.field<Array<{ message: string }>>('issues') ?? [];
        setMessage({ tone: 'error', text: 'The hub refused the flow:', details: list.map((i) => i.message) });
      } else {
        setMessage({ tone: 'error', text: (e as Error).message });
      }
    } finally {
      setBusy(false);
    }
  };

  const loadTheirs = async () => {
    if (!stored) return;
    const fresh = await get<StoredFlow>(`/api/flows/${stored.id}`);
    setStored(fresh);
    store.getState().load(fresh.graph as FlowGraph);
    setMessage({ tone: 'info', text: `Loaded revision ${fresh.revision}.` });
  };

  const setActive = async (active: boolean) => {
    if (!stored) return;
    try {
      setStored(await post<StoredFlow>(`/api/flows/${stored.id}/${active ? 'activate' : 'deactivate'}`, {}));
      onChanged();
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message });
    }
  };

  const remove = async () => {
    if (!stored || !window.confirm(`Delete flow "${stored.name}" and the agent generated from it?`)) return;
    try {
      await del(withQuery(`/api/flows/${stored.id}`, { baseRevision: stored.revision }));
      store.getState().markSaved();
      onChanged();
      navigate({ page: 'flows' });
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message });
    }
  };

  const exportFlow = () => {
    const text = flowToJson(store.getState().graph(), { catalog });
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'flow'}.flow.json`;
    link.click();
    URL.revokeObjectURL(url);
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      setPreview(await post<ImportPreview>('/api/flows/import/preview', { document: await file.text() }));
    } catch (e) {
      const list = e instanceof ApiError ? (e.field<Array<{ message: string }>>('issues') ?? []) : [];
      setMessage({ tone: 'error', text: `${file.name} is not a flow we can read.`, details: list.map((i) => i.message) });
    }
  };

  const s = store.getState();
  return (
    <div className="flow-editor">
      <div className="toolbar flow-toolbar">
        <input className="title-input" value={title} onChange={(e) => s.setTitle(e.target.value)} disabled={!canEdit} aria-label="Flow title" data-testid="flow-title" />
        {stored && <span className="muted">revision {stored.revision}</span>}
        {(dirty || !stored) && <span className="warn-text">unsaved</span>}
        <div className="spacer" />
        <button onClick={() => s.undo()} disabled={!canUndo || !canEdit} title="Undo (Ctrl+Z)" data-testid="undo">
          Undo
        </button>
        <button onClick={() => s.redo()} disabled={!canRedo || !canEdit} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
          Redo
        </button>
        <button onClick={() => s.copy()} title="Copy (Ctrl+C)" data-testid="copy">
          Copy
        </button>
        <button onClick={() => s.paste()} disabled={!canEdit} title="Paste (Ctrl+V)" data-testid="paste">
          Paste
        </button>
        <button onClick={() => s.deleteSelected()} disabled={!canEdit} title="Delete (Del)" data-testid="delete">
          Delete
        </button>
        <button
          onClick={() => {
            s.layout();
            // Once React Flow has the new positions, show the whole flow.
            window.setTimeout(() => void fitView({ padding: 0.15, maxZoom: 1 }), 50);
          }}
          disabled={!canEdit}
          data-testid="auto-layout"
        >
          Auto-layout
        </button>
        <button onClick={exportFlow} data-testid="export">
          Export
        </button>
        {canEdit && (
          <button onClick={() => fileInput.current?.click()} data-testid="import">
            Import
          </button>
        )}
        <input ref={fileInput} type="file" accept=".json,application/json" hidden onChange={importFile} data-testid="import-file" />
        {stored?.agent && canEdit && (
          <button onClick={() => setActive(!stored.agent?.active)} data-testid={stored.agent.active ? 'flow-deactivate' : 'flow-activate'}>
            {stored.agent.active ? 'Deactivate' : 'Activate'}
          </button>
        )}
        {stored && canEdit && (
          <button className="danger" onClick={remove} data-testid="delete-flow">
            Delete flow
          </button>
        )}
        {canEdit && (
          <button
            className="primary"
            onClick={() => save()}
            disabled={busy || errors.length > 0 || (!dirty && stored !== undefined)}
            title={errors.length ? 'Fix the errors shown on the nodes first' : ''}
            data-testid="save-flow"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        )}
      </div>
      {message && (
        <Notice tone={message.tone} onClose={() => setMessage(undefined)} testId="flow-message">
          {message.text}
          {message.details && (
            <ul>
              {message.details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          )}
          {message.conflict && (
            <div className="notice-actions">
              <button onClick={loadTheirs} data-testid="conflict-load">
                Load theirs (drop my changes)
              </button>
              <button onClick={() => save(message.conflict?.currentRevision)} data-testid="conflict-overwrite">
                Save mine over it
              </button>
            </div>
          )}
        </Notice>
      )}
      <div className="flow-body">
        <Palette onAdd={addAtCenter} disabled={!canEdit} />
        <div className="canvas-host" ref={canvasHost}>
          <FlowCanvas readOnly={!canEdit} />
        </div>
        <aside className="side-panel">
          <Tabs<SideTab>
            tabs={[
              { key: 'node', label: 'Node' },
              { key: 'code', label: 'Code' },
              { key: 'issues', label: `Issues (${issues.length})` },
              { key: 'dry-run', label: 'Dry run' },
            ]}
            value={tab}
            onChange={setTab}
          />
          <div className="side-body">
            {tab === 'node' && <Inspector readOnly={!canEdit} />}
            {tab === 'code' &&
              ('source' in code ? (
                <div className="code-preview" data-testid="code-preview" data-source={code.source}>
                  <CodeEditor value={code.source ?? ''} readOnly />
                </div>
              ) : (
                <Notice tone="error">{code.error}</Notice>
              ))}
            {tab === 'issues' && (
              <ul className="issue-list" data-testid="issue-list">
                {issues.map((issue, i) => (
                  <li key={i} className={issue.severity === 'error' ? 'error-text' : 'warn-text'}>
                    {issue.nodeId ? (
                      <button className="link-button" onClick={() => s.select(issue.nodeId)}>
                        {issue.message}
                      </button>
                    ) : (
                      issue.message
                    )}
                  </li>
                ))}
                {issues.length === 0 && <li className="muted">No issues.</li>}
              </ul>
            )}
            {tab === 'dry-run' && <DryRunPanel target={() => ({ graph: store.getState().graph() })} disabled={errors.length > 0} />}
          </div>
        </aside>
      </div>
      {preview && (
        <ImportDialog
          preview={preview}
          onClose={() => setPreview(undefined)}
          onOpen={(graph) => {
            setPreview(undefined);
            onImported(graph);
          }}
        />
      )}
    </div>
  );
}
