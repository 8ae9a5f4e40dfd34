// PodBlocker against the Kubernetes API test server with the real client: the exact NetworkPolicy,
// the pod label it selects, idempotence, and unblock.
import { makeKubeConfig, startKubeApiServer, type KubeApiServer, pendingPod } from '@wirehook/testing';
import { BLOCK_LABEL, blockPolicyName, PodBlocker, PodPolicyError } from '../src';

let server: KubeApiServer;
let blocker: PodBlocker;
const requester = { agent: 'Block scanners', node: 'node-a' };

beforeEach(async () => {
  server = await startKubeApiServer();
  blocker = new PodBlocker(makeKubeConfig(server));
  server.apply('pods', pendingPod({ name: 'scanner-1', namespace: 'shop' }));
  server.apply('pods', pendingPod({ name: 'neighbour', namespace: 'shop', labels: { app: 'scanner-1' } }));
});
afterEach(() => server.close());

test('block labels exactly that pod and creates a deny-all NetworkPolicy selecting the label', async () => {
  const uid = server.get('pods', 'shop', 'scanner-1')!.metadata.uid!;
  const outcome = await blocker.block('scanner-1', 'shop', requester);
  expect(outcome).toEqual({ policy: 'wirehook-block-scanner-1', namespace: 'shop', pod: 'scanner-1', uid, created: true });

  expect(server.get('pods', 'shop', 'scanner-1')!.metadata.labels).toEqual({ app: 'scanner-1', [BLOCK_LABEL]: uid });
  expect(server.get('pods', 'shop', 'neighbour')!.metadata.labels).toEqual({ app: 'scanner-1' });
  const policy = server.get('networkpolicies', 'shop', 'wirehook-block-scanner-1')!;
  expect({ metadata: { name: policy.metadata.name, namespace: policy.metadata.namespace, labels: policy.metadata.labels, annotations: policy.metadata.annotations }, spec: policy.spec }).toEqual({
    metadata: {
      name: 'wirehook-block-scanner-1',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'wirehook', 'app.kubernetes.io/component': 'pod-block' },
      annotations: { 'wirehook.io/pod': 'scanner-1', 'wirehook.io/pod-uid': uid, 'wirehook.io/requested-by': 'Block scanners', 'wirehook.io/requested-on': 'node-a' },
    },
    spec: { podSelector: { matchLabels: { [BLOCK_LABEL]: uid } }, policyTypes: ['Ingress', 'Egress'] },
  });
  // The label patch was a JSON merge patch carrying the uid as a precondition.
  expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => `${r.path} ${r.contentType}`)).toEqual(['/api/v1/namespaces/shop/pods/scanner-1 application/merge-patch+json']);

  // Blocking again changes nothing.
  expect(await blocker.block('scanner-1', 'shop', requester)).toMatchObject({ created: false });
  expect(server.list('networkpolicies', 'shop')).toHaveLength(1);
});

test('a policy left from an earlier pod of the same name is replaced to select the new pod', async () => {
  await blocker.block('scanner-1', 'shop', requester);
  server.remove('pods', 'shop', 'scanner-1');
  server.apply('pods', pendingPod({ name: 'scanner-1', namespace: 'shop' }));
  const uid = server.get('pods', 'shop', 'scanner-1')!.metadata.uid!;
  expect(await blocker.block('scanner-1', 'shop', requester)).toMatchObject({ created: true, uid });
  expect(server.get('networkpolicies', 'shop', 'wirehook-block-scanner-1')!.spec).toEqual({ podSelector: { matchLabels: { [BLOCK_LABEL]: uid } }, policyTypes: ['Ingress', 'Egress'] });
});

test('unblock removes the policy and the label; unblocking an unblocked pod removes nothing', async () => {
  await blocker.block('scanner-1', 'shop', requester);
  expect(await blocker.unblock('scanner-1', 'shop')).toEqual({ policy: 'wirehook-block-scanner-1', namespace: 'shop', pod: 'scanner-1', removed: true });
  expect(server.list('networkpolicies', 'shop')).toEqual([]);
  expect(server.get('pods', 'shop', 'scanner-1')!.metadata.labels).toEqual({ app: 'scanner-1' });
  expect(await blocker.unblock('scanner-1', 'shop')).toMatchObject({ removed: false });
  // The pod may be gone by then: the policy still goes.
  await blocker.block('scanner-1', 'shop', requester);
  server.remove('pods', 'shop', 'scanner-1');
  expect(await blocker.unblock('scanner-1', 'shop')).toMatchObject({ removed: true });
});

test('blocking a pod that does not exist fails with the pod named', async () => {
  await expect(blocker.block('ghost', 'shop', requester)).rejects.toThrow(new PodPolicyError('cannot block pod shop/ghost: no such pod'));
  expect(server.list('networkpolicies')).toEqual([]);
});

test('policy names stay valid for the longest pod names', () => {
  const long = `${'a'.repeat(240)}-b`;
  const name = blockPolicyName(long);
  expect(name.length).toBeLessThanOrEqual(253);
  expect(name).toMatch(/^wirehook-block-a+-[0-9a-f]{8}$/);
  expect(blockPolicyName(`${'a'.repeat(240)}-c`)).not.toBe(name);
});
