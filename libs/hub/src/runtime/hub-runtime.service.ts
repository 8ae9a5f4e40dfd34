import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type AgentDefinition, type HubActionMessage } from '@wirehook/contracts';
import { AgentRuntime } from '@wirehook/runtime';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { PodPolicyService } from '../kubernetes/pod-policy.service';
import { PodWatchService } from '../kubernetes/pod-watch.service';
import { LogService } from '../logs/log.service';
import { HubPluginHost } from '../plugins/hub-plugin-host.service';

/** Runs the hub-side hooks: `onHubAction` (one hub replica per action) and `onPodEvent`. */
@Injectable()
export class HubRuntimeService implements OnModuleDestroy {
  readonly runtime: AgentRuntime;
  private syncing: Promise<unknown> = Promise.resolve();
  /** The set last applied, so agents can be reloaded when a plugin adds a helper they call. */
  private agents: AgentDefinition[] = [];

  constructor(@Inject(HUB_OPTIONS) options: HubOptions, logs: LogService, pods: PodWatchService, policies: PodPolicyService, plugins: HubPluginHost) {
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
      targeted: () => pods.targeted(),
      blockPod: async (name, namespace, agent) => {
        await policies.apply('block', name, namespace, { agent, node: HUB_NODE_NAME });
      },
      unblockPod: async (name, namespace, agent) => {
        await policies.apply('unblock', name, namespace, { agent, node: HUB_NODE_NAME });
      },
      helpers: plugins.bridge,
    });
  }

  /** Agent set changes are applied one after another; failures are reported by the runtime itself. */
  sync(agents: AgentDefinition[]): Promise<unknown> {
    this.agents = agents;
    this.syncing = this.syncing.then(() => this.runtime.sync(agents)).catch(() => undefined);
    return this.syncing;
  }

  /** Reloads the agents of the current set that `which` picks (vendor helpers are bound when an agent loads). */
  reloadAgents(which: (agent: AgentDefinition) => boolean): Promise<unknown> {
    this.syncing = this.syncing.then(() => Promise.all(this.agents.filter(which).map((agent) => this.runtime.load(agent).catch(() => undefined)))).catch(() => undefined);
    return this.syncing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.syncing;
    await this.runtime.close();
  }
}
