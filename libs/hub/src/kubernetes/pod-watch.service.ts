import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type LogLevel } from '@wirehook/contracts';
import { ClusterWatch, loadKubeConfig, type TargetedPods } from '@wirehook/k8s';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';

/**
 * The hub's pod watch (`kubernetes.enabled` and `kubernetes.pods.watch`): every change of a
 * targeted pod is published on `wirehook.pods.events.<namespace>`, which the hub's own runtime
 * and every worker turn into `onPodEvent`; `hub.targeted()` on the hub reads its cache.
 */
@Injectable()
export class PodWatchService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly watch?: ClusterWatch;

  constructor(
    @Inject(HUB_OPTIONS) options: HubOptions,
    private readonly logs: LogService,
  ) {
    const { kubernetes } = options.config;
    if (!kubernetes.enabled || !kubernetes.pods.watch) return;
    const log = (level: LogLevel) => (message: string) => this.log(level, message);
    this.watch = new ClusterWatch({
      kubeConfig: loadKubeConfig(kubernetes.kubeconfig),
      logger: { info: log('info'), warn: log('warn'), error: log('error') },
      targeting: { namespaces: kubernetes.targetNamespaces, include: kubernetes.pods.include, exclude: kubernetes.pods.exclude },
      onPodEvent: (message) => {
        const namespace = String((message.pod.metadata as { namespace?: unknown } | undefined)?.namespace ?? '');
        options.bus.publish(Subjects.podEvents(namespace), message);
      },
    });
  }

  /** Pods the hub targets and excludes; empty lists when the pod watch is off. */
  targeted(): TargetedPods {
    return this.watch?.targeted() ?? { targets: [], excluded: [] };
  }

  onApplicationBootstrap(): void {
    // Not awaited: a cluster that is slow or cannot be reached must not hold the hub's start; the watch retries.
    this.watch?.start().catch((error: Error) => this.log('warn', `pod watch: first list failed (${error.message}); retrying`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.watch?.stop();
  }

  private log(level: LogLevel, message: string): void {
    this.logs.publish({ v: SCHEMA_VERSION, time: Date.now(), node: HUB_NODE_NAME, agent: '', level, source: 'runtime', message });
  }
}
