import type { FlowEdge, FlowGraph, FlowNode, JsonObject } from './graph';
import type { FlowIssue } from './issues';

const MAX_ID_LENGTH = 200;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why a value is not JSON (a function, NaN, undefined inside…), or null. */
function notJson(value: unknown, at: string): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${at} is ${value}, not a JSON number`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = notJson(value[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      // An undefined member is simply absent, as in JSON.stringify (editor state often has some).
      if (v === undefined) continue;
      const problem = notJson(v, `${at}.${k}`);
      if (problem) return problem;
    }
    return null;
  }
  return `${at} is ${typeof value}, not JSON`;
}

/**
 * Reads an untrusted value (an imported file, a request body, React Flow's state) as a flow graph.
 * Fields the format does not define (React Flow's `selected`, `measured`…) are dropped. Returns the
 * graph, or the issues (with the path and the node or edge id) that keep it from being one.
 */
export function readFlowGraph(value: unknown, at = 'graph'): { graph?: FlowGraph; issues: FlowIssue[] } {
  const issues: FlowIssue[] = [];
  const invalid = (path: string, message: string, ids: { nodeId?: string; edgeId?: string } = {}) =>
    issues.push({ severity: 'error', code: 'invalid-document', message, path, ...ids });
  if (!isObject(value)) {
    invalid(at, `${at} must be an object with title, nodes and edges`);
    return { issues };
  }
  const title = value.title === undefined ? '' : value.title;
  if (typeof title !== 'string') invalid(`${at}.title`, `${at}.title must be a string`);
  if (value.description !== undefined && typeof value.description !== 'string') invalid(`${at}.description`, `${at}.description must be a string`);
  if (!Array.isArray(value.nodes)) invalid(`${at}.nodes`, `${at}.nodes must be an array`);
  if (!Array.isArray(value.edges)) invalid(`${at}.edges`, `${at}.edges must be an array`);
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const id = (v: unknown, path: string, what: string): string | undefined => {
    if (typeof v !== 'string' || v === '') return void invalid(path, `${path}: ${what} must be a non-empty string`);
    if (v.length > MAX_ID_LENGTH) return void invalid(path, `${path}: ${what} is longer than ${MAX_ID_LENGTH} characters`);
    return v;
  };
  (Array.isArray(value.nodes) ? value.nodes : []).forEach((raw: unknown, index: number) => {
    const path = `${at}.nodes[${index}]`;
    if (!isObject(raw)) return void invalid(path, `${path} must be an object`);
    const nodeId = id(raw.id, `${path}.id`, 'node id');
    const where = nodeId === undefined ? path : `${path} (node "${nodeId}")`;
    const ids = nodeId === undefined ? {} : { nodeId };
    const before = issues.length;
    if (typeof raw.type !== 'string' || raw.type === '') invalid(`${path}.type`, `${where}: type must be a non-empty string`, ids);
    if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1) invalid(`${path}.version`, `${where}: version must be a whole number >= 1`, ids);
    const position = raw.position;
    if (!isObject(position) || typeof position.x !== 'number' || typeof position.y !== 'number' || !Number.isFinite(position.x) || !Number.isFinite(position.y)) {
      invalid(`${path}.position`, `${where}: position must be {x, y} with finite numbers`, ids);
    }
    const data = raw.data === undefined ? {} : raw.data;
    if (!isObject(data)) invalid(`${path}.data`, `${where}: data must be an object of parameters`, ids);
    else {
      const problem = notJson(data, `${path}.data`);
      if (problem) invalid(`${path}.data`, `${where}: ${problem}`, ids);
    }
    if (raw.label !== undefined && typeof raw.label !== 'string') invalid(`${path}.label`, `${where}: label must be a string`, ids);
    if (issues.length > before || nodeId === undefined) return;
    const p = position as { x: number; y: number };
    const node: FlowNode = { id: nodeId, type: raw.type as string, version: raw.version as number, position: { x: p.x, y: p.y }, data: JSON.parse(JSON.stringify(data)) as JsonObject };
    if (typeof raw.label === 'string' && raw.label !== '') node.label = raw.label;
    nodes.push(node);
  });
  (Array.isArray(value.edges) ? value.edges : []).forEach((raw: unknown, index: number) => {
    const path = `${at}.edges[${index}]`;
    if (!isObject(raw)) return void invalid(path, `${path} must be an object`);
    const before = issues.length;
    const edgeId = id(raw.id, `${path}.id`, 'edge id');
    const source = id(raw.source, `${path}.source`, 'source node id');
    const target = id(raw.target, `${path}.target`, 'target node id');
    const sourceHandle = id(raw.sourceHandle, `${path}.sourceHandle`, 'source port (sourceHandle)');
    const targetHandle = id(raw.targetHandle, `${path}.targetHandle`, 'target port (targetHandle)');
    if (edgeId !== undefined) for (const issue of issues.slice(before)) issue.edgeId = edgeId;
    if (issues.length > before) return;
    edges.push({ id: edgeId!, source: source!, sourceHandle: sourceHandle!, target: target!, targetHandle: targetHandle! });
  });
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.id)) issues.push({ severity: 'error', code: 'duplicate-id', message: `two nodes have the id "${node.id}"`, nodeId: node.id, path: `${at}.nodes` });
    seen.add(node.id);
  }
  const seenEdges = new Set<string>();
  for (const edge of edges) {
    if (seenEdges.has(edge.id)) issues.push({ severity: 'error', code: 'duplicate-id', message: `two edges have the id "${edge.id}"`, edgeId: edge.id, path: `${at}.edges` });
    seenEdges.add(edge.id);
  }
  if (issues.length > 0) return { issues };
  const graph: FlowGraph = { title: title as string, nodes, edges };
  if (typeof value.description === 'string' && value.description !== '') graph.description = value.description;
  return { graph, issues };
}
