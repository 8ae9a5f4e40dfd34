import type { Edge, Node } from '@xyflow/react';
import type { FlowEdge, FlowGraph, FlowNode, JsonObject } from '@wirehook/flow';

/** What a canvas node carries: the flow node without its id and position (React Flow holds those). */
export interface EditorNodeData extends Record<string, unknown> {
  type: string;
  version: number;
  params: JsonObject;
  label?: string;
}

export const NODE_TYPE = 'wirehook';

export type EditorNode = Node<EditorNodeData, typeof NODE_TYPE>;
export type EditorEdge = Edge;

/** The editor's nodes and edges as a flow graph (what the compiler, validation and the hub take). */
export function toGraph(title: string, description: string | undefined, nodes: readonly EditorNode[], edges: readonly EditorEdge[]): FlowGraph {
  const graph: FlowGraph = {
    title,
    nodes: nodes.map((n): FlowNode => {
      const node: FlowNode = {
        id: n.id,
        type: n.data.type,
        version: n.data.version,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        data: n.data.params,
      };
      if (n.data.label) node.label = n.data.label;
      return node;
    }),
    edges: edges.map(
      (e): FlowEdge => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle ?? 'out', target: e.target, targetHandle: e.targetHandle ?? 'in' }),
    ),
  };
  if (description) graph.description = description;
  return graph;
}

export function toEditorNode(node: FlowNode): EditorNode {
  const data: EditorNodeData = { type: node.type, version: node.version, params: node.data };
  if (node.label) data.label = node.label;
  return { id: node.id, type: NODE_TYPE, position: { x: node.position.x, y: node.position.y }, data };
}

export function toEditorEdge(edge: FlowEdge): EditorEdge {
  return { id: edge.id, source: edge.source, sourceHandle: edge.sourceHandle, target: edge.target, targetHandle: edge.targetHandle };
}

export function fromGraph(graph: FlowGraph): { nodes: EditorNode[]; edges: EditorEdge[] } {
  return { nodes: graph.nodes.map(toEditorNode), edges: graph.edges.map(toEditorEdge) };
}

/** An edge id that says what it connects; unique because a port pair is connected at most once. */
export function edgeId(source: string, sourceHandle: string, target: string, targetHandle: string): string {
  return `${source}.${sourceHandle}->${target}.${targetHandle}`;
}

/** A readable id for a new node of a type (`filterField1`, `log2`, `webhook1`), unused in `taken`. */
export function nodeIdFor(type: string, taken: ReadonlySet<string>): string {
  const last = type.split('.').pop() ?? 'node';
  const base = (last.replace(/[^A-Za-z0-9]+/g, '') || 'node').replace(/^[0-9]+/, '') || 'node';
  const stem = base.charAt(0).toLowerCase() + base.slice(1);
  for (let n = 1; ; n++) {
    const id = `${stem}${n}`;
    if (!taken.has(id)) return id;
  }
}
