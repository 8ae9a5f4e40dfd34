import type { FlowEdge, FlowGraph, FlowNode, JsonValue } from './graph';

/**
 * Keys that come first, in this order, wherever they appear; other keys follow alphabetically.
 * A fixed order makes exported files diffable and the content hash independent of how an editor
 * happened to build its objects.
 */
const KEY_RANK = [
  'format', 'formatVersion', 'title', 'description', 'requires', 'graph',
  'id', 'type', 'version', 'label', 'position', 'x', 'y',
  'source', 'sourceHandle', 'target', 'targetHandle', 'data', 'nodes', 'edges',
];
const rank = new Map(KEY_RANK.map((key, index) => [key, index]));

function compareKeys(a: string, b: string): number {
  const ra = rank.get(a);
  const rb = rank.get(b);
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON text with a stable key order (see KEY_RANK); `undefined` members are left out as JSON.stringify
 * does. Arrays keep their order: in parameters (switch cases, template fields) order means something.
 */
export function stableStringify(value: unknown, indent = 0): string {
  const pad = (depth: number) => (indent > 0 ? '\n' + ' '.repeat(indent * depth) : '');
  const colon = indent > 0 ? ': ' : ':';
  const write = (v: unknown, depth: number): string | undefined => {
    if (v === null) return 'null';
    if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
    if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const parts = v.map((e) => write(e, depth + 1) ?? 'null');
      return '[' + parts.map((p) => pad(depth + 1) + p).join(',') + pad(depth) + ']';
    }
    if (typeof v === 'object') {
      const keys = Object.keys(v as object).sort(compareKeys);
      const parts: string[] = [];
      for (const key of keys) {
        const text = write((v as Record<string, unknown>)[key], depth + 1);
        if (text !== undefined) parts.push(pad(depth + 1) + JSON.stringify(key) + colon + text);
      }
      if (parts.length === 0) return '{}';
      return '{' + parts.join(',') + pad(depth) + '}';
    }
    return undefined;
  };
  return write(value, 0) ?? 'null';
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The graph with nodes and edges sorted by id and only the fields the format defines. */
export function canonicalGraph(graph: FlowGraph): FlowGraph {
  const nodes: FlowNode[] = graph.nodes
    .map((n) => {
      const node: FlowNode = { id: n.id, type: n.type, version: n.version, position: { x: n.position.x, y: n.position.y }, data: n.data };
      if (n.label !== undefined && n.label !== '') node.label = n.label;
      return node;
    })
    .sort(byId);
  const edges: FlowEdge[] = graph.edges
    .map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle }))
    .sort(byId);
  const out: FlowGraph = { title: graph.title, nodes, edges };
  if (graph.description !== undefined && graph.description !== '') out.description = graph.description;
  return out;
}

/** Compact canonical JSON of a graph: the text the content hash is computed over. */
export function canonicalGraphJson(graph: FlowGraph): string {
  return stableStringify(canonicalGraph(graph));
}

/** Deep copy of a JSON value (parameters are plain JSON). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
