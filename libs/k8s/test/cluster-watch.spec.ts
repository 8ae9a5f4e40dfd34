// ClusterWatch against the Kubernetes API test server with the real client: informers on pods,
// services and endpoint slices, targeting, pod events and the index, through watch drops and 410s.
import type { PodEventMessage } from '@wirehook/contracts';
import { eventually, makeKubeConfig, startKubeApiServer, type KubeApiServer, pendingPod, restartedStatus, runningStatus, type PodShape } from '@wirehook/testing';
import { ClusterWatch, WorkloadIndex, type K8sLogger } from '../src';

let server: KubeApiServer;
let watch: ClusterWatch | undefined;
const logger: K8sLogger = { info: () => undefined, warn: () => undefined, error: (m) => { throw new Error(m); } };

beforeEach(async () => {
  server = await startKubeApiServer();
});
afterEach(async () => {
  await watch?.stop();
  watch = undefined;
  await server.close();
});

const shop = (name: string, extra: Partial<PodShape> = {}): PodShape => ({ name, namespace: 'shop', ip: `10.244.1.${name.length}`, ...extra });

function start(options: { namespaces?: string[]; include?: string[]; exclude?: string[]; index?: WorkloadIndex } = {}): PodEventMessage[] {
  const events: PodEventMessage[] = [];
  watch = new ClusterWatch({
    kubeConfig: makeKubeConfig(server),
    logger,
    targeting: { namespaces: options.namespaces ?? [], include: options.include ?? [], exclude: options.exclude ?? [] },
    onPodEvent: (message) => events.push(message),
    index: options.index,
    minRetryMs: 20,
  });
  return events;
}

const summary = (events: PodEventMessage[]) =>
  events.map((e) => `${e.event} ${(e.pod.metadata as { name: string }).name} ${e.change.kind}${e.change.reason ? ` ${e.change.reason}` : ''}`);

test('pods listed at start are known, not announced; later changes of targeted pods are, excluded pods are not', async () => {
  server.apply('pods', pendingPod(shop('existing')));
  server.apply('pods', pendingPod({ name: 'other', namespace: 'elsewhere' }));
  const events = start({ namespaces: ['shop'], exclude: ['^debug-'] });
  await watch?.start();
  expect(watch?.targeted().targets.map((p) => p.name)).toEqual(['existing']);

  server.apply('pods', pendingPod(shop('users')));
  server.apply('pods', pendingPod(shop('debug-shell')));
  server.apply('pods', pendingPod({ name: 'ignored', namespace: 'elsewhere' }));
  server.edit('pods', 'shop', 'users', (pod) => void (pod.status = runningStatus(shop('users'))));
  server.edit('pods', 'shop', 'debug-shell', (pod) => void (pod.status = runningStatus(shop('debug-shell'))));
  server.edit('pods', 'shop', 'users', (pod) => void (pod.status = restartedStatus(shop('users'), 1, 'OOMKilled', 137)));
  server.remove('pods', 'shop', 'users');

  await eventually(() =>
    expect(summary(events)).toEqual([
      'ADDED users created Pending',
      'MODIFIED users phase Running',
      'MODIFIED users ready',
      'MODIFIED users oom-killed OOMKilled',
      'MODIFIED users restarted OOMKilled',
      'DELETED users deleted Running',
    ]),
  );
  // The pod travels in its JSON form, as the server sent it.
  expect(events[3].pod).toMatchObject({ kind: 'Pod', metadata: { name: 'users', namespace: 'shop' }, status: { phase: 'Running' } });
  expect(events[3].change).toEqual({ kind: 'oom-killed', container: 'app', restartCount: 1, reason: 'OOMKilled', message: 'exit code 137' });
  const targeted = watch!.targeted();
  expect(targeted.targets.map((p) => p.name)).toEqual(['existing']);
  expect(targeted.excluded).toEqual([
    expect.objectContaining({ name: 'debug-shell', namespace: 'shop', phase: 'Running', ready: true, ip: '10.244.1.11', node: 'node-a', workload: { kind: 'Pod', name: 'debug-shell' } }),
  ]);
  // Only the target namespace was watched.
  expect(server.requests.filter((r) => r.query.watch === 'true').map((r) => r.path)).toEqual(['/api/v1/namespaces/shop/pods']);
});

test('include patterns: a pod must match one to be targeted', async () => {
  server.apply('pods', pendingPod(shop('api-1')));
  server.apply('pods', pendingPod(shop('worker-1')));
  start({ include: ['^api-'] });
  await watch?.start();
  expect(watch?.targeted()).toMatchObject({ targets: [{ name: 'api-1' }], excluded: [{ name: 'worker-1' }] });
  // No namespaces given: one cluster-wide watch.
  await server.waitForWatches('pods');
  expect(server.requests.filter((r) => r.query.watch === 'true').map((r) => r.path)).toEqual(['/api/v1/pods']);
});

test('changes made while the watch was down and history expired (410) are reported after the relist', async () => {
  server.apply('pods', pendingPod(shop('stays')));
  server.apply('pods', pendingPod(shop('goes')));
  const events = start();
  await watch?.start();
  await server.waitForWatches('pods');
  server.dropWatches();
  server.remove('pods', 'shop', 'goes');
  server.edit('pods', 'shop', 'stays', (pod) => void (pod.status = runningStatus(shop('stays'))));
  server.apply('pods', pendingPod(shop('new')));
  server.expireHistory();
  await eventually(() => expect(summary(events).sort()).toEqual(['ADDED new created Pending', 'DELETED goes deleted Pending', 'MODIFIED stays phase Running', 'MODIFIED stays ready']));
});

test('with an index: pods, services and endpoint slices name addresses, kept current as they change', async () => {
  const index = new WorkloadIndex();
  server.apply('pods', { ...pendingPod(shop('api-5d8f9-xyz12', { ip: '10.244.1.7', owner: { kind: 'ReplicaSet', name: 'api-5d8f9' }, labels: { 'pod-template-hash': '5d8f9' } })), status: runningStatus(shop('x', { ip: '10.244.1.7' })) });
  server.apply('services', { metadata: { name: 'api', namespace: 'shop' }, spec: { clusterIP: '10.96.0.30', ports: [{ port: 80 }] } });
  start({ index });
  await watch?.start();
  expect(index.resolve('10.244.1.7', '8080')).toEqual({ name: 'api', namespace: 'shop', pod: 'api-5d8f9-xyz12' });
  expect(index.resolve('10.96.0.30', '80')).toEqual({ name: 'api', namespace: 'shop' });

  server.apply('endpointslices', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'metrics-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'metrics' } },
    addressType: 'IPv4', ports: [{ port: 9100 }],
    endpoints: [{ addresses: ['192.0.2.10'], targetRef: { kind: 'Pod', name: 'exporter-1', namespace: 'shop' } }],
  });
  await eventually(() => expect(index.resolve('192.0.2.10', '9100')).toEqual({ name: 'metrics', namespace: 'shop', pod: 'exporter-1' }));
  server.remove('pods', 'shop', 'api-5d8f9-xyz12');
  await eventually(() => expect(index.resolve('10.244.1.7', '8080')).toBeUndefined());
  const history = index.history().map((c) => `${c.change} ${c.ip}${c.port ? `:${c.port}` : ''} ${c.name}`);
  // Pods and services are listed concurrently: the first two may come in either order.
  expect([...history.slice(0, 2).sort(), ...history.slice(2)]).toEqual([
    'added 10.244.1.7 api',
    'added 10.96.0.30 api',
    'added 192.0.2.10:9100 metrics',
    'removed 10.244.1.7 api',
  ]);
});
