/**
 * The flow graph: what the editor (React Flow) draws and what the hub stores. Nodes and edges use
 * React Flow's field names (`id`, `type`, `position`, `data`; `source`/`sourceHandle`/`target`/
 * `targetHandle`) so the dashboard can hand them to `<ReactFlow>` as they are.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface FlowPosition {
  x: number;
  y: number;
}

export interface FlowNode {
  /** Unique in the graph; issues and generated code name nodes by it. */
  id: string;
  /** A node type of the catalog, e.g. `trigger.onItemCaptured`, `logic.filterField`, `action.vendor.slack`. */
  type: string;
  /** Version of the node type the parameters were written for (migrated on import). */
  version: number;
  position: FlowPosition;
  /** Parameters, as the node type defines them. */
  data: JsonObject;
  /** The user's name for the node; shown on the canvas and in comments of the generated code. */
  label?: string;
}

export interface FlowEdge {
  id: string;
  source: string;
  /** Output port id of the source node. */
  sourceHandle: string;
  target: string;
  /** Input port id of the target node. */
  targetHandle: string;
}

export interface FlowGraph {
  /** Becomes the generated agent's title (its first comment line). */
  title: string;
  description?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** A proposed edge, as React Flow's `isValidConnection` receives it (handles may be null). */
export interface FlowConnection {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}
