/**
 * The plugin manifest: what a plugin package declares under the `wirehook` key of its
 * `package.json`. The host reads it before loading any of the plugin's code.
 */

/** The plugin API this SDK (and the host built with it) implements. A plugin declares the one it was written for. */
export const PLUGIN_API_VERSION = 1;

/** A JSON Schema (draft-07) as a plain object; validated with ajv. */
export type JsonSchema = { [keyword: string]: unknown };

/** One positional parameter of a helper, in call order. */
export interface HelperParameter {
  name: string;
  description?: string;
  /** What the argument must be. `{}` accepts anything. */
  schema: JsonSchema;
  /** May be left out (only trailing parameters). */
  optional?: boolean;
  /** Holds a credential: never logged, shown as "***" in errors. */
  secret?: boolean;
}

/**
 * How a call is delivered. `await`: the agent's call waits for the result (retries included, within
 * the agent's helper timeout). `queue`: the call returns `true` once the job is queued; delivery,
 * retries and failures happen afterwards and are counted and logged.
 */
export type HelperDelivery = 'await' | 'queue';

export interface HelperManifest {
  /** Full name as agents write it, e.g. `vendor.slack` or `vendor.kinesis.put`. */
  name: string;
  /** Key of the implementation in the plugin module's `helpers`; default: the name without `vendor.`. */
  export?: string;
  description: string;
  parameters: HelperParameter[];
  returns: { description: string; schema?: JsonSchema };
  /** Default `await`. */
  delivery?: HelperDelivery;
  /**
   * Repeating the call is harmless, so a failed attempt may be retried. A module can refine this per
   * call (`idempotent(args)`), and an error may say it is always (`retryable: true`, nothing was done)
   * or never (`retryable: false`) worth retrying. Default false.
   */
  idempotent?: boolean;
  /** ES5 snippets that call the helper. */
  examples?: string[];
}

export type FlowParameterType = 'string' | 'number' | 'boolean' | 'json' | 'select' | 'secret' | 'expression';

/** A field of a flow-editor node; maps to a helper parameter of the same name. */
export interface FlowNodeParameter {
  name: string;
  label: string;
  type: FlowParameterType;
  required?: boolean;
  default?: unknown;
  /** For `select`. */
  options?: Array<{ value: string; label: string }>;
  description?: string;
}

export interface FlowNodePort {
  name: string;
  label?: string;
}

/** How the flow editor shows the plugin: one node per helper it offers there. */
export interface FlowNodeDefinition {
  /** Unique among the plugin's nodes, e.g. `slack.message`. */
  type: string;
  label: string;
  /** Palette group, e.g. `notify`, `stream`, `http`. */
  category: string;
  description?: string;
  /** The helper the node calls (full name). */
  helper: string;
  parameters: FlowNodeParameter[];
  ports: { inputs: FlowNodePort[]; outputs: FlowNodePort[] };
}

/** An environment variable of the host process the plugin reads (it sees only those declared). */
export interface EnvKeyDefinition {
  name: string;
  description: string;
  required?: boolean;
  secret?: boolean;
}

/** A credential the plugin uses, and where it comes from. */
export interface CredentialDefinition {
  name: string;
  description: string;
  /** `argument`: a helper parameter (marked secret); `setting`: a plugin setting; `env`: an env key. */
  source: 'argument' | 'setting' | 'env';
  /** The helper parameter, setting or env key that carries it. */
  key: string;
  helper?: string;
}

/** Delivery tuning; the manifest gives defaults, the plugin's settings (`delivery`) override them. */
export interface DeliveryOptions {
  /** Attempts running at once for the whole plugin on one node. */
  concurrency: number;
  /** Attempts running at once for one agent, so one agent cannot take every slot. */
  agentConcurrency: number;
  /** Jobs waiting (queued or between retries) for the plugin on one node; more are dropped. */
  queueSize: number;
  /** Jobs waiting for one agent; more are dropped. */
  agentQueueSize: number;
  /** Longest wait for one attempt, in ms. */
  timeoutMs: number;
  /** Retries after the first attempt (only where safe). */
  retries: number;
  /** First backoff, in ms; doubled each retry, with jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  /** For `queue` helpers: the longest time a job may take, retries included, in ms. */
  deliveryTimeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  concurrency: 16,
  agentConcurrency: 4,
  queueSize: 2000,
  agentQueueSize: 500,
  timeoutMs: 5000,
  retries: 3,
  backoffMs: 100,
  maxBackoffMs: 5000,
  deliveryTimeoutMs: 60_000,
};

/** An example agent shipped with the plugin (shown in the dashboard, run by its tests). */
export interface PluginExample {
  title: string;
  description?: string;
  /** ES5 agent source. */
  source: string;
}

/** The `wirehook` key of a plugin's package.json. */
export interface PluginManifest {
  /** The plugin API it is written for; must equal the host's PLUGIN_API_VERSION. */
  apiVersion: number;
  /** Semver range of Wirehook versions it works with, e.g. `>=0.1.0 <1.0.0`. */
  host: string;
  displayName?: string;
  description?: string;
  helpers: HelperManifest[];
  nodes?: FlowNodeDefinition[];
  env?: EnvKeyDefinition[];
  credentials?: CredentialDefinition[];
  /** JSON Schema (type object) of the plugin's settings, with defaults. */
  settings?: JsonSchema;
  delivery?: Partial<DeliveryOptions>;
  examples?: PluginExample[];
}

/** What the host needs from a plugin's package.json. */
export interface PluginPackage {
  name: string;
  version: string;
  /** Entry file relative to the package root (`main`, default `index.js`). */
  main: string;
  description?: string;
  /** `engines.node`, when given. */
  nodeEngine?: string;
  /** Runtime dependencies: name → range. */
  dependencies: Record<string, string>;
  /** Dependencies shipped inside the tarball (`bundleDependencies`). */
  bundled: string[];
  manifest: PluginManifest;
}
