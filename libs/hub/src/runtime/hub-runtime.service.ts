import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  QueueGroups,
  SCHEMA_VERSION,
  Subjects,
  type HubActionMessage,
  type PodEventMessage,
  type ScriptsChangedMessage,
} from '@wirehook/contracts';
import type { Subscription } from '@wirehook/bus';
import { AgentRuntime } from '@wirehook/runtime';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';

/** Runs the hub-side hooks: `onHubAction` (one hub replica per action) and `onPodEvent`. */
@Injectable()
export class HubRuntimeService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runtime: AgentRuntime;
  private readonly subscriptions: Subscription[] = [];
  /** Agent set changes are applied one after another, in the order announced. */
  private syncing: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    logs: LogService,
  ) {
    const { config, bus } = options;
    this.runtime = new AgentRuntime({
      nodeName: HUB_NODE_NAME,
      role: 'hub',
      env: config.scripting.env,
      limits: config.scripting.limits,
      dataDir: join(resolve(config.database.dataDir), 'agent-files', HUB_NODE_NAME),
      metrics: options.metrics,
      log: (entry) => logs.publish(entry),
      hubAction: (action, object, agent) => {
        const message: HubActionMessage = { v: SCHEMA_VERSION, action, object, from: { node: HUB_NODE_NAME, agent } };
        bus.publish(Subjects.hubAction(action), message);
      },
      targeted: () => ({ targets: [], excluded: [] }),
    });
  }

  onApplicationBootstrap(): void {
    const { bus } = this.options;
    this.subscriptions.push(
      bus.subscribe<ScriptsChangedMessage>(Subjects.scriptsChanged, (message) => this.sync(message)),
      bus.subscribe<HubActionMessage>(Subjects.hubActionsAll, (m) => this.runtime.onHubAction(m.action, m.object), {
        queue: QueueGroups.hub,
      }),
      bus.subscribe<PodEventMessage>(Subjects.podEventsAll, (m) => this.runtime.onPodEvent(m.event, m.pod, m.change)),
    );
  }

  private sync(message: ScriptsChangedMessage): Promise<unknown> {
    this.syncing = this.syncing.then(() => this.runtime.sync(message.agents)).catch(() => undefined);
    return this.syncing;
  }

  async onModuleDestroy(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
    await this.syncing;
    await this.runtime.close();
  }
}
