import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, type LogLevel } from '@wirehook/contracts';
import { ConfigMapMirror, loadKubeConfig } from '@wirehook/k8s';
import { checkEs5 } from '@wirehook/runtime';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';

/**
 * Mirrors the active agents into a ConfigMap (`kubernetes.configMap`) and imports edits made to
 * it outside Wirehook (the database wins a conflict; see libs/k8s/README.md). Off unless
 * `kubernetes.enabled`.
 */
@Injectable()
export class ConfigMapMirrorService implements OnModuleDestroy {
  private readonly mirror?: ConfigMapMirror;

  constructor(
    @Inject(HUB_OPTIONS) options: HubOptions,
    private readonly logs: LogService,
  ) {
    const { kubernetes } = options.config;
    if (!kubernetes.enabled) return;
    const log = (level: LogLevel) => (message: string) => this.log(level, message);
    this.mirror = new ConfigMapMirror({
      kubeConfig: loadKubeConfig(kubernetes.kubeconfig),
      namespace: kubernetes.namespace,
      name: kubernetes.configMap,
      store: options.database.agents,
      logger: { info: log('info'), warn: log('warn'), error: log('error') },
      checkSource: (source, key) => checkEs5(source, key)[0]?.message,
    });
  }

  get enabled(): boolean {
    return this.mirror !== undefined;
  }

  /** First reconcile, then watch; failures are logged and retried by the mirror. */
  async start(onImported: () => void): Promise<void> {
    if (!this.mirror) return;
    this.mirror.on('imported', (event) => {
      this.log('info', `ConfigMap edit imported: ${event.change} "${event.title}" (revision ${event.revision}, key ${event.key})`);
      onImported();
    });
    await this.mirror.start();
  }

  /** After any change to the agents: write the active ones to the ConfigMap. */
  sync(): void {
    this.mirror?.sync().catch(() => undefined); // the mirror logs and retries its own failures
  }

  async onModuleDestroy(): Promise<void> {
    await this.mirror?.stop();
  }

  private log(level: LogLevel, message: string): void {
    this.logs.publish({ v: SCHEMA_VERSION, time: Date.now(), node: HUB_NODE_NAME, agent: '', level, source: 'runtime', message });
  }
}
