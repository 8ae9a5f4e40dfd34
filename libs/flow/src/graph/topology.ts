import type { FlowEdge, FlowGraph, FlowNode } from '../model/graph';

/** Edges leaving each node (in graph order), and entering each node. */
export interface Adjacency {
  out: Map<string, FlowEdge[]>;
  in: Map<string, FlowEdge[]>;
}

export function adjacency(edges: readonly FlowEdge[]): Adjacency {
  const out = new Map<string, FlowEdge[]>();
  const into = new Map<string, FlowEdge[]>();
  for (const edge of edges) {
    if (!out.has(edge.source)) out.set(edge.source, []);
    out.get(edge.source)!.push(edge);
    if (!into.has(edge.target)) into.set(edge.target, []);
    into.get(edge.target)!.push(edge);
  }
  return { out, in: into };
}

/** True when `to` can be reached from `from` along edges (a node reaches itself). */
export function reaches(edges: readonly FlowEdge[], from: string, to: string): boolean {
  const { out } = adjacency(edges);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of out.get(id) ?? []) stack.push(edge.target);
  }
  return false;
}

/**
 * The strongly connected parts of the graph that form cycles (two or more nodes, or a node with an
 * edge to itself), each as its node ids in sorted order; parts sorted by their first id.
 */
export function findCycles(graph: Pick<FlowGraph, 'nodes' | 'edges'>): string[][] {
  const { out } = adjacency(graph.edges);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const ids = [...new Set([...graph.nodes.map((n) => n.id), ...graph.edges.flatMap((e) => [e.source, e.target])])].sort();
  // Iterative Tarjan: flows are small, but a hostile import should not overflow the stack either.
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = out.get(frame.id) ?? [];
      if (frame.next < edges.length) {
        const target = edges[frame.next++].target;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ id: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const part: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          part.push(id);
        } while (id !== frame.id);
        const selfLoop = part.length === 1 && (out.get(part[0]) ?? []).some((e) => e.target === part[0]);
        if (part.length > 1 || selfLoop) cycles.push(part.sort());
      }
    }
  }
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Every node from which `id` can be reached (not `id` itself unless on a cycle). */
export function ancestors(edges: readonly FlowEdge[], id: string): Set<string> {
  const { in: into } = adjacency(edges);
  const seen = new Set<string>();
  const stack = [...(into.get(id) ?? []).map((e) => e.source)];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const edge of into.get(next) ?? []) stack.push(edge.source);
  }
  return seen;
}

/** Canvas order: top to bottom, then left to right, then by id. Sibling calls follow it. */
export function byPosition(a: FlowNode, b: FlowNode): number {
  if (a.position.y !== b.position.y) return a.position.y - b.position.y;
  if (a.position.x !== b.position.x) return a.position.x - b.position.x;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
