import type { FlowCatalog, PortDefinition } from '../catalog/types';
import type { FlowConnection, FlowEdge, FlowGraph } from '../model/graph';
import { describeTypes, PortTypes, typesFit } from './port-types';
import { reaches } from './topology';

export type ConnectionCheck = { ok: true; sourceHandle: string; targetHandle: string } | { ok: false; reason: string };

function pickPort(ports: PortDefinition[], handle: string | null | undefined, side: 'output' | 'input', nodeId: string): PortDefinition | string {
  if (handle === null || handle === undefined || handle === '') {
    if (ports.length === 1) return ports[0];
    return ports.length === 0 ? `node "${nodeId}" has no ${side}` : `node "${nodeId}" has several ${side}s: say which`;
  }
  return ports.find((p) => p.id === handle) ?? `node "${nodeId}" has no ${side} "${handle}"`;
}

/**
 * Whether an edge may be added: both ports exist, the types fit (also for everything downstream
 * whose type the new edge changes), no cycle, no duplicate. The dashboard calls it from React
 * Flow's `isValidConnection` (`canConnect(graph, connection, catalog).ok`) and shows the reason.
 */
export function canConnect(graph: Pick<FlowGraph, 'nodes' | 'edges'>, connection: FlowConnection, catalog: FlowCatalog): ConnectionCheck {
  const source = graph.nodes.find((n) => n.id === connection.source);
  const target = graph.nodes.find((n) => n.id === connection.target);
  if (!source) return { ok: false, reason: `no node "${connection.source}"` };
  if (!target) return { ok: false, reason: `no node "${connection.target}"` };
  const sourceDefinition = catalog.get(source.type);
  const targetDefinition = catalog.get(target.type);
  if (!sourceDefinition) return { ok: false, reason: `node "${source.id}" has an unknown type ${source.type}` };
  if (!targetDefinition) return { ok: false, reason: `node "${target.id}" has an unknown type ${target.type}` };
  const output = pickPort(sourceDefinition.ports(source.data).outputs, connection.sourceHandle, 'output', source.id);
  if (typeof output === 'string') return { ok: false, reason: output };
  const input = pickPort(targetDefinition.ports(target.data).inputs, connection.targetHandle, 'input', target.id);
  if (typeof input === 'string') return { ok: false, reason: input };
  if (source.id === target.id) return { ok: false, reason: 'a node cannot feed itself' };
  const duplicate = graph.edges.some((e) => e.source === source.id && e.sourceHandle === output.id && e.target === target.id && e.targetHandle === input.id);
  if (duplicate) return { ok: false, reason: 'these ports are already connected' };
  if (reaches(graph.edges, target.id, source.id)) return { ok: false, reason: `this would make a cycle: "${target.id}" already leads to "${source.id}"` };

  const edge: FlowEdge = { id: '\u0000proposed', source: source.id, sourceHandle: output.id, target: target.id, targetHandle: input.id };
  const before = new PortTypes(graph, catalog);
  const after = new PortTypes({ nodes: graph.nodes, edges: [...graph.edges, edge] }, catalog);
  const arriving = after.output(source.id, output.id);
  const accepted = after.input(target.id, input.id) ?? 'any';
  if (!typesFit(arriving, accepted)) {
    return { ok: false, reason: `"${target.id}" input "${input.label}" takes ${accepted}, "${source.id}" output "${output.label}" sends ${describeTypes(arriving)}` };
  }
  // The new edge can change what pass-through nodes downstream send: check the edges it affects.
  for (const e of graph.edges) {
    const accepts = after.input(e.target, e.targetHandle);
    if (accepts === undefined) continue;
    const wasFine = typesFit(before.output(e.source, e.sourceHandle), accepts);
    const sends = after.output(e.source, e.sourceHandle);
    if (wasFine && !typesFit(sends, accepts)) {
      return { ok: false, reason: `downstream, "${e.target}" takes ${accepts} but "${e.source}" would then send ${describeTypes(sends)}` };
    }
  }
  return { ok: true, sourceHandle: output.id, targetHandle: input.id };
}
