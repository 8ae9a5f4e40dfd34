import type { FlowNode, JsonObject, FlowPosition } from '../model/graph';
import { cloneJson } from '../model/stable-json';
import { builtinActions } from './actions';
import { pluginNodeDefinitions } from './helper-nodes';
import { logicNodes } from './logic';
import type { InstalledPlugin } from './plugin-manifest';
import { hookTriggers, scheduleTrigger } from './triggers';
import type { FlowCatalog, NodeDefinition, NodePorts } from './types';

export interface CatalogOptions {
  /** Installed plugins: each helper becomes an action node, and so does each node a plugin declares. */
  plugins?: InstalledPlugin[];
  /** Further node definitions (tests, experiments); they may not replace existing types. */
  extra?: NodeDefinition[];
}

export interface BuiltCatalog extends FlowCatalog {
  /** Plugin nodes that could not be made or clashed with an existing type. */
  problems: string[];
}

/** The built-in node types (triggers, logic, console.log/hub.action/prometheus.metric/mark). */
export function builtinNodeDefinitions(): NodeDefinition[] {
  return [...hookTriggers(), scheduleTrigger(), ...logicNodes(), ...builtinActions()];
}

/** The node palette: built-in types plus one action node per helper of the installed plugins. */
export function createCatalog(options: CatalogOptions = {}): BuiltCatalog {
  const definitions = new Map<string, NodeDefinition>();
  const problems: string[] = [];
  const add = (definition: NodeDefinition, origin: string) => {
    if (definitions.has(definition.type)) {
      problems.push(`${origin}: node type ${definition.type} already exists; ignored`);
      return;
    }
    definitions.set(definition.type, definition);
  };
  for (const definition of builtinNodeDefinitions()) add(definition, 'built-in');
  const plugins = [...(options.plugins ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const plugin of plugins) {
    const made = pluginNodeDefinitions(plugin);
    problems.push(...made.problems);
    for (const definition of made.definitions) add(definition, `plugin ${plugin.name}@${plugin.version}`);
  }
  for (const definition of options.extra ?? []) add(definition, 'extra');
  const list = [...definitions.values()];
  return {
    get: (type) => definitions.get(type),
    list: () => list,
    problems,
  };
}

/** Default parameters of a node type (a deep copy, safe to edit). */
export function defaultNodeData(definition: NodeDefinition): JsonObject {
  const data: JsonObject = {};
  for (const parameter of definition.parameters) {
    if (parameter.default !== undefined) data[parameter.name] = cloneJson(parameter.default);
  }
  return data;
}

/** A new node of a type with its default parameters (what the palette drops on the canvas). */
export function createNode(catalog: FlowCatalog, type: string, id: string, position: FlowPosition = { x: 0, y: 0 }, data: JsonObject = {}): FlowNode {
  const definition = catalog.get(type);
  if (!definition) throw new Error(`unknown node type ${JSON.stringify(type)}`);
  return { id, type, version: definition.version, position: { x: position.x, y: position.y }, data: { ...defaultNodeData(definition), ...cloneJson(data) } };
}

/** The ports of a node, or undefined when its type is unknown. */
export function nodePorts(catalog: FlowCatalog, node: Pick<FlowNode, 'type' | 'data'>): NodePorts | undefined {
  return catalog.get(node.type)?.ports(node.data);
}
