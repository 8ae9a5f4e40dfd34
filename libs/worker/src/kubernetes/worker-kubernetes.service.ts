import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type PodPolicyReply, type PodPolicyRequest } from '@wirehook/contracts';
import type { EndpointResolver } from '@wirehook/dissectors';
import { ClusterWatch, loadKubeConfig, WorkloadIndex, type TargetedPods } from '@wirehook/k8s';
import { RecordingService } from '../recording/recording.service';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';

/** Longest wait for the first list before capture starts anyway (items then lack names until it comes). */
const FIRST_LIST_WAIT_MS = 10_000;
/** Longest wait for the hub's answer to hub.blockPod / hub.unblockPod. */
const POLICY_REQUEST_TIMEOUT_MS = 5_000;

/**
 * The worker's view of the cluster (`kubernetes.enabled` and `kubernetes.pods.watch`): it watches
 * pods, services and endpoint slices of the target namespaces itself (RBAC: list + watch) and keeps
 * the IP / IP:port → workload index that names items' `src` and `dst`, whose history is
 * `pcap.nameResolutionHistory()`; `hub.targeted()` reads the same pods. Pod events do not come
 * from here: the hub publishes them. hub.blockPod / hub.unblockPod are asked of the hub over the bus.
 */
@Injectable()
export class WorkerKubernetesService implements OnModuleInit, OnModuleDestroy {
  private readonly index?: WorkloadIndex;
  private readonly watch?: ClusterWatch;
  private readonly node: string;
  /** For the dissection pipeline: undefined when the index is off, so items keep empty names at no cost. */
  readonly resolveEndpoint?: EndpointResolver;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    recording: RecordingService,
  ) {
    this.node = workerNodeName(options.config);
    const { kubernetes } = options.config;
    if (!kubernetes.enabled || !kubernetes.pods.watch) return;
    const index = new WorkloadIndex();
    const logger = options.logger;
    this.index = index;
    this.watch = new ClusterWatch({
      kubeConfig: loadKubeConfig(kubernetes.kubeconfig),
      logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
      targeting: { namespaces: kubernetes.targetNamespaces, include: kubernetes.pods.include, exclude: kubernetes.pods.exclude },
      index,
    });
    this.resolveEndpoint = (ip, port) => index.resolve(ip, port);
    recording.history = async () => index.history();
  }

  /** Before capture starts (onApplicationBootstrap), so the first items already carry names. */
  async onModuleInit(): Promise<void> {
    if (!this.watch) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), FIRST_LIST_WAIT_MS)));
    try {
      const outcome = await Promise.race([this.watch.start().then(() => 'listed' as const), waited]);
      if (outcome === 'waited') this.options.logger.warn(`Kubernetes: no pod list after ${FIRST_LIST_WAIT_MS / 1000} s; capturing, items get names once it comes`);
    } catch (error) {
      this.options.logger.warn(`Kubernetes: first list failed (${(error as Error).message}); retrying, items have no workload names until then`);
    } finally {
      clearTimeout(timer);
    }
  }

  targeted(): TargetedPods {
    return this.watch?.targeted() ?? { targets: [], excluded: [] };
  }

  /** The hub decides (its configuration enables network policy) and writes the audit entry. */
  async podPolicy(action: PodPolicyRequest['action'], name: string, namespace: string, agent: string): Promise<void> {
    const request: PodPolicyRequest = { v: SCHEMA_VERSION, action, name, namespace, from: { node: this.node, agent } };
    const reply = await this.options.bus.request<PodPolicyRequest, PodPolicyReply>(Subjects.podPolicy, request, POLICY_REQUEST_TIMEOUT_MS);
    if (!reply.ok) throw new Error(reply.error ?? 'refused by the hub');
  }

  async onModuleDestroy(): Promise<void> {
    await this.watch?.stop();
  }
}
