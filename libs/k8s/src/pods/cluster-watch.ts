import type { KubeConfig } from '@kubernetes/client-node';
import { SCHEMA_VERSION, type PodEventMessage, type PodEventType } from '@wirehook/contracts';
import { Informer } from '../kube/informer';
import type { RawEndpointSlice, RawObject, RawPod, RawService } from '../kube/raw-objects';
import { ENDPOINT_SLICE_RESOURCE, POD_RESOURCE, SERVICE_RESOURCE } from '../kube/watched-resources';
import type { K8sLogger } from '../logger';
import type { WorkloadIndex } from '../workloads/workload-index';
import { podChanges } from './pod-changes';
import { PodTargeting, type PodTargetingOptions } from './pod-targeting';
import { summarisePod, type TargetedPods } from './targeted-pods';

export interface ClusterWatchOptions {
  kubeConfig: KubeConfig;
  logger: K8sLogger;
  /** Which namespaces are watched and which pods targeted. */
  targeting: PodTargetingOptions;
  /** Gets one message per change of a targeted pod (the hub publishes them on the bus). */
  onPodEvent?(message: PodEventMessage): void;
  /** When given, also watches services and endpoint slices and keeps this index current (workers). */
  index?: WorkloadIndex;
  /** Watch tuning (see ListWatch). */
  timeoutSeconds?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * Informers on pods (and, with an index, services and endpoint slices) in the target namespaces.
 * Pods found by the first list are known but not announced (they were not created now); every
 * later change of a targeted pod becomes `onPodEvent` messages (see podChanges). Excluded pods
 * are listed by targeted() and get no events; every pod of the target namespaces is in the index.
 */
export class ClusterWatch {
  private readonly targeting: PodTargeting;
  private readonly informers: Informer<RawObject>[] = [];
  private readonly podInformer: Informer<RawPod>;

  constructor(private readonly options: ClusterWatchOptions) {
    this.targeting = new PodTargeting(options.targeting);
    const { index } = options;
    const common = {
      kubeConfig: options.kubeConfig,
      namespaces: options.targeting.namespaces,
      logger: options.logger,
      timeoutSeconds: options.timeoutSeconds,
      minRetryMs: options.minRetryMs,
      maxRetryMs: options.maxRetryMs,
    };
    this.podInformer = new Informer<RawPod>({
      ...common,
      resource: POD_RESOURCE,
      handlers: {
        added: (pod, initial) => {
          index?.setPod(pod);
          if (!initial) this.announce('ADDED', undefined, pod);
        },
        updated: (previous, pod) => {
          index?.setPod(pod);
          this.announce('MODIFIED', previous, pod);
        },
        deleted: (pod) => {
          index?.removePod(pod);
          this.announce('DELETED', undefined, pod);
        },
      },
    });
    this.informers.push(this.podInformer as Informer<RawObject>);
    if (index) {
      const services = new Informer<RawService>({
        ...common,
        resource: SERVICE_RESOURCE,
        handlers: { added: (s) => index.setService(s), updated: (_, s) => index.setService(s), deleted: (s) => index.removeService(s) },
      });
      const slices = new Informer<RawEndpointSlice>({
        ...common,
        resource: ENDPOINT_SLICE_RESOURCE,
        handlers: { added: (s) => index.setEndpointSlice(s), updated: (_, s) => index.setEndpointSlice(s), deleted: (s) => index.removeEndpointSlice(s) },
      });
      this.informers.push(services as Informer<RawObject>, slices as Informer<RawObject>);
    }
  }

  /** Resolves once everything was listed once; rejects with a first list's error (retries go on until stop()). */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  /** Targeted and excluded pods, sorted by namespace and name. */
  targeted(): TargetedPods {
    const result: TargetedPods = { targets: [], excluded: [] };
    const pods = this.podInformer.list().sort((a, b) => compareKeys(a, b));
    for (const pod of pods) {
      const which = this.targeting.classify(pod);
      if (which === 'target') result.targets.push(summarisePod(pod));
      else if (which === 'excluded') result.excluded.push(summarisePod(pod));
    }
    return result;
  }

  private announce(event: PodEventType, previous: RawPod | undefined, pod: RawPod): void {
    const onPodEvent = this.options.onPodEvent;
    if (!onPodEvent || this.targeting.classify(pod) !== 'target') return;
    const changes = podChanges(event, previous, pod);
    if (changes.length === 0) return;
    const json = podJson(pod);
    for (const change of changes) onPodEvent({ v: SCHEMA_VERSION, event, pod: json, change });
  }
}

/** The pod as agents get it: its JSON, without managedFields (server-side apply bookkeeping, often most of the bytes). */
function podJson(pod: RawPod): Record<string, unknown> {
  const { metadata, ...rest } = pod as RawPod & Record<string, unknown>;
  if (!metadata) return rest;
  const { managedFields: _managedFields, ...meta } = metadata as Record<string, unknown>;
  return { ...rest, metadata: meta };
}

function compareKeys(a: RawPod, b: RawPod): number {
  const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
