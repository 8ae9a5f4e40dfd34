import { existsSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { compileArgumentValidator, type ArgumentValidator } from '../argument-validation';
import { assertCompatible, type HostInfo } from '../compatibility';
import type { HelperContext, HelperFailure, HelperLogger, PluginModule } from '../helper-contract';
import { createAjv } from '../json-schema';
import type { HelperManifest, PluginPackage } from '../manifest';
import { helperExportName, readPluginPackageDir } from '../read-manifest';
import { resolveSettings, type ResolvedSettings } from '../settings';
import { DeliveryQueue, type DeliveryQueueStats } from './delivery-queue';
import { checkPluginModule, loadPluginModule, pluginPackagePath, toImplementation, type HelperImplementation } from './plugin-module';
import { PluginMetrics } from './plugin-metrics';

export type PluginLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Who calls a helper; the shape of the runtime's HelperCallContext. */
export interface HelperCaller {
  agentId: string;
  agentTitle: string;
  nodeName: string;
  /** Aborted when the agent stops waiting (its helper timeout, hook budget, unload). */
  signal: AbortSignal;
}

/** What the runtime's HelperBridge calls: `vendor.<name>(...args)`. */
export type BridgeHelper = (args: unknown[], caller: HelperCaller) => Promise<unknown>;

export interface PluginHostOptions {
  /** `hub` or the worker's node name (metrics label, helper context). */
  node: string;
  /** The node's plugins folder (packages/<name>@<version>). */
  pluginsDir: string;
  /** Checked again at every load. */
  host: HostInfo;
  metrics?: Registry;
  /** Plugin log lines, under the calling agent's title ('' when not tied to one). */
  log(level: PluginLogLevel, agent: string, message: string): void;
  /** Where declared env keys are read; default process.env. */
  env?: Record<string, string | undefined>;
  /** Where agents' files live on this node (HelperContext.filesRoot); default none. */
  filesRoot?: string;
  /** At most this many failure lines of `queue` helpers per plugin per second; default 10. */
  failureLogsPerSecond?: number;
  /**
   * Called before loading a version whose folder is missing from `pluginsDir`, to put it there
   * (PluginPackageFetcher: from the hub over the bus). What it throws is that plugin's load error.
   */
  fetchPackage?: (name: string, version: string) => Promise<void>;
}

/** One plugin the node should run. */
export interface PluginSpec {
  name: string;
  version: string;
  settings?: Record<string, unknown>;
}

export interface PluginStatus {
  name: string;
  version: string;
  state: 'loaded' | 'failed';
  /** Why it was refused (state failed) or why its new settings were not applied. */
  error?: string;
  helpers: string[];
}

export interface PluginApplyReport {
  loaded: PluginStatus[];
  unloaded: string[];
  failed: PluginStatus[];
  /** Helper names (full) that appeared or disappeared: agents referring to them need a reload. */
  addedHelpers: string[];
  removedHelpers: string[];
}

export interface PluginDeliveryStats extends DeliveryQueueStats {
  plugin: string;
  version: string;
  node: string;
}

interface LoadedPlugin {
  pkg: PluginPackage;
  module: PluginModule;
  resolved: ResolvedSettings;
  /** Stored settings as given (to see whether they changed). */
  settingsKey: string;
  /** Bridge name (without `vendor.`) → implementation. */
  helpers: Map<string, BridgeHelper>;
  settingsError?: string;
}

/**
 * The plugins one node runs: loads plugin versions from the plugins folder (checking compatibility
 * again), validates every call's arguments against the manifest, and delivers calls through each
 * plugin's DeliveryQueue. `helpers()` is what the agent runtime's HelperBridge asks.
 */
export class PluginHost {
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly failures = new Map<string, PluginStatus>();
  private readonly queues = new Map<string, DeliveryQueue>();
  private readonly metrics: PluginMetrics;
  private readonly failureLogs = new Map<string, { second: number; count: number }>();
  private applying: Promise<unknown> = Promise.resolve();
  private closed = false;

  private readonly options: PluginHostOptions;

  constructor(options: PluginHostOptions) {
    // A failing log sink (a bus closing at shutdown) must not break delivery.
    this.options = {
      ...options,
      log: (level, agent, message) => {
        try {
          options.log(level, agent, message);
        } catch {
          // dropped: nowhere left to report it
        }
      },
    };
    this.metrics = new PluginMetrics(options.metrics, options.node);
  }

  /**
   * Makes the loaded set exactly `specs` (serialised with other calls): loads new versions from the
   * plugins folder, applies changed settings, unloads the rest. Never throws for one plugin: a
   * refused one is reported (and logged) with the reason.
   */
  apply(specs: PluginSpec[]): Promise<PluginApplyReport> {
    const run = this.applying.then(() => this.applyNow(specs));
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** Loads a plugin from code already in memory (tests, the test kit); replaces one of the same name. */
  use(pkg: PluginPackage, module: PluginModule, settings: Record<string, unknown> = {}): Promise<PluginApplyReport> {
    const run = this.applying.then(async () => {
      const before = this.helperNames();
      const checked = checkPluginModule(module, pkg);
      assertCompatible(pkg, this.options.host);
      await this.unloadOne(pkg.name);
      this.install(pkg, checked, settings);
      return { ...this.diff(before), loaded: [this.status(pkg.name)], unloaded: [], failed: [] };
    });
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** Bridge name → function, for the runtime's HelperBridge. */
  helpers(): Record<string, BridgeHelper> {
    const out: Record<string, BridgeHelper> = {};
    for (const plugin of this.plugins.values()) for (const [name, fn] of plugin.helpers) out[name] = fn;
    return out;
  }

  statuses(): PluginStatus[] {
    const loaded = [...this.plugins.keys()].map((name) => this.status(name));
    return [...loaded, ...this.failures.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  stats(): PluginDeliveryStats[] {
    return [...this.queues.entries()].map(([plugin, queue]) => ({
      plugin,
      version: this.plugins.get(plugin)?.pkg.version ?? '',
      node: this.options.node,
      ...queue.stats(),
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.applying;
    for (const name of [...this.plugins.keys()]) await this.unloadOne(name);
    for (const queue of this.queues.values()) queue.close('node stopping');
  }

  private async applyNow(specs: PluginSpec[]): Promise<PluginApplyReport> {
    const before = this.helperNames();
    const report: PluginApplyReport = { loaded: [], unloaded: [], failed: [], addedHelpers: [], removedHelpers: [] };
    if (this.closed) return report;
    const wanted = new Map(specs.map((spec) => [spec.name, spec]));
    for (const name of [...this.plugins.keys()]) {
      if (!wanted.has(name)) {
        await this.unloadOne(name);
        this.queues.get(name)?.close(`plugin ${name} was removed`);
        this.queues.delete(name);
        report.unloaded.push(name);
      }
    }
    for (const name of [...this.failures.keys()]) if (!wanted.has(name)) this.failures.delete(name);
    for (const spec of specs) {
      const current = this.plugins.get(spec.name);
      if (current && current.pkg.version === spec.version) {
        this.updateSettings(current, spec.settings ?? {});
        continue;
      }
      try {
        const dir = pluginPackagePath(this.options.pluginsDir, spec.name, spec.version);
        if (this.options.fetchPackage && !existsSync(dir)) await this.options.fetchPackage(spec.name, spec.version);
        const pkg = readPluginPackageDir(dir);
        if (pkg.name !== spec.name || pkg.version !== spec.version) {
          throw new Error(`${dir} holds ${pkg.name}@${pkg.version}, not ${spec.name}@${spec.version}`);
        }
        assertCompatible(pkg, this.options.host);
        resolveSettings(pkg, spec.settings);
        this.checkNameConflicts(pkg);
        const module = loadPluginModule(dir, pkg);
        if (current) await this.unloadOne(spec.name);
        this.install(pkg, module, spec.settings ?? {});
        this.failures.delete(spec.name);
        report.loaded.push(this.status(spec.name));
        this.options.log('info', '', `plugin ${pkg.name}@${pkg.version} loaded on ${this.options.node}: ${pkg.manifest.helpers.map((h) => h.name).join(', ')}`);
      } catch (error) {
        if (current) await this.unloadOne(spec.name);
        const status: PluginStatus = { name: spec.name, version: spec.version, state: 'failed', error: (error as Error).message, helpers: [] };
        this.failures.set(spec.name, status);
        report.failed.push(status);
        this.options.log('error', '', `plugin ${spec.name}@${spec.version} refused on ${this.options.node}: ${(error as Error).message}`);
      }
    }
    return { ...report, ...this.diff(before) };
  }

  private checkNameConflicts(pkg: PluginPackage): void {
    for (const helper of pkg.manifest.helpers) {
      for (const other of this.plugins.values()) {
        if (other.pkg.name === pkg.name) continue;
        const clash = other.pkg.manifest.helpers.find((h) => h.name === helper.name || h.name.startsWith(`${helper.name}.`) || helper.name.startsWith(`${h.name}.`));
        if (clash) throw new Error(`${helper.name} clashes with ${clash.name} of plugin ${other.pkg.name}`);
      }
    }
  }

  private install(pkg: PluginPackage, module: PluginModule, settings: Record<string, unknown>): void {
    const resolved = resolveSettings(pkg, settings);
    const queue = this.queues.get(pkg.name) ?? new DeliveryQueue(pkg.name, resolved.delivery, this.metrics.listener(pkg.name));
    queue.setOptions(resolved.delivery);
    this.queues.set(pkg.name, queue);
    const plugin: LoadedPlugin = { pkg, module, resolved, settingsKey: JSON.stringify(settings), helpers: new Map() };
    const ajv = createAjv();
    for (const helper of pkg.manifest.helpers) {
      const implementation = toImplementation(module.helpers[helperExportName(helper)]);
      if (!implementation) continue; // checkPluginModule refused this already
      plugin.helpers.set(helper.name.slice('vendor.'.length), this.bridgeHelper(plugin, helper, implementation, compileArgumentValidator(helper, ajv), queue));
    }
    this.plugins.set(pkg.name, plugin);
  }

  private updateSettings(plugin: LoadedPlugin, settings: Record<string, unknown>): void {
    const key = JSON.stringify(settings);
    if (key === plugin.settingsKey) return;
    try {
      plugin.resolved = resolveSettings(plugin.pkg, settings);
      plugin.settingsKey = key;
      plugin.settingsError = undefined;
      this.queues.get(plugin.pkg.name)?.setOptions(plugin.resolved.delivery);
    } catch (error) {
      plugin.settingsError = (error as Error).message;
      this.options.log('error', '', `plugin ${plugin.pkg.name}: new settings not applied on ${this.options.node}: ${plugin.settingsError}`);
    }
  }

  private async unloadOne(name: string): Promise<void> {
    const plugin = this.plugins.get(name);
    if (!plugin) return;
    this.plugins.delete(name);
    try {
      await plugin.module.close?.();
    } catch (error) {
      this.options.log('warn', '', `plugin ${name}: close() failed: ${(error as Error).message}`);
    }
  }

  private bridgeHelper(plugin: LoadedPlugin, helper: HelperManifest, implementation: HelperImplementation, validate: ArgumentValidator, queue: DeliveryQueue): BridgeHelper {
    const pluginName = plugin.pkg.name;
    const secretIndexes = helper.parameters.flatMap((param, i) => (param.secret ? [i] : []));
    const declaredEnv = (plugin.pkg.manifest.env ?? []).map((e) => e.name);
    const metrics = this.metrics.helperMetrics(pluginName);
    return async (rawArgs, caller) => {
      const agent = { id: caller.agentId, title: caller.agentTitle };
      const checked = validate(rawArgs);
      if (!checked.ok) {
        queue.countRejected(agent);
        throw new Error(checked.problems.join('; '));
      }
      const args = checked.args;
      const secrets = secretIndexes.map((i) => args[i]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
      const redact = (error: unknown): Error => {
        let message = error instanceof Error ? error.message : String(error);
        for (const secret of secrets) message = message.split(secret).join('***');
        return new Error(message);
      };
      const calledAt = Date.now();
      const env: Record<string, string> = {};
      const source = this.options.env ?? process.env;
      for (const key of declaredEnv) if (source[key] !== undefined) env[key] = String(source[key]);
      const logger = this.logger(pluginName, caller.agentTitle);
      const idempotent = implementation.idempotent ? implementation.idempotent(args) : helper.idempotent === true;
      const job = {
        agent,
        helper: helper.name,
        attempt: (signal: AbortSignal, attempt: number) => {
          const context: HelperContext<never> = {
            helper: helper.name,
            agent,
            node: caller.nodeName,
            signal,
            settings: plugin.resolved.settings as never,
            env,
            logger,
            metrics,
            attempt,
            calledAt,
            filesRoot: this.options.filesRoot,
          };
          return implementation.run(args, context);
        },
        retryable: (error: unknown) => {
          const flag = (error as HelperFailure | undefined)?.retryable;
          return flag === undefined ? idempotent : flag;
        },
      };
      if ((helper.delivery ?? 'await') === 'await') {
        try {
          const value = await queue.submit({ ...job, signal: caller.signal });
          return value === undefined ? null : value;
        } catch (error) {
          throw redact(error);
        }
      }
      let delivery: Promise<unknown>;
      try {
        delivery = queue.submit({ ...job, signal: AbortSignal.timeout(plugin.resolved.delivery.deliveryTimeoutMs) });
      } catch (error) {
        throw redact(error);
      }
      delivery.catch((error: unknown) => this.logFailure(pluginName, caller.agentTitle, `${helper.name}: ${redact(error).message}`));
      return true;
    };
  }

  private logger(plugin: string, agent: string): HelperLogger {
    const line = (level: PluginLogLevel) => (message: string) => this.options.log(level, agent, `[${plugin}] ${message}`);
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }

  /** Failures of `queue` helpers reach no caller: they are logged, at most N lines per plugin per second. */
  private logFailure(plugin: string, agent: string, message: string): void {
    const second = Math.floor(Date.now() / 1000);
    const gate = this.failureLogs.get(plugin) ?? { second, count: 0 };
    if (gate.second !== second) {
      gate.second = second;
      gate.count = 0;
    }
    gate.count++;
    this.failureLogs.set(plugin, gate);
    if (gate.count <= (this.options.failureLogsPerSecond ?? 10)) this.options.log('error', agent, `[${plugin}] delivery failed: ${message}`);
  }

  private status(name: string): PluginStatus {
    const plugin = this.plugins.get(name);
    if (!plugin) return this.failures.get(name) ?? { name, version: '', state: 'failed', error: 'not loaded', helpers: [] };
    return {
      name,
      version: plugin.pkg.version,
      state: 'loaded',
      ...(plugin.settingsError ? { error: plugin.settingsError } : {}),
      helpers: plugin.pkg.manifest.helpers.map((h) => h.name),
    };
  }

  private helperNames(): Set<string> {
    return new Set([...this.plugins.values()].flatMap((p) => p.pkg.manifest.helpers.map((h) => h.name)));
  }

  private diff(before: Set<string>): Pick<PluginApplyReport, 'addedHelpers' | 'removedHelpers'> {
    const after = this.helperNames();
    return { addedHelpers: [...after].filter((n) => !before.has(n)), removedHelpers: [...before].filter((n) => !after.has(n)) };
  }
}
