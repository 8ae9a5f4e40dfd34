import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type AgentDefinition, type HubActionMessage, type LogEntry, type ScriptsChangedMessage } from '@wirehook/contracts';
import { loadKubeConfig, readAgentsFromConfigMap } from '@wirehook/k8s';
import { AgentRuntime } from '@wirehook/runtime';
import { WorkerKubernetesService } from '../kubernetes/worker-kubernetes.service';
import { WorkerPluginHost } from '../plugins/worker-plugin-host.service';
import { RecordingService } from '../recording/recording.service';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';

const AGENT_REQUEST_RETRY_MS = 2_000;

/** Runs the worker-side hooks and keeps the loaded agents equal to the hub's active set. */
@Injectable()
export class WorkerRuntimeService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runtime: AgentRuntime;
  private readonly node: string;
  private syncing: Promise<unknown> = Promise.resolve();
  /** The set last applied, so agents can be reloaded when a plugin adds a helper they call. */
  private agents: AgentDefinition[] = [];
  /** Set once an agent set was applied, so a late start-up reply cannot undo a newer announcement. */
  private synced = false;
  private retry?: NodeJS.Timeout;
  /** Running the ConfigMap's agents until the hub answers. */
  private fromConfigMap = false;
  private closed = false;
  private markReady!: () => void;
  /** Resolves once the first agent set from the hub has been applied. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    recording: RecordingService,
    kubernetes: WorkerKubernetesService,
    plugins: WorkerPluginHost,
  ) {
    const { config, bus } = options;
    this.node = workerNodeName(config);
    this.runtime = new AgentRuntime({
      nodeName: this.node,
      role: 'worker',
      env: config.scripting.env,
      limits: config.scripting.limits,
      dataDir: join(resolve(config.database.dataDir), 'agent-files', this.node),
      metrics: options.metrics,
      log: (entry: LogEntry) => bus.publish(Subjects.logs(this.node), entry),
      hubAction: (action, object, agent) => {
        const message: HubActionMessage = { v: SCHEMA_VERSION, action, object, from: { node: this.node, agent } };
        bus.publish(Subjects.hubAction(action), message);
      },
      targeted: () => kubernetes.targeted(),
      blockPod: (name, namespace, agent) => kubernetes.podPolicy('block', name, namespace, agent),
      unblockPod: (name, namespace, agent) => kubernetes.podPolicy('unblock', name, namespace, agent),
      pcap: recording,
      helpers: plugins.bridge,
    });
  }

  onApplicationBootstrap(): void {
    void this.requestAgents();
  }

  /** An announcement from the hub: the complete set of active agents. */
  onScriptsChanged(message: ScriptsChangedMessage): Promise<unknown> {
    this.synced = true;
    return this.sync(message);
  }

  /** Asks the hub for the active agents until it answers (the hub may start after the worker). */
  private async requestAgents(): Promise<void> {
    if (this.closed || this.synced) return;
    try {
      const message = await this.options.bus.request<unknown, ScriptsChangedMessage>(Subjects.scriptsCurrent, {}, 5_000);
      if (!this.synced) {
        this.synced = true;
        await this.sync(message);
      }
    } catch (error) {
      this.options.logger.info(`waiting for the hub to list agents: ${(error as Error).message}`);
      if (!this.fromConfigMap) await this.runFromConfigMap();
      this.retry = setTimeout(() => void this.requestAgents(), AGENT_REQUEST_RETRY_MS);
    }
  }

  /**
   * While the hub cannot answer (its database down, say), run the agents mirrored in the
   * ConfigMap; the hub's list replaces them as soon as it answers.
   */
  private async runFromConfigMap(): Promise<void> {
    const { kubernetes } = this.options.config;
    if (!kubernetes.enabled) return;
    try {
      const agents = await readAgentsFromConfigMap(loadKubeConfig(kubernetes.kubeconfig), kubernetes.namespace, kubernetes.configMap);
      if (this.synced) return;
      this.fromConfigMap = true;
      this.options.logger.warn(`hub not answering: running ${agents.length} agent(s) from ConfigMap ${kubernetes.namespace}/${kubernetes.configMap}`);
      await this.sync({ v: SCHEMA_VERSION, agents });
    } catch (error) {
      this.options.logger.warn(`cannot read agents from the ConfigMap: ${(error as Error).message}`);
    }
  }

  /** Reloads the agents of the current set that `which` picks (vendor helpers are bound when an agent loads). */
  reloadAgents(which: (agent: AgentDefinition) => boolean): Promise<unknown> {
    this.syncing = this.syncing.then(() => Promise.all(this.agents.filter(which).map((agent) => this.runtime.load(agent).catch(() => undefined)))).catch(() => undefined);
    return this.syncing;
  }

  private sync(message: ScriptsChangedMessage): Promise<unknown> {
    this.agents = message.agents;
    this.syncing = this.syncing
      .then(() => this.runtime.sync(message.agents))
      .catch((error: Error) => this.options.logger.error(`applying the agent set failed: ${error.message}`))
      .finally(() => this.markReady());
    return this.syncing;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.syncing;
    await this.runtime.close();
  }
}
