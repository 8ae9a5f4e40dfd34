import type { FlowCatalog, PortType } from '../catalog/types';
import type { FlowEdge, FlowGraph, FlowNode } from '../model/graph';
import { adjacency } from './topology';

/**
 * The types that may leave each output port. A pass-through output (`same-as-input`) carries
 * whatever arrives at the node, so its types come from upstream; an empty set means nothing is
 * known yet (unwired), which connects anywhere, as does `any`.
 */
export class PortTypes {
  private readonly nodes: Map<string, FlowNode>;
  private readonly incoming: Map<string, FlowEdge[]>;
  private readonly memo = new Map<string, Set<PortType>>();

  constructor(
    graph: Pick<FlowGraph, 'nodes' | 'edges'>,
    private readonly catalog: FlowCatalog,
  ) {
    this.nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    this.incoming = adjacency(graph.edges).in;
  }

  /** Types an output port carries. */
  output(nodeId: string, portId: string, visiting = new Set<string>()): Set<PortType> {
    const key = `${nodeId}\u0000${portId}`;
    const known = this.memo.get(key);
    if (known) return known;
    const node = this.nodes.get(nodeId);
    const port = node && this.catalog.get(node.type)?.ports(node.data).outputs.find((p) => p.id === portId);
    let types = new Set<PortType>();
    if (port && port.type !== 'same-as-input') types.add(port.type);
    else if (port && !visiting.has(nodeId)) {
      visiting.add(nodeId);
      for (const edge of this.incoming.get(nodeId) ?? []) for (const t of this.output(edge.source, edge.sourceHandle, visiting)) types.add(t);
      visiting.delete(nodeId);
      if (types.has('any')) types = new Set<PortType>(['any']);
    }
    this.memo.set(key, types);
    return types;
  }

  /** Type an input port accepts, or undefined when the node or port is unknown. */
  input(nodeId: string, portId: string): PortType | undefined {
    const node = this.nodes.get(nodeId);
    const port = node && this.catalog.get(node.type)?.ports(node.data).inputs.find((p) => p.id === portId);
    return port && port.type !== 'same-as-input' ? port.type : undefined;
  }
}

/** True when every type that may arrive is accepted by an input of type `accepted`. */
export function typesFit(arriving: Set<PortType>, accepted: PortType): boolean {
  if (accepted === 'any' || arriving.size === 0 || arriving.has('any')) return true;
  for (const t of arriving) if (t !== accepted) return false;
  return true;
}

export function describeTypes(types: Set<PortType>): string {
  return types.size === 0 ? 'nothing yet' : [...types].sort().join(' or ');
}
