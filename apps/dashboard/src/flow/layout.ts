import dagre from '@dagrejs/dagre';
import type { EditorEdge, EditorNode } from './model';

const DEFAULT_SIZE = { width: 220, height: 110 };

/**
 * Left-to-right layered layout (dagre): triggers on the left, actions on the right, edges
 * crossing as little as it can. Sizes are the measured ones when React Flow has measured the nodes.
 */
export function autoLayout(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): EditorNode[] {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 60, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const size = (n: EditorNode) => ({ width: n.measured?.width ?? n.width ?? DEFAULT_SIZE.width, height: n.measured?.height ?? n.height ?? DEFAULT_SIZE.height });
  for (const node of nodes) graph.setNode(node.id, size(node));
  for (const edge of edges) if (graph.hasNode(edge.source) && graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  return nodes.map((node) => {
    const placed = graph.node(node.id) as { x: number; y: number } | undefined;
    if (!placed) return node;
    const { width, height } = size(node);
    // dagre gives centres; React Flow positions are top-left corners.
    return { ...node, position: { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) } };
  });
}
