import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type AgentDefinition, type HubActionMessage } from '@wirehook/contracts';
import { AgentRuntime } from '@wirehook/runtime';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';

/** Runs the hub-side hooks: `onHubAction` (one hub replica per action) and `onPodEvent`. */
@Injectable()
export class HubRuntimeService implements OnModuleDestroy {
  readonly runtime: AgentRuntime;
  private syncing: Promise<unknown> = Promise.resolve();

  constructor(@Inject(HUB_OPTIONS) options: HubOptions, logs: LogService) {
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

  /** Agent set changes are applied one after another; failures are reported by the runtime itself. */
  sync(agents: AgentDefinition[]): Promise<unknown> {
    this.syncing = this.syncing.then(() => this.runtime.sync(agents)).catch(() => undefined);
    return this.syncing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.syncing;
    await this.runtime.close();
  }
}
