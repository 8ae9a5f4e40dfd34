import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Subscription } from '@wirehook/bus';
import { SCHEMA_VERSION, Subjects, type PluginsChangedMessage, type PluginsCurrentRequest, type PluginStatsReply } from '@wirehook/contracts';
import { findHelperUsages, PluginHost, PluginPackageFetcher, pluginsDirOf, pluginStatsReply, type PluginApplyReport, type PluginLogLevel } from '@wirehook/plugin-sdk';
import { WIREHOOK_VERSION } from '@wirehook/process';
import type { HelperBridge } from '@wirehook/runtime';
import { WorkerRuntimeService } from '../runtime/worker-runtime.service';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';

const PLUGINS_REQUEST_RETRY_MS = 2_000;

/**
 * The plugins this worker's agents call as `vendor.*`. Code comes from the worker's plugins folder
 * (`plugins.dir`): a version missing there is fetched from the hub's package bucket over the bus and
 * installed (with a folder shared with the hub it is there already). Which plugins and versions
 * come from the hub: asked at start (`wirehook.plugins.current`, until it answers) and then every `wirehook.plugins.changed`,
 * applied without a restart. Agents that name a helper that just appeared are reloaded.
 */
@Injectable()
export class WorkerPluginHost implements OnApplicationBootstrap, OnModuleDestroy {
  readonly host: PluginHost;
  readonly bridge: HelperBridge;
  private readonly node: string;
  private readonly subscriptions: Subscription[] = [];
  /** Set once a set from the hub was applied, so a late start-up reply cannot undo a newer announcement. */
  private announced = false;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    const { config, bus } = options;
    this.node = workerNodeName(config);
    const log = (level: PluginLogLevel, agent: string, message: string) =>
      bus.publish(Subjects.logs(this.node), { v: SCHEMA_VERSION, time: Date.now(), node: this.node, agent, level, source: 'runtime', message });
    const pluginsDir = pluginsDirOf(config);
    const host = { version: WIREHOOK_VERSION };
    // A version missing from this node's folder comes from the hub over the bus (no shared volume).
    const fetcher = new PluginPackageFetcher({
      store: bus,
      pluginsDir,
      host,
      installDependencies: config.plugins.installDependencies,
      log: (message) => log('info', '', `${message} on ${this.node}`),
    });
    this.host = new PluginHost({
      node: this.node,
      pluginsDir,
      host,
      metrics: options.metrics,
      filesRoot: join(resolve(config.database.dataDir), 'agent-files', this.node, 'agents'),
      log,
      fetchPackage: (name, version) => fetcher.ensure(name, version),
    });
    this.bridge = { helpers: () => this.host.helpers(), timeoutMs: config.plugins.callTimeoutMs };
  }

  onApplicationBootstrap(): void {
    const { bus } = this.options;
    this.subscriptions.push(
      bus.subscribe<PluginsChangedMessage>(Subjects.pluginsChanged, (message) => {
        this.announced = true;
        return this.apply(message).then(() => undefined);
      }),
      bus.reply<unknown, PluginStatsReply>(Subjects.pluginStats(this.node), () => pluginStatsReply(this.node, this.host)),
    );
    void this.requestPlugins();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    await this.host.close();
  }

  private async apply(message: PluginsChangedMessage): Promise<PluginApplyReport | undefined> {
    if (!Array.isArray(message?.plugins)) return undefined;
    const report = await this.host.apply(message.plugins);
    if (report.addedHelpers.length > 0) {
      // Resolved late: the runtime service itself depends on this host for its bridge.
      const runtime = this.moduleRef.get(WorkerRuntimeService, { strict: false });
      await runtime.reloadAgents((agent) => findHelperUsages(agent.source, report.addedHelpers).length > 0);
    }
    return report;
  }

  /** Asks the hub for the installed plugins until it answers (the hub may start after the worker). */
  private async requestPlugins(): Promise<void> {
    if (this.closed || this.announced) return;
    try {
      const request: PluginsCurrentRequest = {};
      const message = await this.options.bus.request<PluginsCurrentRequest, PluginsChangedMessage>(Subjects.pluginsCurrent, request, 5_000);
      if (!this.announced) {
        this.announced = true;
        await this.apply(message);
      }
    } catch (error) {
      this.options.logger.info(`waiting for the hub to list plugins: ${(error as Error).message}`);
      this.retry = setTimeout(() => void this.requestPlugins(), PLUGINS_REQUEST_RETRY_MS);
    }
  }
}
