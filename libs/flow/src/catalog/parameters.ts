import type { FlowNode, JsonValue } from '../model/graph';
import type { NodeDefinition, ParameterDefinition } from './types';

/** A parameter's value on a node: its data, else the type's default. */
export function parameterValue(node: Pick<FlowNode, 'data'>, parameter: ParameterDefinition): JsonValue | undefined {
  const value = node.data[parameter.name];
  return value === undefined ? parameter.default : value;
}

/** Whether a parameter applies, given the node's other parameters (`when`). */
export function parameterApplies(node: Pick<FlowNode, 'data'>, definition: NodeDefinition, parameter: ParameterDefinition): boolean {
  if (!parameter.when) return true;
  const other = definition.parameters.find((p) => p.name === parameter.when!.parameter);
  const value = other ? parameterValue(node, other) : node.data[parameter.when.parameter];
  return parameter.when.in.some((v) => v === value);
}

/** Unset: absent or null; for kinds whose value is text, also the empty string. */
export function isUnset(parameter: ParameterDefinition, value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string' && value.trim() === '') return !['value'].includes(parameter.kind);
  if (Array.isArray(value) && value.length === 0) return ['cases', 'fields'].includes(parameter.kind);
  return false;
}

/** How an issue names a node: `node "f1" (Filter on a field)`. */
export function describeNode(node: Pick<FlowNode, 'id' | 'label'>, definition?: NodeDefinition): string {
  const name = node.label && node.label !== '' ? node.label : definition?.title;
  return name ? `node "${node.id}" (${name})` : `node "${node.id}"`;
}
