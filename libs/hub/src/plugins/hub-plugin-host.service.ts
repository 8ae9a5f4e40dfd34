import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SCHEMA_VERSION, type PluginRef } from '@wirehook/contracts';
import { findHelperUsages, PluginHost, PluginPackageFetcher, pluginsDirOf, type PluginApplyReport, type PluginLogLevel } from '@wirehook/plugin-sdk';
import { WIREHOOK_VERSION } from '@wirehook/process';
import type { HelperBridge } from '@wirehook/runtime';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';
import { HubRuntimeService } from '../runtime/hub-runtime.service';

/**
 * The plugins the hub's own agent runtime calls (`onHubAction`, `onPodEvent`, hub jobs): loaded from
 * the hub's plugins folder whenever the installed set changes, and given to the runtime as its
 * `vendor.*` bridge. Agents that name a helper which just appeared are reloaded so they see it.
 */
@Injectable()
export class HubPluginHost implements OnModuleDestroy {
  readonly host: PluginHost;
  readonly bridge: HelperBridge;
  /** Installs a version missing from the hub's plugins folder from the package bucket. */
  readonly fetcher: PluginPackageFetcher;

  constructor(
    @Inject(HUB_OPTIONS) options: HubOptions,
    logs: LogService,
    private readonly moduleRef: ModuleRef,
  ) {
    const { config } = options;
    const log = (level: PluginLogLevel, agent: string, message: string) =>
      logs.publish({ v: SCHEMA_VERSION, time: Date.now(), node: HUB_NODE_NAME, agent, level, source: 'runtime', message });
    const pluginsDir = pluginsDirOf(config);
    const host = { version: WIREHOOK_VERSION };
    // The hub installs into its folder; it fetches from the bus only what its folder lost (a
    // restart with an empty data volume), as workers do.
    this.fetcher = new PluginPackageFetcher({
      store: options.bus,
      pluginsDir,
      host,
      installDependencies: config.plugins.installDependencies,
      log: (message) => log('info', '', `${message} on ${HUB_NODE_NAME}`),
    });
    this.host = new PluginHost({
      node: HUB_NODE_NAME,
      pluginsDir,
      host,
      metrics: options.metrics,
      filesRoot: join(resolve(config.database.dataDir), 'agent-files', HUB_NODE_NAME, 'agents'),
      log,
      fetchPackage: (name, version) => this.fetcher.ensure(name, version),
    });
    this.bridge = { helpers: () => this.host.helpers(), timeoutMs: config.plugins.callTimeoutMs };
  }

  /** Loads exactly `plugins`, then reloads the hub's agents that name a helper that was missing. */
  async apply(plugins: PluginRef[]): Promise<PluginApplyReport> {
    const report = await this.host.apply(plugins);
    if (report.addedHelpers.length > 0) {
      // Resolved late: the runtime service itself depends on this host for its bridge.
      const runtime = this.moduleRef.get(HubRuntimeService, { strict: false });
      await runtime.reloadAgents((agent) => findHelperUsages(agent.source, report.addedHelpers).length > 0);
    }
    return report;
  }

  async onModuleDestroy(): Promise<void> {
    await this.host.close();
  }
}
