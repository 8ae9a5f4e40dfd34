import type { EditorEdge, EditorNode } from './model';

/** The part of the editor undo/redo restores. */
export interface Snapshot {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

export interface History {
  past: Snapshot[];
  future: Snapshot[];
  /** What the last recorded change was (e.g. `param:filter1:path`): repeats of it are one undo step. */
  lastKey?: string;
}

export const HISTORY_LIMIT = 100;

export const emptyHistory = (): History => ({ past: [], future: [] });

/** Selection and drag state are not part of a snapshot: undo never changes what is selected. */
export function snapshotOf(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): Snapshot {
  return {
    nodes: nodes.map(({ id, type, position, data }) => ({ id, type, position: { ...position }, data })),
    edges: edges.map(({ id, source, sourceHandle, target, targetHandle }) => ({ id, source, sourceHandle, target, targetHandle })),
  };
}

/**
 * Records the state before a change. A change with the same key as the one before (typing into
 * one field) adds no step, so one undo takes back the whole edit. A new change clears redo.
 */
export function record(history: History, before: Snapshot, key?: string): History {
  if (key !== undefined && key === history.lastKey) return { ...history, future: [] };
  const past = [...history.past, before];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, future: [], lastKey: key };
}

export function undo(history: History, current: Snapshot): { history: History; snapshot: Snapshot } | undefined {
  const previous = history.past[history.past.length - 1];
  if (!previous) return undefined;
  return { history: { past: history.past.slice(0, -1), future: [current, ...history.future], lastKey: undefined }, snapshot: previous };
}

export function redo(history: History, current: Snapshot): { history: History; snapshot: Snapshot } | undefined {
  const next = history.future[0];
  if (!next) return undefined;
  return { history: { past: [...history.past, current], future: history.future.slice(1), lastKey: undefined }, snapshot: next };
}
