import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import semver from 'semver';
import { compileArgumentValidator, type ArgumentCheck } from '../argument-validation';
import { compatibilityProblems, type HostInfo } from '../compatibility';
import type { HelperContext, PluginModule } from '../helper-contract';
import { PluginHost, type HelperCaller, type PluginLogLevel } from '../host/plugin-host';
import { checkPluginModule, toImplementation } from '../host/plugin-module';
import type { HelperManifest, PluginManifest, PluginPackage } from '../manifest';
import { helperExportName, readPluginPackage } from '../read-manifest';
import { resolveSettings } from '../settings';

export interface PluginTestKitOptions {
  /** The plugin's package.json: its path, its folder, or the parsed object. */
  packageJson: string | object;
  /** The plugin's entry module, usually its source imported directly (`import * as plugin from '../src'`). */
  module: unknown;
  /** Stored settings (without defaults; `delivery` tunes the queue). */
  settings?: Record<string, unknown>;
  /** Environment the plugin may read (only its declared keys reach it). */
  env?: Record<string, string>;
  /** Host to check against and run as; default the lowest Wirehook version the manifest accepts. */
  host?: HostInfo;
  /** HelperContext.filesRoot: where agents' files are (for helpers that read files). */
  filesRoot?: string;
}

export interface KitLogLine {
  level: PluginLogLevel;
  agent: string;
  message: string;
}

export interface KitCallOptions {
  agent?: { id: string; title: string };
  signal?: AbortSignal;
  attempt?: number;
  settings?: Record<string, unknown>;
}

export interface PluginTestKit {
  pkg: PluginPackage;
  manifest: PluginManifest;
  /** Reasons a host would refuse the plugin (empty: it loads). */
  compatibility(host: HostInfo): string[];
  /** Checks arguments against a helper's parameter schemas, as the host does before every call. */
  validate(helper: string, args: unknown[]): ArgumentCheck;
  /** Validates and runs one attempt of a helper directly (no queue, no retries), whatever its delivery mode. */
  call(helper: string, args: unknown[], options?: KitCallOptions): Promise<unknown>;
  /**
   * A PluginHost (the host's own) with this plugin loaded: calls go through validation and the real
   * delivery queue. Give `{ helpers: () => host.helpers() }` to an AgentRuntime to run agents on it.
   */
  host(options?: { node?: string; metrics?: Registry }): Promise<PluginHost>;
  /** Everything the plugin and the host logged, in order. */
  logs: KitLogLine[];
  /** Closes the hosts made by host(). */
  close(): Promise<void>;
}

/**
 * What a plugin author needs to test a plugin alone: the manifest checked as the host checks it,
 * argument validation, direct calls with a recorded context, and the real PluginHost.
 */
export function createPluginTestKit(options: PluginTestKitOptions): PluginTestKit {
  const pkg = readPluginPackage(readPackageJson(options.packageJson), typeof options.packageJson === 'string' ? options.packageJson : 'package.json');
  const module: PluginModule = checkPluginModule(options.module, pkg);
  const host: HostInfo = options.host ?? { version: semver.minVersion(pkg.manifest.host)?.version ?? '0.0.0' };
  const logs: KitLogLine[] = [];
  const hosts: PluginHost[] = [];
  const findHelper = (name: string): HelperManifest => {
    const helper = pkg.manifest.helpers.find((h) => h.name === name);
    if (!helper) throw new Error(`${pkg.name} declares no helper ${name} (it has ${pkg.manifest.helpers.map((h) => h.name).join(', ')})`);
    return helper;
  };
  const env = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const key of pkg.manifest.env ?? []) if (options.env?.[key.name] !== undefined) out[key.name] = options.env[key.name];
    return out;
  };
  return {
    pkg,
    manifest: pkg.manifest,
    logs,
    compatibility: (against) => compatibilityProblems(pkg, against),
    close: async () => {
      await Promise.all(hosts.splice(0).map((h) => h.close()));
    },
    validate: (name, args) => compileArgumentValidator(findHelper(name))(args),
    async call(name, args, callOptions = {}) {
      const helper = findHelper(name);
      const checked = compileArgumentValidator(helper)(args);
      if (!checked.ok) throw new Error(`${name}: ${checked.problems.join('; ')}`);
      const implementation = toImplementation(module.helpers[helperExportName(helper)]);
      if (!implementation) throw new Error(`${name} is not exported`);
      const agent = callOptions.agent ?? { id: 'test-agent', title: 'Test agent' };
      const line = (level: PluginLogLevel) => (message: string) => logs.push({ level, agent: agent.title, message });
      const context: HelperContext<never> = {
        helper: name,
        agent,
        node: 'test',
        signal: callOptions.signal ?? new AbortController().signal,
        settings: resolveSettings(pkg, callOptions.settings ?? options.settings).settings as never,
        env: env(),
        logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
        metrics: { increment: () => undefined, set: () => undefined },
        attempt: callOptions.attempt ?? 1,
        calledAt: Date.now(),
        filesRoot: options.filesRoot,
      };
      return implementation.run(checked.args, context);
    },
    async host(hostOptions = {}) {
      const pluginHost = new PluginHost({
        node: hostOptions.node ?? 'test',
        pluginsDir: join(process.cwd(), 'plugins-not-used-by-the-test-kit'),
        host,
        metrics: hostOptions.metrics ?? new Registry(),
        env: options.env ?? {},
        filesRoot: options.filesRoot,
        log: (level, agent, message) => logs.push({ level, agent, message }),
      });
      await pluginHost.use(pkg, module, options.settings ?? {});
      hosts.push(pluginHost);
      return pluginHost;
    },
  };
}

/** A caller for `host.helpers()[name](args, caller)` outside a runtime. */
export function testCaller(overrides: Partial<HelperCaller> = {}): HelperCaller {
  return { agentId: 'test-agent', agentTitle: 'Test agent', nodeName: 'test', signal: new AbortController().signal, ...overrides };
}

function readPackageJson(source: string | object): unknown {
  if (typeof source !== 'string') return source;
  const file = existsSync(source) && statSync(source).isDirectory() ? join(source, 'package.json') : source;
  return JSON.parse(readFileSync(file, 'utf8'));
}
