import type { JsonObject, JsonPrimitive, JsonValue } from '../model/graph';

/** Every hook an agent may define (shared/docs/agent-api.md). */
export const HOOK_NAMES = ['onPacketCaptured', 'onItemCaptured', 'onItemQueried', 'onHubAction', 'onPodEvent', 'onJobPassed', 'onJobFailed'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/**
 * What travels on an edge. `item`: an item (onItemCaptured/onItemQueried); `packet`: packet info;
 * `pod-event`: `{event, pod, change}`; `hub-action`: `{action, object}`; `job-result`:
 * `{tag, cron, limit, error?}`; `tick`: `{tag, cron, time}` from a schedule; `aggregate`: a closed
 * window of a counter; `object`/`string`: built by a template; `any`: not known (snippets).
 */
export const PORT_TYPES = ['item', 'packet', 'pod-event', 'hub-action', 'job-result', 'tick', 'aggregate', 'object', 'string', 'any'] as const;
export type PortType = (typeof PORT_TYPES)[number];

/** An output typed `same-as-input` carries whatever arrives at the node's input (filters, limits, actions). */
export type OutputPortType = PortType | 'same-as-input';

export interface PortDefinition {
  /** The React Flow handle id. */
  id: string;
  label: string;
  type: OutputPortType;
  /**
   * Inputs: the node never runs unless it is wired. Outputs: the node is pointless unless this leads
   * somewhere (a trigger's output). Unwired required ports are validation errors.
   */
  required: boolean;
}

export interface NodePorts {
  inputs: PortDefinition[];
  outputs: PortDefinition[];
}

/**
 * How the editor shows a parameter and how the compiler reads it:
 * - `text`: a plain string used as it is (a name, a tag);
 * - `template`: a string with `{{data.path}}` / `{{env.NAME}}` placeholders, evaluated per event;
 * - `value`: any JSON value whose strings are templates; a string that is exactly one
 *   placeholder yields the value itself (an object, a number), not its text;
 * - `path`: a field path into the node's input (`response.status`, `request.headers["User-Agent"]`);
 * - `filter`: a filter-language (KFL) query; `cron`: 6 fields with seconds; `code`: ES5;
 * - `cases` / `fields` / `labels`: the lists of the switch, the object template and metric labels.
 */
export type ParameterKind =
  | 'text'
  | 'template'
  | 'value'
  | 'path'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'cron'
  | 'filter'
  | 'code'
  | 'cases'
  | 'fields'
  | 'labels';

/** A JSON Schema (draft-07) as a plain object, as plugin manifests carry them. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ParameterDefinition {
  name: string;
  label: string;
  description: string;
  kind: ParameterKind;
  /** Must be set (non-empty) when the parameter applies (see `when`). */
  required: boolean;
  default?: JsonValue;
  /** Choices of an `enum` parameter. */
  options?: Array<{ value: JsonPrimitive; label: string }>;
  /** Bounds of `number`/`integer` parameters. */
  min?: number;
  max?: number;
  /** The parameter applies only when another parameter has one of these values. */
  when?: { parameter: string; in: JsonPrimitive[] };
  /** Helper arguments: the JSON Schema from the plugin manifest (checked for literal values). */
  schema?: JsonSchema;
  /** Holds a credential: the editor masks it; a literal value is warned about (use `{{env.NAME}}`). */
  secret?: boolean;
}

export type NodeCategory = 'trigger' | 'logic' | 'action';

/** What the compiler generates for a node type. */
export type NodeKind =
  | 'trigger'
  | 'schedule'
  | 'filterField'
  | 'filterKfl'
  | 'switch'
  | 'aggregate'
  | 'rateLimit'
  | 'template'
  | 'snippet'
  | 'consoleLog'
  | 'hubAction'
  | 'metric'
  | 'mark'
  | 'helper';

/** Where a plugin-provided node type comes from. */
export interface NodePluginSource {
  name: string;
  version: string;
}

/** What a helper node's output port carries: the input passed on, the helper's return value, or the failure. */
export type HelperOutput = 'input' | 'result' | 'error';

/** How a helper node's parameters become the helper's positional arguments. */
export interface HelperCall {
  /** Full helper name, `vendor.slack` or `vendor.kinesis.put`. */
  name: string;
  /** Parameter name per argument position (`undefined` when the node has no parameter for it). */
  argumentParameters: Array<string | undefined>;
  /**
   * What an argument is when its parameter is unset: the node's input (a payload "default: the
   * item"), an empty string (a text the helper requires), or nothing (trailing ones are left out).
   */
  unsetArguments: Array<'input' | 'empty' | 'omit'>;
  /**
   * Per output port. An `error` port receives `{error, helper, input}` when the call throws (then
   * the other outputs are not called); without one wired, the throw stops the event as a hook error.
   */
  outputs: Record<string, HelperOutput>;
}

export interface NodeDefinition {
  /** The key nodes use in `FlowNode.type`. */
  type: string;
  /** Bumped when the parameters change meaning; older nodes go through `migrate`. */
  version: number;
  category: NodeCategory;
  kind: NodeKind;
  /** Palette label. */
  title: string;
  description: string;
  /** Palette group (`hooks`, `schedule`, `filter`, `transform`, `output`, or a plugin's category). */
  group: string;
  /** The hook a trigger defines. */
  hook?: HookName;
  helper?: HelperCall;
  plugin?: NodePluginSource;
  parameters: ParameterDefinition[];
  /** Ports may depend on the parameters (a switch has one output per case). */
  ports(data: JsonObject): NodePorts;
  /** Brings parameters written for an older version of this node type up to `version`. */
  migrate?(data: JsonObject, fromVersion: number): JsonObject;
}

export interface FlowCatalog {
  get(type: string): NodeDefinition | undefined;
  /** Every node type, in palette order (triggers, logic, actions; plugin nodes last). */
  list(): NodeDefinition[];
}
