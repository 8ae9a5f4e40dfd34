/**
 * The contract between a plugin and the host. A plugin's entry module exports `helpers`: one async
 * function per helper of its manifest (by export name). Plugins need only these types from the SDK
 * (`import type`), so a built plugin requires nothing of Wirehook's at run time.
 */

export interface HelperLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Plugin metrics on the node's `/metrics`, labelled with node, plugin and name. */
export interface HelperMetrics {
  /** Adds to `wirehook_plugin_events_total{name}` (default 1). */
  increment(name: string, value?: number): void;
  /** Sets `wirehook_plugin_values{name}`. */
  set(name: string, value: number): void;
}

/** What a helper learns about one call. The same context object is never reused between calls. */
export interface HelperContext<Settings extends object = Record<string, unknown>> {
  /** Full helper name, e.g. `vendor.slack`. */
  helper: string;
  /** The calling agent. */
  agent: { id: string; title: string };
  /** `hub` or the worker's node name. */
  node: string;
  /**
   * Aborted when this attempt times out or the caller gives up (its hook ran out of time, it was
   * unloaded). Pass it to the client library; work after it aborts is wasted.
   */
  signal: AbortSignal;
  /** The plugin's settings (stored by the hub, defaults from the manifest's settings schema filled in). */
  settings: Settings;
  /** The host environment variables the manifest declares under `env`, and no others. */
  env: Readonly<Record<string, string>>;
  logger: HelperLogger;
  metrics: HelperMetrics;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** When the agent made the call (ms since epoch); the same for every attempt (e.g. a point's timestamp). */
  calledAt: number;
  /**
   * The folder under which agents' own files live on this node (what `file.*` and `pcap.*` return
   * paths in). A helper that reads files an agent names must refuse paths outside it; undefined: none.
   */
  filesRoot?: string;
}

/**
 * An implementation. `args` are the agent's arguments, already checked against the manifest's JSON
 * Schemas (optional ones left out are absent). The result must be JSON (it crosses into the sandbox).
 */
export type HelperFunction<Args extends unknown[] = unknown[], Settings extends object = Record<string, unknown>> = (
  args: Args,
  context: HelperContext<Settings>,
) => Promise<unknown>;

/** An implementation with a per-call answer to "is it safe to repeat?" (the webhook: by HTTP method). */
export interface HelperDefinition<Args extends unknown[] = unknown[], Settings extends object = Record<string, unknown>> {
  run: HelperFunction<Args, Settings>;
  idempotent?(args: Args): boolean;
}

export type PluginHelper<Args extends unknown[] = unknown[], Settings extends object = Record<string, unknown>> =
  | HelperFunction<Args, Settings>
  | HelperDefinition<Args, Settings>;

/**
 * Any helper, whatever its argument tuple and settings type: declared as a method so that TypeScript
 * compares parameters bivariantly (each helper narrows `args` to its own tuple; the host has
 * validated them against the manifest before the call).
 */
export type AnyHelperFunction = { call(args: unknown[], context: HelperContext<never>): Promise<unknown> }['call'];

export type AnyPluginHelper = AnyHelperFunction | { run: AnyHelperFunction; idempotent?(args: unknown[]): boolean };

/** What a plugin's entry module exports (CommonJS `exports.helpers = …` or a default export with `helpers`). */
export interface PluginModule {
  helpers: Record<string, AnyPluginHelper>;
  /** Called when the plugin is unloaded (upgrade, removal, shutdown): close clients, stop timers. */
  close?(): void | Promise<void>;
}

/**
 * What a helper may attach to the error it throws, so the host retries only where it is safe:
 * `retryable: true` — nothing reached the destination (connection refused, 429, 503): retry even a
 * call that is not idempotent; `retryable: false` — retrying cannot help (400, bad token).
 * Absent — retried only when the call is idempotent. `retryAfterMs` asks for a minimum backoff.
 */
export interface HelperFailure {
  retryable?: boolean;
  retryAfterMs?: number;
}

/** An Error carrying HelperFailure fields; plugins build it with `Object.assign(new Error(m), { retryable })`. */
export type HelperError = Error & HelperFailure;
