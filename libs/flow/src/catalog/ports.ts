import type { NodePorts, OutputPortType, PortDefinition, PortType } from './types';

/** The one input most nodes have. */
export function inputPort(type: PortType = 'any', label = 'in'): PortDefinition {
  return { id: 'in', label, type, required: true };
}

export function outputPort(id: string, label: string, type: OutputPortType, required = false): PortDefinition {
  return { id, label, type, required };
}

/** Ports that do not depend on the parameters. */
export function fixedPorts(inputs: PortDefinition[], outputs: PortDefinition[]): () => NodePorts {
  const ports: NodePorts = { inputs, outputs };
  return () => ports;
}
