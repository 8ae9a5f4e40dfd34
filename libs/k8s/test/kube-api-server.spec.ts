// The fake API server against the real @kubernetes/client-node: paths, status codes, Status
// objects, resourceVersion and watch semantics as a real cluster has them.
import {
  CoreV1Api,
  DiscoveryV1Api,
  KubernetesObjectApi,
  NetworkingV1Api,
  type KubeConfig,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { makeKubeConfig, MAX_CONFIGMAP_BYTES, startKubeApiServer, type KubeApiServer } from '@wirehook/testing';
import { recordWatch } from './support/watch-recorder';

const NS = 'team-a';
const MERGE_PATCH = { headers: { 'Content-Type': 'application/merge-patch+json' } };

interface Failure {
  statusCode: number;
  body: { kind: string; status: string; reason: string; code: number; message: string; details?: Record<string, unknown> };
}

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('the request succeeded, a failure was expected');
}

let server: KubeApiServer;
let kubeConfig: KubeConfig;
let core: CoreV1Api;

beforeEach(async () => {
  server = await startKubeApiServer();
  kubeConfig = makeKubeConfig(server);
  core = kubeConfig.makeApiClient(CoreV1Api);
});

afterEach(async () => {
  await server.close();
});

function configMap(name: string, data: Record<string, string>, labels?: Record<string, string>): V1ConfigMap {
  return { metadata: { name, labels }, data };
}

describe('fake Kubernetes API server: configmaps', () => {
  test('create answers 201 with uid, creationTimestamp and a resourceVersion; get reads it back', async () => {
    const created = await core.createNamespacedConfigMap(NS, configMap('a', { k: 'v' }));
    expect(created.response.statusCode).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'a', namespace: NS, resourceVersion: '1' });
    expect(created.body.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.kind).toBe('ConfigMap');

    const read = await core.readNamespacedConfigMap('a', NS);
    expect(read.response.statusCode).toBe(200);
    expect(read.body.data).toEqual({ k: 'v' });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/v1/namespaces/${NS}/configmaps`,
      `GET /api/v1/namespaces/${NS}/configmaps/a`,
    ]);
  });

  test('a missing object is 404 NotFound, a second create 409 AlreadyExists, both as Status objects', async () => {
    const missing = await failure(core.readNamespacedConfigMap('nope', NS));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404,
      message: 'configmaps "nope" not found', details: { name: 'nope', kind: 'configmaps' },
    });

    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    const again = await failure(core.createNamespacedConfigMap(NS, configMap('a', {})));
    expect(again.statusCode).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', code: 409, message: 'configmaps "a" already exists' });
  });

  test('replace checks the resourceVersion it carries: stale is 409 Conflict, current succeeds with a new one', async () => {
    const created = (await core.createNamespacedConfigMap(NS, configMap('a', { k: '1' }))).body;
    const replaced = await core.replaceNamespacedConfigMap('a', NS, { ...created, data: { k: '2' } });
    expect(replaced.body.metadata?.resourceVersion).toBe('2');
    expect(replaced.body.metadata?.uid).toBe(created.metadata?.uid);

    const stale = await failure(core.replaceNamespacedConfigMap('a', NS, { ...created, data: { k: '3' } }));
    expect(stale.statusCode).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.message).toContain('the object has been modified');
    expect(server.get('configmaps', NS, 'a')?.data).toEqual({ k: '2' });

    // Without a resourceVersion the update is unconditional, as for a real ConfigMap.
    const { metadata, ...rest } = replaced.body;
    const unconditional = await core.replaceNamespacedConfigMap('a', NS, { ...rest, metadata: { name: metadata?.name }, data: { k: '4' } });
    expect(unconditional.body.metadata?.resourceVersion).toBe('3');
  });

  test('a replace that changes nothing keeps the resourceVersion', async () => {
    const created = (await core.createNamespacedConfigMap(NS, configMap('a', { k: '1' }))).body;
    const same = await core.replaceNamespacedConfigMap('a', NS, created);
    expect(same.body.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(server.resourceVersion).toBe(1);
  });

  test('replace of a missing object is 404, with another name in the body 400', async () => {
    expect((await failure(core.replaceNamespacedConfigMap('a', NS, configMap('a', {})))).statusCode).toBe(404);
    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    const renamed = await failure(core.replaceNamespacedConfigMap('a', NS, configMap('b', {})));
    expect(renamed.statusCode).toBe(400);
    expect(renamed.body.reason).toBe('BadRequest');
  });

  test('merge patch merges and deletes keys; a plain JSON content type is 415', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', { keep: '1', drop: '2' }));
    const patched = await core.patchNamespacedConfigMap('a', NS, { data: { drop: null, add: '3' } }, undefined, undefined, undefined, undefined, undefined, MERGE_PATCH);
    expect(patched.body.data).toEqual({ keep: '1', add: '3' });

    const plain = await failure(core.patchNamespacedConfigMap('a', NS, { data: {} }));
    expect(plain.statusCode).toBe(415);
    expect(plain.body.reason).toBe('UnsupportedMediaType');
  });

  test('a patch carrying a stale resourceVersion is 409; a failed JSON-patch test is 422', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', { k: '1' }));
    await server.edit('configmaps', NS, 'a', (o) => ((o.data as Record<string, string>).k = '2'));
    const stale = await failure(
      core.patchNamespacedConfigMap('a', NS, { metadata: { resourceVersion: '1' }, data: { k: '3' } }, undefined, undefined, undefined, undefined, undefined, MERGE_PATCH),
    );
    expect(stale.statusCode).toBe(409);

    const jsonPatch = { headers: { 'Content-Type': 'application/json-patch+json' } };
    const ops = [{ op: 'test', path: '/data/k', value: '1' }, { op: 'replace', path: '/data/k', value: '9' }];
    const failed = await failure(core.patchNamespacedConfigMap('a', NS, ops, undefined, undefined, undefined, undefined, undefined, jsonPatch));
    expect(failed.statusCode).toBe(422);
    const ok = await core.patchNamespacedConfigMap('a', NS, [{ op: 'test', path: '/data/k', value: '2' }, { op: 'replace', path: '/data/k', value: '9' }], undefined, undefined, undefined, undefined, undefined, jsonPatch);
    expect(ok.body.data).toEqual({ k: '9' });
  });

  test('delete answers a Success Status; again is 404; a stale precondition is 409', async () => {
    const created = (await core.createNamespacedConfigMap(NS, configMap('a', {}))).body;
    await server.edit('configmaps', NS, 'a', (o) => (o.data = { k: 'changed' }));
    const stale = await failure(core.deleteNamespacedConfigMap('a', NS, undefined, undefined, undefined, undefined, undefined, { preconditions: { resourceVersion: created.metadata?.resourceVersion } }));
    expect(stale.statusCode).toBe(409);

    const deleted = await core.deleteNamespacedConfigMap('a', NS);
    expect(deleted.response.statusCode).toBe(200);
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'a', kind: 'configmaps', uid: created.metadata?.uid } });
    expect((await failure(core.deleteNamespacedConfigMap('a', NS))).statusCode).toBe(404);
  });

  test('validation: a key outside [-._a-zA-Z0-9] and more than 1 MiB of data are 422 Invalid with causes', async () => {
    const badKey = await failure(core.createNamespacedConfigMap(NS, configMap('a', { 'my agent.js': 'x' })));
    expect(badKey.statusCode).toBe(422);
    expect(badKey.body.reason).toBe('Invalid');
    expect(badKey.body.details).toMatchObject({ name: 'a', kind: 'ConfigMap', causes: [{ field: 'data[my agent.js]' }] });

    const big = await failure(core.createNamespacedConfigMap(NS, configMap('a', { 'big.js': 'x'.repeat(MAX_CONFIGMAP_BYTES) })));
    expect(big.statusCode).toBe(422);
    expect(big.body.message).toContain('must have at most 1048576 bytes');

    const badName = await failure(core.createNamespacedConfigMap(NS, configMap('Not_A_Name', {})));
    expect(badName.statusCode).toBe(422);
    expect(server.list('configmaps')).toEqual([]);
  });

  test('list carries the collection resourceVersion, items without kind, selectors and paging', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', {}, { app: 'web', tier: 'front' }));
    await core.createNamespacedConfigMap(NS, configMap('b', {}, { app: 'web', tier: 'back' }));
    await core.createNamespacedConfigMap(NS, configMap('c', {}, { app: 'db' }));
    await core.createNamespacedConfigMap('other', configMap('d', {}, { app: 'web' }));

    const all = await core.listNamespacedConfigMap(NS);
    expect(all.body.metadata?.resourceVersion).toBe('4');
    expect(all.body.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(server.requests.at(-1)?.path).toBe(`/api/v1/namespaces/${NS}/configmaps`);

    const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> =>
      (await core.listNamespacedConfigMap(NS, undefined, undefined, undefined, fieldSelector, labelSelector)).body.items.map((i) => i.metadata?.name ?? '');
    expect(await names('app=web')).toEqual(['a', 'b']);
    expect(await names('app=web,tier!=back')).toEqual(['a']);
    expect(await names('tier in (back,front)')).toEqual(['a', 'b']);
    expect(await names('!tier')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);

    const everywhere = await core.listConfigMapForAllNamespaces();
    expect(everywhere.body.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual(['other/d', `${NS}/a`, `${NS}/b`, `${NS}/c`]);

    const page1 = await core.listNamespacedConfigMap(NS, undefined, undefined, undefined, undefined, undefined, 2);
    expect(page1.body.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(page1.body.metadata?.remainingItemCount).toBe(1);
    const page2 = await core.listNamespacedConfigMap(NS, undefined, undefined, page1.body.metadata?._continue, undefined, undefined, 2);
    expect(page2.body.items.map((i) => i.metadata?.name)).toEqual(['c']);
    expect(page2.body.metadata?._continue).toBeUndefined();

    // The raw JSON of list items has no kind/apiVersion, as with a real server.
    const raw = await fetch(`${server.url}/api/v1/namespaces/${NS}/configmaps`).then((r) => r.json() as Promise<{ kind: string; items: Array<Record<string, unknown>> }>);
    expect(raw.kind).toBe('ConfigMapList');
    expect(raw.items[0].kind).toBeUndefined();
  });

  test('an unknown path is 404 and an unsupported method 405', async () => {
    const unknown = await fetch(`${server.url}/api/v1/namespaces/${NS}/widgets`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    const collectionDelete = await fetch(`${server.url}/api/v1/namespaces/${NS}/configmaps`, { method: 'DELETE' });
    expect(collectionDelete.status).toBe(405);
  });
});

describe('fake Kubernetes API server: watch', () => {
  const path = `/api/v1/namespaces/${NS}/configmaps`;

  test('from a list resourceVersion it streams ADDED, MODIFIED and DELETED with their resourceVersions', async () => {
    await core.createNamespacedConfigMap(NS, configMap('before', {}));
    const listVersion = (await core.listNamespacedConfigMap(NS)).body.metadata?.resourceVersion ?? '';
    const watch = await recordWatch(kubeConfig, path, { resourceVersion: listVersion });
    await server.waitForWatches('configmaps');

    await core.createNamespacedConfigMap(NS, configMap('a', { k: '1' }));
    await core.patchNamespacedConfigMap('a', NS, { data: { k: '2' } }, undefined, undefined, undefined, undefined, undefined, MERGE_PATCH);
    await core.deleteNamespacedConfigMap('a', NS);
    await core.createNamespacedConfigMap('elsewhere', configMap('x', {}));

    const events = await watch.received(3);
    expect(events.map((e) => [e.type, e.name, e.resourceVersion])).toEqual([
      ['ADDED', 'a', '2'],
      ['MODIFIED', 'a', '3'],
      ['DELETED', 'a', '4'],
    ]);
    expect(events[0].object.kind).toBe('ConfigMap');
    watch.abort();
  });

  test('without a resourceVersion it starts with the current objects as ADDED', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    await core.createNamespacedConfigMap(NS, configMap('b', {}));
    const watch = await recordWatch(kubeConfig, path, { resourceVersion: '0' });
    expect((await watch.received(2)).map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED a', 'ADDED b']);
    watch.abort();
  });

  test('it replays what changed after an older resourceVersion that is still in history', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    await server.edit('configmaps', NS, 'a', (o) => (o.data = { k: '1' }));
    await server.edit('configmaps', NS, 'a', (o) => (o.data = { k: '2' }));
    const watch = await recordWatch(kubeConfig, path, { resourceVersion: '1' });
    expect((await watch.received(2)).map((e) => `${e.type} ${e.resourceVersion}`)).toEqual(['MODIFIED 2', 'MODIFIED 3']);
    watch.abort();
  });

  test('a resourceVersion older than the kept history gets an ERROR event with a 410 Expired Status, then the end', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    await server.edit('configmaps', NS, 'a', (o) => (o.data = { k: '1' }));
    server.expireHistory();
    const watch = await recordWatch(kubeConfig, path, { resourceVersion: '1' });
    const [event] = await watch.received(1);
    expect(event.type).toBe('ERROR');
    expect(event.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(String(event.object.message)).toContain('too old resource version: 1');
    expect(await watch.ended).toBeNull();

    // The current resourceVersion is still fine.
    const current = await recordWatch(kubeConfig, path, { resourceVersion: String(server.resourceVersion) });
    await server.waitForWatches('configmaps');
    await server.edit('configmaps', NS, 'a', (o) => (o.data = { k: '2' }));
    expect((await current.received(1))[0].type).toBe('MODIFIED');
    current.abort();
  });

  test('a small history limit expires old resourceVersions by itself', async () => {
    const small = await startKubeApiServer({ historyLimit: 2 });
    const smallConfig = makeKubeConfig(small);
    const smallCore = smallConfig.makeApiClient(CoreV1Api);
    for (const name of ['a', 'b', 'c']) await smallCore.createNamespacedConfigMap(NS, configMap(name, {}));
    const kept = await recordWatch(smallConfig, path, { resourceVersion: '1' });
    expect((await kept.received(2)).map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED b', 'ADDED c']);
    kept.abort();
    await smallCore.createNamespacedConfigMap(NS, configMap('d', {}));
    const gone = await recordWatch(smallConfig, path, { resourceVersion: '1' });
    expect((await gone.received(1))[0].object).toMatchObject({ reason: 'Expired', code: 410 });
    await small.close();
  });

  test('BOOKMARK events carry the current resourceVersion, only to watches that allowed them', async () => {
    const withBookmarks = await recordWatch(kubeConfig, path, { resourceVersion: '0', allowWatchBookmarks: true });
    const without = await recordWatch(kubeConfig, path, { resourceVersion: '0' });
    await server.waitForWatches('configmaps', 2);
    await core.createNamespacedConfigMap('elsewhere', configMap('x', {}));
    expect(server.sendBookmarks()).toBe(1);
    const [bookmark] = await withBookmarks.received(1);
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '1' } });
    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    expect((await without.received(1)).map((e) => e.type)).toEqual(['ADDED']);
    withBookmarks.abort();
    without.abort();
  });

  test('a label selector turns an object leaving it into DELETED and one entering it into ADDED', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', {}, { role: 'agents' }));
    const watch = await recordWatch(kubeConfig, path, { resourceVersion: '1', labelSelector: 'role=agents' });
    await server.waitForWatches('configmaps');
    await server.edit('configmaps', NS, 'a', (o) => (o.metadata.labels = { role: 'other' }));
    await server.edit('configmaps', NS, 'a', (o) => (o.metadata.labels = { role: 'agents' }));
    expect((await watch.received(2)).map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
    watch.abort();
  });

  test('dropWatches ends watches gracefully (done without error) or cuts them; timeoutSeconds ends them', async () => {
    const graceful = await recordWatch(kubeConfig, path, { resourceVersion: '0' });
    await server.waitForWatches('configmaps');
    expect(server.dropWatches()).toBe(1);
    expect(await graceful.ended).toBeNull();
    expect(server.openWatches()).toBe(0);

    const cut = await recordWatch(kubeConfig, path, { resourceVersion: '0' });
    await server.waitForWatches('configmaps');
    server.dropWatches({ abrupt: true });
    expect(await cut.ended).toMatchObject({ code: 'ECONNRESET' });

    const timed = await recordWatch(kubeConfig, path, { resourceVersion: '0', timeoutSeconds: 1 });
    expect(await timed.ended).toBeNull();
  });

  test('changes made in the same tick as dropWatches are not sent to the dropped watch', async () => {
    await core.createNamespacedConfigMap(NS, configMap('a', {}));
    const watch = await recordWatch(kubeConfig, path, { resourceVersion: '1' });
    await server.waitForWatches('configmaps');
    server.dropWatches();
    server.edit('configmaps', NS, 'a', (o) => (o.data = { k: 'unseen' }));
    expect(await watch.ended).toBeNull();
    expect(watch.events).toEqual([]);
  });
});

describe('fake Kubernetes API server: other resources', () => {
  test('pods, services and endpointslices list and watch under their API groups', async () => {
    await core.createNamespacedPod(NS, { metadata: { name: 'web-1', labels: { app: 'web' } }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'nginx' }] } });
    const service = await core.createNamespacedService(NS, { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    expect(service.body.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(service.body.spec?.type).toBe('ClusterIP');

    const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    await discovery.createNamespacedEndpointSlice(NS, {
      metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.0.5'], targetRef: { kind: 'Pod', name: 'web-1', namespace: NS } }],
    });
    const invalidSlice = await failure(discovery.createNamespacedEndpointSlice(NS, { metadata: { name: 'x' }, endpoints: [] } as never));
    expect(invalidSlice.statusCode).toBe(422);

    const pods = await core.listPodForAllNamespaces(undefined, undefined, 'spec.nodeName=node-a');
    expect(pods.body.items.map((p) => [p.metadata?.name, p.status?.phase])).toEqual([['web-1', 'Pending']]);
    const slices = await discovery.listEndpointSliceForAllNamespaces();
    expect(slices.body.items[0].endpoints[0].addresses).toEqual(['10.244.0.5']);
    expect(server.requests.at(-1)?.path).toBe('/apis/discovery.k8s.io/v1/endpointslices');

    const watch = await recordWatch(kubeConfig, '/api/v1/pods', { resourceVersion: pods.body.metadata?.resourceVersion ?? '', fieldSelector: 'spec.nodeName=node-a' });
    await server.waitForWatches('pods');
    server.edit('pods', NS, 'web-1', (pod) => ((pod.status as Record<string, unknown>).phase = 'Running'));
    server.apply('pods', { metadata: { name: 'db-1', namespace: NS }, spec: { nodeName: 'node-b' } });
    const deleted = await core.deleteNamespacedPod('web-1', NS);
    expect(deleted.body.kind).toBe('Pod'); // pods answer a delete with the object
    expect((await watch.received(2)).map((e) => `${e.type} ${e.name}`)).toEqual(['MODIFIED web-1', 'DELETED web-1']);
    watch.abort();
  });

  test('networkpolicies: create, list, delete; namespaces are cluster-scoped', async () => {
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const created = await networking.createNamespacedNetworkPolicy(NS, { metadata: { name: 'deny-all' }, spec: { podSelector: {} } });
    expect(created.response.statusCode).toBe(201);
    expect(created.body.spec?.policyTypes).toEqual(['Ingress']);
    expect((await networking.listNamespacedNetworkPolicy(NS)).body.items.map((p) => p.metadata?.name)).toEqual(['deny-all']);
    await networking.deleteNamespacedNetworkPolicy('deny-all', NS);
    expect((await networking.listNamespacedNetworkPolicy(NS)).body.items).toEqual([]);

    await core.createNamespace({ metadata: { name: 'team-b' } });
    expect((await core.readNamespace('team-b')).body.status?.phase).toBe('Active');
    expect(server.requests.at(-1)?.path).toBe('/api/v1/namespaces/team-b');
  });

  test('the generic object API finds resources through discovery', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    await objects.create({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: NS }, spec: { podSelector: {} } } as never);
    const read = await objects.read({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: NS } });
    expect(read.body.metadata?.uid).toBeDefined();
    expect(server.requests.some((r) => r.path === '/apis/networking.k8s.io/v1')).toBe(true);
  });
});
