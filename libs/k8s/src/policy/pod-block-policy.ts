import { createHash } from 'node:crypto';

/** The label blockPod adds to the pod; its value is the pod's uid, so a policy selects that pod and no other. */
export const BLOCK_LABEL = 'wirehook.io/blocked-pod';
export const BLOCK_POLICY_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'wirehook',
  'app.kubernetes.io/component': 'pod-block',
};

const PREFIX = 'wirehook-block-';
const MAX_NAME = 253;

/** Who asked for a block: named in the policy's annotations and in the audit log. */
export interface BlockRequester {
  agent: string;
  node: string;
}

/** `wirehook-block-<pod>`; a name too long for that gets a hash of the pod name instead of its end. */
export function blockPolicyName(podName: string): string {
  const name = `${PREFIX}${podName}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(podName).digest('hex').slice(0, 8);
  const kept = podName.slice(0, MAX_NAME - PREFIX.length - 9).replace(/[-.]+$/, '');
  return `${PREFIX}${kept}-${hash}`;
}

/**
 * The deny-all NetworkPolicy for one pod: it selects the pod by the label blockPod put on it and
 * lists Ingress and Egress with no rules, so no traffic reaches or leaves the pod (enforced by the
 * cluster's network plugin; one that ignores NetworkPolicies blocks nothing).
 */
export function blockPolicyFor(pod: { name: string; namespace: string; uid: string }, requester: BlockRequester): BlockPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: blockPolicyName(pod.name),
      namespace: pod.namespace,
      labels: { ...BLOCK_POLICY_LABELS },
      annotations: {
        'wirehook.io/pod': pod.name,
        'wirehook.io/pod-uid': pod.uid,
        'wirehook.io/requested-by': requester.agent,
        'wirehook.io/requested-on': requester.node,
      },
    },
    spec: {
      podSelector: { matchLabels: { [BLOCK_LABEL]: pod.uid } },
      policyTypes: ['Ingress', 'Egress'],
    },
  };
}

export interface BlockPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: ('Ingress' | 'Egress')[] };
}
