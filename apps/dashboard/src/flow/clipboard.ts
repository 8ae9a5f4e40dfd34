import { edgeId, nodeIdFor, type EditorEdge, type EditorNode } from './model';

/** Copied nodes and the edges among them (an edge to a node left behind is not copied). */
export interface Clip {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

export function copySelection(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): Clip | undefined {
  const chosen = nodes.filter((n) => n.selected);
  if (chosen.length === 0) return undefined;
  const ids = new Set(chosen.map((n) => n.id));
  return {
    nodes: chosen.map((n) => ({ id: n.id, type: n.type, position: { ...n.position }, data: structuredClone(n.data) })),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e, selected: false })),
  };
}

/**
 * The clip as new nodes (fresh ids, moved by `offset`, selected) and edges between them, ready to
 * add to a canvas whose node ids are `taken`.
 */
export function pasteClip(clip: Clip, taken: ReadonlySet<string>, offset: { x: number; y: number }): Clip {
  const used = new Set(taken);
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = nodeIdFor(n.data.type, used);
    used.add(id);
    renamed.set(n.id, id);
    return { ...n, id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y }, data: structuredClone(n.data), selected: true };
  });
  const edges = clip.edges.map((e) => {
    const source = renamed.get(e.source) as string;
    const target = renamed.get(e.target) as string;
    const sourceHandle = e.sourceHandle ?? 'out';
    const targetHandle = e.targetHandle ?? 'in';
    return { id: edgeId(source, sourceHandle, target, targetHandle), source, sourceHandle, target, targetHandle };
  });
  return { nodes, edges };
}
