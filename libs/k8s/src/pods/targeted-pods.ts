import type { RawPod } from '../kube/raw-objects';
import { workloadOf, type Workload } from '../workloads/workload-of';

/** One pod as `hub.targeted()` lists it. */
export interface TargetedPod {
  name: string;
  namespace: string;
  uid: string;
  /** Node the pod runs on ('' before it is scheduled): compare with `utils.nodeName()`. */
  node: string;
  phase: string;
  ready: boolean;
  /** The first pod IP ('' before it has one); a host-network pod has its node's IP. */
  ip: string;
  ips: string[];
  hostNetwork: boolean;
  workload: Workload;
  labels: Record<string, string>;
}

/** `hub.targeted()`: the pods Wirehook targets, and those its pod name patterns exclude. */
export interface TargetedPods {
  targets: TargetedPod[];
  excluded: TargetedPod[];
}

export function summarisePod(pod: RawPod): TargetedPod {
  const status = pod.status ?? {};
  const ips = (status.podIPs ?? []).map((entry) => entry.ip).filter((ip) => ip);
  if (ips.length === 0 && status.podIP) ips.push(status.podIP);
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    uid: pod.metadata?.uid ?? '',
    node: pod.spec?.nodeName ?? '',
    phase: status.phase ?? '',
    ready: status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false,
    ip: ips[0] ?? '',
    ips,
    hostNetwork: pod.spec?.hostNetwork === true,
    workload: workloadOf(pod),
    labels: { ...(pod.metadata?.labels ?? {}) },
  };
}
