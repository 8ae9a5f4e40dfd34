import { canConnect, type ConnectionCheck, type FlowCatalog } from '@wirehook/flow';
import type { Connection, Edge } from '@xyflow/react';
import { toGraph, type EditorEdge, type EditorNode } from './model';

/**
 * React Flow's `isValidConnection` through the flow library's `canConnect`: port types must fit
 * (also downstream), no cycle, no duplicate. Returns the library's answer with its reason.
 */
export function checkConnection(nodes: readonly EditorNode[], edges: readonly EditorEdge[], connection: Connection | Edge, catalog: FlowCatalog): ConnectionCheck {
  const graph = toGraph('', undefined, nodes, edges);
  return canConnect(graph, { source: connection.source, sourceHandle: connection.sourceHandle, target: connection.target, targetHandle: connection.targetHandle }, catalog);
}
