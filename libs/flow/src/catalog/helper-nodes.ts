import type { JsonPrimitive, JsonValue } from '../model/graph';
import type { HelperManifestEntry, HelperParameterManifest, InstalledPlugin, PluginNodeManifest, PluginNodeParameterManifest } from './plugin-manifest';
import { outputPort } from './ports';
import type { HelperOutput, JsonSchema, NodeDefinition, NodePluginSource, NodePorts, ParameterDefinition, ParameterKind } from './types';

/** `vendor.slack` for `vendor.slack` or `slack`. */
export function fullHelperName(name: string): string {
  return name.startsWith('vendor.') ? name : `vendor.${name}`;
}

/** Node type of the generic node of a helper: `action.vendor.slack`. */
export function helperNodeType(helperName: string): string {
  return `action.${fullHelperName(helperName)}`;
}

function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value === 'object') return Object.values(value as object).every(isJsonValue);
  return false;
}

function enumOptions(schema: JsonSchema): Array<{ value: JsonPrimitive; label: string }> | undefined {
  const values = schema.enum;
  if (!Array.isArray(values) || values.length === 0) return undefined;
  if (!values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) return undefined;
  return (values as JsonPrimitive[]).map((v) => ({ value: v, label: String(v) }));
}

/** Strings are templates; every other argument is a JSON value whose strings are templates. */
function kindForSchema(schema: JsonSchema): ParameterKind {
  if (enumOptions(schema)) return 'enum';
  return schema.type === 'string' ? 'template' : 'value';
}

function helperParameter(p: HelperParameterManifest): ParameterDefinition {
  const parameter: ParameterDefinition = {
    name: p.name,
    label: p.name,
    description: p.description ?? '',
    kind: kindForSchema(p.schema),
    required: p.optional !== true,
    schema: p.schema,
  };
  const options = enumOptions(p.schema);
  if (options) parameter.options = options;
  if (isJsonValue(p.schema.default)) parameter.default = p.schema.default;
  if (p.secret) parameter.secret = true;
  return parameter;
}

const GENERIC_PORTS: NodePorts = {
  inputs: [{ id: 'in', label: 'in', type: 'any', required: true }],
  outputs: [outputPort('out', 'then', 'same-as-input'), outputPort('result', 'result', 'any'), outputPort('error', 'error', 'object')],
};

/**
 * The generic action node of a plugin helper: one parameter per helper argument (same name, its
 * JSON Schema, required unless optional). `out` passes the input on, `result` carries what the
 * helper returned, `error` receives {error, helper, input} when the call throws.
 */
export function helperNodeDefinition(helper: HelperManifestEntry, plugin: NodePluginSource): NodeDefinition {
  const name = fullHelperName(helper.name);
  return {
    type: helperNodeType(name),
    version: 1,
    category: 'action',
    kind: 'helper',
    title: name,
    description: helper.description,
    group: 'plugins',
    helper: {
      name,
      argumentParameters: helper.parameters.map((p) => p.name),
      unsetArguments: helper.parameters.map(() => 'omit'),
      outputs: { out: 'input', result: 'result', error: 'error' },
    },
    plugin: { name: plugin.name, version: plugin.version },
    parameters: helper.parameters.map(helperParameter),
    ports: () => GENERIC_PORTS,
  };
}

function pluginParameterKind(type: PluginNodeParameterManifest['type']): ParameterKind {
  switch (type) {
    case 'string':
    case 'secret':
      return 'template';
    case 'boolean':
      return 'boolean';
    case 'select':
      return 'enum';
    default:
      return 'value';
  }
}

/**
 * What an unset parameter of a plugin node passes: an expression the helper takes in any shape
 * (a body, a payload) defaults to the node's input, as the plugins describe ("Default: the item");
 * a text the helper requires is empty; anything else is left out.
 */
function unsetArgument(nodeParameter: PluginNodeParameterManifest | undefined, argument: HelperParameterManifest): 'input' | 'empty' | 'omit' {
  if (nodeParameter?.type === 'expression' && argument.schema.type === undefined) return 'input';
  if (argument.optional !== true && argument.schema.type === 'string') return 'empty';
  return 'omit';
}

/**
 * A node a plugin declares itself (`nodes` of its manifest): its parameters map by name to the
 * helper's arguments; its `error` output receives failures, its other outputs the helper's return
 * value (a response body, a sequence number). Returns an error text when the node cannot call its helper.
 */
export function pluginNodeDefinition(node: PluginNodeManifest, helper: HelperManifestEntry | undefined, plugin: NodePluginSource): NodeDefinition | string {
  if (!helper) return `plugin ${plugin.name}: node "${node.type}" calls ${node.helper}, which the plugin does not declare`;
  const byName = new Map(node.parameters.map((p) => [p.name, p]));
  const unknown = node.parameters.filter((p) => !helper.parameters.some((a) => a.name === p.name)).map((p) => p.name);
  if (unknown.length > 0) return `plugin ${plugin.name}: node "${node.type}" has parameter(s) ${unknown.join(', ')} that ${node.helper} does not take`;
  const argumentSchemas = new Map(helper.parameters.map((p) => [p.name, p]));
  const parameters = node.parameters.map((p): ParameterDefinition => {
    const argument = argumentSchemas.get(p.name);
    const parameter: ParameterDefinition = {
      name: p.name,
      label: p.label,
      description: p.description ?? argument?.description ?? '',
      kind: pluginParameterKind(p.type),
      required: p.required === true,
    };
    if (isJsonValue(p.default)) parameter.default = p.default;
    if (p.options) parameter.options = p.options.map((o) => ({ value: o.value, label: o.label }));
    if (argument) parameter.schema = argument.schema;
    if (p.type === 'secret' || argument?.secret) parameter.secret = true;
    return parameter;
  });
  const outputs: Record<string, HelperOutput> = {};
  for (const o of node.ports.outputs) outputs[o.name] = o.name === 'error' ? 'error' : 'result';
  const ports: NodePorts = {
    inputs: node.ports.inputs.map((i) => ({ id: i.name, label: i.label ?? i.name, type: 'any', required: true })),
    outputs: node.ports.outputs.map((o) => outputPort(o.name, o.label ?? o.name, o.name === 'error' ? 'object' : 'any')),
  };
  return {
    type: `plugin.${node.type}`,
    version: 1,
    category: 'action',
    kind: 'helper',
    title: node.label,
    description: node.description ?? helper.description,
    group: node.category,
    helper: {
      name: fullHelperName(helper.name),
      argumentParameters: helper.parameters.map((p) => (byName.has(p.name) ? p.name : undefined)),
      unsetArguments: helper.parameters.map((p) => unsetArgument(byName.get(p.name), p)),
      outputs,
    },
    plugin: { name: plugin.name, version: plugin.version },
    parameters,
    ports: () => ports,
  };
}

/** Node definitions of an installed plugin (a generic node per helper, then its own nodes) and the problems found. */
export function pluginNodeDefinitions(plugin: InstalledPlugin): { definitions: NodeDefinition[]; problems: string[] } {
  const source = { name: plugin.name, version: plugin.version };
  const definitions: NodeDefinition[] = [];
  const problems: string[] = [];
  const helpers = new Map<string, HelperManifestEntry>();
  for (const helper of plugin.manifest.helpers) {
    helpers.set(fullHelperName(helper.name), helper);
    definitions.push(helperNodeDefinition(helper, source));
  }
  for (const node of plugin.manifest.nodes ?? []) {
    const definition = pluginNodeDefinition(node, helpers.get(fullHelperName(node.helper)), source);
    if (typeof definition === 'string') problems.push(definition);
    else definitions.push(definition);
  }
  return { definitions, problems };
}
