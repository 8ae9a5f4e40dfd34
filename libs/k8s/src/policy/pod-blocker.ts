import { CoreV1Api, NetworkingV1Api, PatchUtils, type KubeConfig, type V1NetworkPolicy } from '@kubernetes/client-node';
import { describeKubeError, isConflict, isNotFound } from '../kube/kube-errors';
import type { RawPod } from '../kube/raw-objects';
import { BLOCK_LABEL, blockPolicyFor, blockPolicyName, type BlockRequester } from './pod-block-policy';

export interface BlockOutcome {
  /** The NetworkPolicy, in the pod's namespace. */
  policy: string;
  namespace: string;
  pod: string;
  uid: string;
  /** False when the pod was already blocked by Wirehook (nothing changed). */
  created: boolean;
}

export interface UnblockOutcome {
  policy: string;
  namespace: string;
  pod: string;
  /** False when there was no such policy (nothing to remove). */
  removed: boolean;
}

/** A failed block/unblock, naming the pod and what the API server said. */
export class PodPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PodPolicyError';
  }
}

const MERGE_PATCH = { headers: { 'Content-Type': PatchUtils.PATCH_FORMAT_JSON_MERGE_PATCH } };

/**
 * Blocks one pod with a deny-all NetworkPolicy and lifts the block. Blocking labels the pod
 * (`wirehook.io/blocked-pod: <uid>`, the patch carries the uid as a precondition so a pod
 * recreated under the same name is never labelled by mistake), then creates the policy selecting
 * that label. Unblocking deletes the policy, then removes the label. Both are idempotent.
 */
export class PodBlocker {
  private readonly core: CoreV1Api;
  private readonly networking: NetworkingV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
  }

  async block(name: string, namespace: string, requester: BlockRequester): Promise<BlockOutcome> {
    const where = `pod ${namespace}/${name}`;
    const pod = await this.readPod(name, namespace);
    if (!pod) throw new PodPolicyError(`cannot block ${where}: no such pod`);
    const uid = pod.metadata?.uid ?? '';
    await this.call(`cannot label ${where}`, () =>
      this.core.patchNamespacedPod(name, namespace, { metadata: { uid, labels: { [BLOCK_LABEL]: uid } } }, undefined, undefined, undefined, undefined, undefined, MERGE_PATCH),
    );
    const policy = blockPolicyFor({ name, namespace, uid }, requester);
    const outcome: BlockOutcome = { policy: policy.metadata.name, namespace, pod: name, uid, created: true };
    try {
      await this.networking.createNamespacedNetworkPolicy(namespace, policy as V1NetworkPolicy);
      return outcome;
    } catch (error) {
      if (!isConflict(error)) throw new PodPolicyError(`cannot create NetworkPolicy ${namespace}/${policy.metadata.name} for ${where}: ${describeKubeError(error)}`);
    }
    // It exists: ours for this very pod (blocked twice), or left from an earlier pod of that name.
    const { response } = await this.call(`cannot read NetworkPolicy ${namespace}/${policy.metadata.name}`, () =>
      this.networking.readNamespacedNetworkPolicy(policy.metadata.name, namespace),
    );
    const existing = (response as { body?: { metadata?: { resourceVersion?: string }; spec?: { podSelector?: { matchLabels?: Record<string, string> } } } }).body;
    if (existing?.spec?.podSelector?.matchLabels?.[BLOCK_LABEL] === uid) return { ...outcome, created: false };
    await this.call(`cannot replace NetworkPolicy ${namespace}/${policy.metadata.name}`, () =>
      this.networking.replaceNamespacedNetworkPolicy(policy.metadata.name, namespace, {
        ...policy,
        metadata: { ...policy.metadata, resourceVersion: existing?.metadata?.resourceVersion },
      } as V1NetworkPolicy),
    );
    return outcome;
  }

  async unblock(name: string, namespace: string): Promise<UnblockOutcome> {
    const policy = blockPolicyName(name);
    const outcome: UnblockOutcome = { policy, namespace, pod: name, removed: true };
    try {
      await this.networking.deleteNamespacedNetworkPolicy(policy, namespace);
    } catch (error) {
      if (!isNotFound(error)) throw new PodPolicyError(`cannot delete NetworkPolicy ${namespace}/${policy}: ${describeKubeError(error)}`);
      outcome.removed = false;
    }
    const pod = await this.readPod(name, namespace);
    if (pod?.metadata?.labels?.[BLOCK_LABEL] !== undefined) {
      try {
        await this.core.patchNamespacedPod(name, namespace, { metadata: { labels: { [BLOCK_LABEL]: null } } }, undefined, undefined, undefined, undefined, undefined, MERGE_PATCH);
      } catch (error) {
        // Gone in between: nothing left to unlabel.
        if (!isNotFound(error)) throw new PodPolicyError(`cannot remove label ${BLOCK_LABEL} from pod ${namespace}/${name}: ${describeKubeError(error)}`);
      }
    }
    return outcome;
  }

  private async readPod(name: string, namespace: string): Promise<RawPod | undefined> {
    try {
      const { response } = await this.core.readNamespacedPod(name, namespace);
      return (response as { body?: RawPod }).body;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new PodPolicyError(`cannot read pod ${namespace}/${name}: ${describeKubeError(error)}`);
    }
  }

  private async call<R>(what: string, work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      throw new PodPolicyError(`${what}: ${describeKubeError(error)}`);
    }
  }
}
