import type { RawPod } from '../kube/raw-objects';

export interface Workload {
  /** Deployment, StatefulSet, DaemonSet, Job, ReplicaSet, ReplicationController…, or Pod for a bare pod. */
  kind: string;
  name: string;
}

/**
 * The workload a pod belongs to, from its controller owner reference, without asking the API
 * server (a worker reads no ReplicaSets): a ReplicaSet named `<deployment>-<pod-template-hash>`
 * belongs to that Deployment; other owners (StatefulSet, DaemonSet, Job…) are the workload
 * themselves. A pod without an owner is its own workload.
 */
export function workloadOf(pod: RawPod): Workload {
  const metadata = pod.metadata ?? {};
  const owner = metadata.ownerReferences?.find((reference) => reference.controller) ?? metadata.ownerReferences?.[0];
  if (!owner) return { kind: 'Pod', name: metadata.name ?? '' };
  if (owner.kind === 'ReplicaSet') {
    const hash = metadata.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
    return { kind: 'ReplicaSet', name: owner.name };
  }
  return { kind: owner.kind, name: owner.name };
}
