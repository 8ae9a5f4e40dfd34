import { createNode, validateFlow, type FlowCatalog, type FlowGraph, type FlowIssue, type JsonObject, type JsonValue } from '@wirehook/flow';
import { validateKfl } from '@wirehook/runtime';
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { copySelection, pasteClip, type Clip } from './clipboard';
import { checkConnection } from './connection';
import { emptyHistory, record, redo, snapshotOf, undo, type History } from './history';
import { autoLayout } from './layout';
import { edgeId, fromGraph, nodeIdFor, toEditorNode, toGraph, type EditorEdge, type EditorNode } from './model';

export interface FlowEditorState {
  title: string;
  description: string;
  nodes: EditorNode[];
  edges: EditorEdge[];
  history: History;
  clipboard?: Clip;
  /** Issues of the current graph by node id (what each node shows), and all of them. */
  issuesByNode: Record<string, FlowIssue[]>;
  issues: FlowIssue[];
  /** The reason the last connection was refused, shown until the next change. */
  refused?: string;
  /** The graph changed since it was loaded or saved. */
  dirty: boolean;

  load(graph: FlowGraph): void;
  markSaved(): void;
  setTitle(title: string): void;
  onNodesChange(changes: NodeChange<EditorNode>[]): void;
  onEdgesChange(changes: EdgeChange<EditorEdge>[]): void;
  /** React Flow's isValidConnection: false (and `refused` set) when canConnect says no. */
  isValidConnection(connection: Connection | EditorEdge): boolean;
  connect(connection: Connection): boolean;
  addNode(type: string, position: { x: number; y: number }): string;
  setParam(id: string, name: string, value: JsonValue | undefined): void;
  setLabel(id: string, label: string): void;
  deleteSelected(): void;
  copy(): void;
  paste(): void;
  undo(): void;
  redo(): void;
  layout(): void;
  select(id: string | undefined): void;
  graph(): FlowGraph;
  clearRefused(): void;
}

export type FlowEditorStore = StoreApi<FlowEditorState>;

/** Validates with the filter language of the runtime, as the hub does when it saves. */
function issuesOf(graph: FlowGraph, catalog: FlowCatalog): { issues: FlowIssue[]; byNode: Record<string, FlowIssue[]> } {
  const validation = validateFlow(graph, catalog, { validateFilter: validateKfl });
  return { issues: validation.issues, byNode: validation.byNode };
}

/**
 * The flow editor's state: nodes and edges as React Flow holds them, undo/redo of every change to
 * the graph (not of selection or viewport), a clipboard, and the validation issues of the graph.
 */
export function createFlowStore(catalog: FlowCatalog, initial: FlowGraph): FlowEditorStore {
  const start = fromGraph(initial);
  const startIssues = issuesOf(initial, catalog);
  return createStore<FlowEditorState>()((set, get) => {
    /** Applies a change to the graph: records the state before it (for undo) and revalidates. */
    const change = (next: { nodes?: EditorNode[]; edges?: EditorEdge[]; title?: string }, key?: string) => {
      const state = get();
      const nodes = next.nodes ?? state.nodes;
      const edges = next.edges ?? state.edges;
      const title = next.title ?? state.title;
      const checked = issuesOf(toGraph(title, state.description, nodes, edges), catalog);
      set({
        nodes,
        edges,
        title,
        history: record(state.history, snapshotOf(state.nodes, state.edges), key),
        issues: checked.issues,
        issuesByNode: checked.byNode,
        refused: undefined,
        dirty: true,
      });
    };
    const revalidate = (nodes: EditorNode[], edges: EditorEdge[]) => {
      const checked = issuesOf(toGraph(get().title, get().description, nodes, edges), catalog);
      return { issues: checked.issues, issuesByNode: checked.byNode };
    };

    return {
      title: initial.title,
      description: initial.description ?? '',
      nodes: start.nodes,
      edges: start.edges,
      history: emptyHistory(),
      issuesByNode: startIssues.byNode,
      issues: startIssues.issues,
      dirty: false,

      load(graph) {
        const loaded = fromGraph(graph);
        const checked = issuesOf(graph, catalog);
        set({
          title: graph.title,
          description: graph.description ?? '',
          nodes: loaded.nodes,
          edges: loaded.edges,
          history: emptyHistory(),
          issues: checked.issues,
          issuesByNode: checked.byNode,
          refused: undefined,
          dirty: false,
        });
      },

      markSaved() {
        set({ dirty: false });
      },

      setTitle(title) {
        change({ title }, 'title');
      },

      onNodesChange(changes) {
        const state = get();
        // Selection, measuring and the drag itself are not undo steps; a removal and the end of a drag are.
        const removes = changes.some((c) => c.type === 'remove');
        const dragEnd = changes.some((c) => c.type === 'position' && c.dragging === false);
        const nodes = applyNodeChanges(changes, state.nodes);
        if (removes) {
          const ids = new Set(nodes.map((n) => n.id));
          change({ nodes, edges: state.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) });
        } else if (dragEnd) {
          // The snapshot before the drag is the one taken at its start (see onNodeDragStart in the canvas).
          set({ nodes, dirty: true });
        } else {
          set({ nodes });
        }
      },

      onEdgesChange(changes) {
        const state = get();
        const edges = applyEdgeChanges(changes, state.edges);
        // Removing a node removes its edges here too; onNodesChange has already recorded that step.
        if (changes.some((c) => c.type === 'remove') && edges.length !== state.edges.length) change({ edges });
        else set({ edges });
      },

      isValidConnection(connection) {
        const state = get();
        const check = checkConnection(state.nodes, state.edges, connection, catalog);
        if (!check.ok) {
          if (state.refused !== check.reason) set({ refused: check.reason });
          return false;
        }
        if (state.refused !== undefined) set({ refused: undefined });
        return true;
      },

      connect(connection) {
        const state = get();
        const check = checkConnection(state.nodes, state.edges, connection, catalog);
        if (!check.ok) {
          set({ refused: check.reason });
          return false;
        }
        const edge: EditorEdge = {
          id: edgeId(connection.source, check.sourceHandle, connection.target, check.targetHandle),
          source: connection.source,
          sourceHandle: check.sourceHandle,
          target: connection.target,
          targetHandle: check.targetHandle,
        };
        change({ edges: [...state.edges, edge] });
        return true;
      },

      addNode(type, position) {
        const state = get();
        const id = nodeIdFor(type, new Set(state.nodes.map((n) => n.id)));
        const node = { ...toEditorNode(createNode(catalog, type, id, position)), selected: true };
        change({ nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] });
        return id;
      },

      setParam(id, name, value) {
        const state = get();
        const nodes = state.nodes.map((n) => {
          if (n.id !== id) return n;
          const params: JsonObject = { ...n.data.params };
          if (value === undefined) delete params[name];
          else params[name] = value;
          return { ...n, data: { ...n.data, params } };
        });
        // Parameters that change ports (switch cases, template mode) may leave edges on ports that no longer exist: validation reports them.
        change({ nodes }, `param:${id}:${name}`);
      },

      setLabel(id, label) {
        const nodes = get().nodes.map((n) => {
          if (n.id !== id) return n;
          const data = { ...n.data };
          if (label.trim()) data.label = label;
          else delete data.label;
          return { ...n, data };
        });
        change({ nodes }, `label:${id}`);
      },

      deleteSelected() {
        const state = get();
        const gone = new Set(state.nodes.filter((n) => n.selected).map((n) => n.id));
        const edges = state.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
        if (gone.size === 0 && edges.length === state.edges.length) return;
        change({ nodes: state.nodes.filter((n) => !gone.has(n.id)), edges });
      },

      copy() {
        const clip = copySelection(get().nodes, get().edges);
        if (clip) set({ clipboard: clip });
      },

      paste() {
        const state = get();
        if (!state.clipboard) return;
        const pasted = pasteClip(state.clipboard, new Set(state.nodes.map((n) => n.id)), { x: 40, y: 40 });
        change({
          nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes],
          edges: [...state.edges, ...pasted.edges],
        });
        // A second paste lands beside the first, not on top of it.
        set({ clipboard: { nodes: pasted.nodes.map((n) => ({ ...n, selected: false })), edges: pasted.edges } });
      },

      undo() {
        const state = get();
        const step = undo(state.history, snapshotOf(state.nodes, state.edges));
        if (!step) return;
        set({ history: step.history, nodes: step.snapshot.nodes, edges: step.snapshot.edges, ...revalidate(step.snapshot.nodes, step.snapshot.edges), dirty: true });
      },

      redo() {
        const state = get();
        const step = redo(state.history, snapshotOf(state.nodes, state.edges));
        if (!step) return;
        set({ history: step.history, nodes: step.snapshot.nodes, edges: step.snapshot.edges, ...revalidate(step.snapshot.nodes, step.snapshot.edges), dirty: true });
      },

      layout() {
        const state = get();
        change({ nodes: autoLayout(state.nodes, state.edges) });
      },

      select(id) {
        set({ nodes: get().nodes.map((n) => ((n.id === id) !== Boolean(n.selected) ? { ...n, selected: n.id === id } : n)) });
      },

      graph() {
        const state = get();
        return toGraph(state.title, state.description, state.nodes, state.edges);
      },

      clearRefused() {
        if (get().refused !== undefined) set({ refused: undefined });
      },
    };
  });
}

/** Records the graph as it is now as an undo step (called when a drag starts). */
export function recordUndoPoint(store: FlowEditorStore): void {
  const state = store.getState();
  store.setState({ history: record(state.history, snapshotOf(state.nodes, state.edges)) });
}
