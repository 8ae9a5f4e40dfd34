import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpStatus, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { BlobInfo } from '@wirehook/bus';
import {
  Buckets,
  pluginPackageObject,
  SCHEMA_VERSION,
  Subjects,
  type PluginsChangedMessage,
  type PluginStatsReply,
  type PluginStatsRequest,
} from '@wirehook/contracts';
import {
  PluginFetchError,
  pluginPackagePath,
  pluginsDirOf,
  pluginStatsReply,
  readPluginPackageDir,
  removePluginFiles,
  resolveSettings,
  stagePlugin,
  type PluginPackage,
  type PluginSource,
  type StagedPlugin,
} from '@wirehook/plugin-sdk';
import { WIREHOOK_VERSION } from '@wirehook/process';
import type { InstalledPlugin } from '@wirehook/storage';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';
import { WorkerRegistry } from '../workers/worker-registry.service';
import { HubPluginHost } from './hub-plugin-host.service';
import { MajorUpgradeError, PluginRequestError } from './plugin-errors';
import { upgradePreflight, type AgentUsage, type UpgradePreflight } from './plugin-preflight';

/** How long the stats answer waits for one node. */
const NODE_STATS_TIMEOUT_MS = 1_000;

/** An installed plugin with what its manifest says (when its files are readable). */
export interface PluginDetails extends InstalledPlugin {
  package?: PluginPackage;
  /** Why the installed files could not be read. */
  problem?: string;
}

export interface InstallResult {
  plugin: InstalledPlugin;
  /** Where its files are now. */
  dir: string;
  /** Dependencies linked from the host's node_modules. */
  linked: string[];
}

export interface UpgradeResult extends InstallResult {
  preflight: UpgradePreflight;
}

export interface RemoveResult {
  name: string;
  version: string;
  /** Agents that still call its helpers (they now get "not installed"). */
  agents: AgentUsage[];
}

/**
 * The plugin registry: installs (folder, tarball, npm registry), upgrades with a preflight,
 * removes, enables and configures plugins; records them in PostgreSQL (PluginStore), puts each
 * installed version's tarball in the package bucket (Buckets.pluginPackages) and announces the
 * installed set on `wirehook.plugins.changed`, which every node (this hub included) applies from its
 * plugins folder, fetching from the bucket what that folder lacks. Changes are made one at a time.
 */
@Injectable()
export class PluginRegistry implements OnApplicationBootstrap {
  private readonly pluginsDir: string;
  private changing: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly hubHost: HubPluginHost,
    private readonly workers: WorkerRegistry,
    private readonly logs: LogService,
  ) {
    this.pluginsDir = pluginsDirOf(options.config);
  }

  /**
   * At start: every installed version's package goes to the bucket if it is not there (NATS without
   * persistence loses it) and comes back from it if the hub's folder lost it; then the hub's own
   * runtime gets the installed plugins, and nodes already up hear the set.
   */
  onApplicationBootstrap(): Promise<void> {
    return this.serially(async () => {
      try {
        await this.syncPackages();
        const message = await this.message();
        await this.hubHost.apply(message.plugins);
        this.options.bus.publish(Subjects.pluginsChanged, message);
      } catch (error) {
        this.log('error', `loading the installed plugins failed: ${(error as Error).message}`);
      }
    });
  }

  /** The announcement: every installed, enabled plugin with its version and settings. */
  async message(): Promise<PluginsChangedMessage> {
    const installed = await this.options.database.plugins.list();
    return { v: SCHEMA_VERSION, plugins: installed.filter((p) => p.enabled).map((p) => ({ name: p.name, version: p.version, settings: p.settings })) };
  }

  async list(): Promise<PluginDetails[]> {
    const installed = await this.options.database.plugins.list();
    return installed.map((plugin) => this.details(plugin));
  }

  async get(name: string): Promise<PluginDetails> {
    return this.details(await this.options.database.plugins.get(name));
  }

  /** Installs a plugin that is not installed yet (the same version again replaces its files). */
  install(source: PluginSource): Promise<InstallResult> {
    return this.serially(async () => {
      const staged = await this.stage(source);
      try {
        const existing = await this.options.database.plugins.find(staged.pkg.name);
        if (existing && existing.version !== staged.pkg.version) {
          throw new PluginRequestError(HttpStatus.CONFLICT, `${staged.pkg.name} ${existing.version} is installed: upgrade it to ${staged.pkg.version} instead`, {
            installed: existing.version,
          });
        }
        resolveSettings(staged.pkg, existing?.settings ?? {});
        return await this.commit(staged, existing ? 'reinstalled' : 'installed');
      } finally {
        await staged.discard();
      }
    });
  }

  /** What upgrading `name` to the package at `source` would touch; nothing is changed. */
  preflight(name: string, source: PluginSource): Promise<UpgradePreflight> {
    return this.serially(async () => {
      const staged = await this.stage(source);
      try {
        const current = await this.options.database.plugins.get(name);
        this.checkSameName(name, staged.pkg);
        return await this.preflightFor(current, staged.pkg);
      } finally {
        await staged.discard();
      }
    });
  }

  /**
   * Upgrades (or downgrades) an installed plugin. A major version change is refused (409, with the
   * preflight) unless `acceptMajor`; settings are kept and must suit the new version.
   */
  upgrade(name: string, source: PluginSource, acceptMajor: boolean): Promise<UpgradeResult> {
    return this.serially(async () => {
      const staged = await this.stage(source);
      try {
        const current = await this.options.database.plugins.get(name);
        this.checkSameName(name, staged.pkg);
        const preflight = await this.preflightFor(current, staged.pkg);
        if (preflight.major && !acceptMajor) throw new MajorUpgradeError(preflight);
        resolveSettings(staged.pkg, current.settings);
        const result = await this.commit(staged, `upgraded from ${current.version}`);
        // Nodes were told of the new version: nobody fetches the old one any more.
        if (current.version !== staged.pkg.version) await this.unpublishPackage(name, current.version);
        return { ...result, preflight };
      } finally {
        await staged.discard();
      }
    });
  }

  /** Removes a plugin: forgotten, announced (nodes unload it), then its files deleted. */
  remove(name: string): Promise<RemoveResult> {
    return this.serially(async () => {
      const current = await this.options.database.plugins.get(name);
      const pkg = this.readInstalled(current).package;
      const agents = pkg ? (await this.preflightFor(current, pkg)).agents : [];
      await this.options.database.plugins.remove(name);
      await this.announce();
      await removePluginFiles(this.pluginsDir, name);
      await this.unpublishPackage(name, current.version);
      this.log('info', `plugin ${name}@${current.version} removed`);
      return { name, version: current.version, agents };
    });
  }

  /** Enables/disables a plugin or replaces its settings (checked against its manifest), then announces. */
  update(name: string, changes: { enabled?: boolean; settings?: Record<string, unknown> }): Promise<PluginDetails> {
    return this.serially(async () => {
      const current = await this.options.database.plugins.get(name);
      if (changes.settings !== undefined) {
        const pkg = this.readInstalled(current).package;
        if (!pkg) throw new PluginRequestError(HttpStatus.CONFLICT, `${name}@${current.version}: installed files are missing; reinstall it first`);
        resolveSettings(pkg, changes.settings);
        await this.options.database.plugins.updateSettings(name, changes.settings);
      }
      if (changes.enabled !== undefined) await this.options.database.plugins.setEnabled(name, changes.enabled);
      await this.announce();
      return this.get(name);
    });
  }

  /** Load state and delivery counters of every plugin on the hub and on each live worker. */
  async stats(): Promise<PluginStatsReply[]> {
    const workers = this.workers
      .list()
      .filter((w) => !w.stale && w.node !== HUB_NODE_NAME)
      .map((w) => w.node);
    const replies = await Promise.all([
      Promise.resolve(pluginStatsReply(HUB_NODE_NAME, this.hubHost.host)),
      ...workers.map(async (node) => {
        try {
          const request: PluginStatsRequest = { v: SCHEMA_VERSION };
          const reply = await this.options.bus.request<PluginStatsRequest, PluginStatsReply>(Subjects.pluginStats(node), request, NODE_STATS_TIMEOUT_MS);
          return Array.isArray(reply?.plugins) ? { ...reply, node } : undefined;
        } catch {
          return undefined; // a worker going away: missing from this answer only
        }
      }),
    ]);
    return replies.filter((r): r is PluginStatsReply => r !== undefined);
  }

  private async stage(source: PluginSource): Promise<StagedPlugin> {
    return stagePlugin(source, { pluginsDir: this.pluginsDir, host: { version: WIREHOOK_VERSION }, installDependencies: this.options.config.plugins.installDependencies });
  }

  private async commit(staged: StagedPlugin, what: string): Promise<InstallResult> {
    const dir = await staged.commit();
    const plugin = await this.options.database.plugins.recordInstall({ name: staged.pkg.name, version: staged.pkg.version });
    // Before the announcement: a worker hearing of this version must find its package.
    await this.publishPackage(staged.pkg.name, staged.pkg.version);
    await this.announce();
    this.log('info', `plugin ${staged.pkg.name}@${staged.pkg.version} ${what}: ${staged.pkg.manifest.helpers.map((h) => h.name).join(', ')}`);
    return { plugin, dir, linked: Object.keys(staged.linked) };
  }

  /** The tarball the hub keeps of an installed version (what stagePlugin's commit copied). */
  private keptTarball(name: string, version: string): string {
    return join(this.pluginsDir, 'tarballs', pluginPackageObject(name, version));
  }

  /**
   * Puts an installed version's kept tarball in the package bucket. A failure is logged, not thrown:
   * the install stands, the hub and nodes sharing its folder run the plugin, and the next hub start
   * tries again.
   */
  private async publishPackage(name: string, version: string, data?: Uint8Array): Promise<boolean> {
    try {
      const bytes = data ?? (await readFile(this.keptTarball(name, version)));
      await this.options.bus.putBlob(Buckets.pluginPackages, pluginPackageObject(name, version), bytes);
      return true;
    } catch (error) {
      this.log('error', `plugin ${name}@${version}: package not published for the workers (they cannot load it unless they share plugins.dir with the hub): ${(error as Error).message}`);
      return false;
    }
  }

  private async unpublishPackage(name: string, version: string): Promise<void> {
    try {
      await this.options.bus.deleteBlob(Buckets.pluginPackages, pluginPackageObject(name, version));
    } catch (error) {
      this.log('error', `plugin ${name}@${version}: package not removed from the bus: ${(error as Error).message}`);
    }
  }

  /**
   * Makes the bucket and the hub's folder agree on every installed version: a kept tarball the
   * bucket lacks (or holds different bytes of) is put; a version whose folder is gone is fetched
   * back from the bucket. Problems are logged per plugin; none stops the start.
   */
  private async syncPackages(): Promise<void> {
    for (const plugin of await this.options.database.plugins.list()) {
      const { name, version } = plugin;
      let kept: Buffer | undefined;
      try {
        kept = await readFile(this.keptTarball(name, version));
      } catch {
        kept = undefined;
      }
      if (kept) {
        let stored: BlobInfo | undefined;
        try {
          stored = await this.options.bus.blobInfo(Buckets.pluginPackages, pluginPackageObject(name, version));
        } catch (error) {
          this.log('error', `plugin ${name}@${version}: cannot check its package on the bus: ${(error as Error).message}`);
          continue;
        }
        const sha256 = createHash('sha256').update(kept).digest('hex');
        if (stored?.sha256 !== sha256 && (await this.publishPackage(name, version, kept))) {
          this.log('info', `plugin ${name}@${version}: package ${stored ? 'replaced' : 'published'} on the bus for the workers`);
        }
      }
      if (existsSync(pluginPackagePath(this.pluginsDir, name, version))) continue;
      try {
        await this.hubHost.fetcher.ensure(name, version);
      } catch (error) {
        const reason = error instanceof PluginFetchError ? error.reason : (error as Error).message;
        this.log('error', `plugin ${name}@${version}: its files are missing on the hub and could not be restored from the bus: ${reason}; install it again`);
      }
    }
  }

  private async announce(): Promise<void> {
    this.options.bus.publish(Subjects.pluginsChanged, await this.message());
  }

  private async preflightFor(current: InstalledPlugin, next: PluginPackage): Promise<UpgradePreflight> {
    const installed = this.readInstalled(current).package;
    const [agents, flows] = await Promise.all([this.options.database.agents.list(), this.options.database.flows.list()]);
    return upgradePreflight(installed, next, agents, flows);
  }

  private checkSameName(name: string, pkg: PluginPackage): void {
    if (pkg.name !== name) throw new PluginRequestError(HttpStatus.BAD_REQUEST, `the package is ${pkg.name}, not ${name}`);
  }

  private details(plugin: InstalledPlugin): PluginDetails {
    return { ...plugin, ...this.readInstalled(plugin) };
  }

  private readInstalled(plugin: InstalledPlugin): { package?: PluginPackage; problem?: string } {
    try {
      return { package: readPluginPackageDir(pluginPackagePath(this.pluginsDir, plugin.name, plugin.version)) };
    } catch (error) {
      return { problem: (error as Error).message };
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changing.then(work);
    this.changing = run.catch(() => undefined);
    return run;
  }

  private log(level: 'info' | 'error', message: string): void {
    this.logs.publish({ v: SCHEMA_VERSION, time: Date.now(), node: HUB_NODE_NAME, agent: '', level, source: 'runtime', message });
  }
}
