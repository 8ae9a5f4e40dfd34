// ListWatch (the generic list + watch loop) against the fake API server with the real client.
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { eventually, makeKubeConfig, startKubeApiServer, type KubeApiServer } from '@wirehook/testing';
import { ListWatch, type K8sLogger } from '../src';

const NS = 'lw';
const PATH = `/api/v1/namespaces/${NS}/configmaps`;

let server: KubeApiServer;
let kubeConfig: KubeConfig;
let core: CoreV1Api;
let watcher: ListWatch<V1ConfigMap> | undefined;
const log: string[] = [];
const logger: K8sLogger = { info: (m) => log.push(`info ${m}`), warn: (m) => log.push(`warn ${m}`), error: (m) => log.push(`error ${m}`) };

beforeEach(async () => {
  server = await startKubeApiServer();
  kubeConfig = makeKubeConfig(server);
  core = kubeConfig.makeApiClient(CoreV1Api);
  log.length = 0;
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await server.close();
});

interface Seen {
  lists: string[][];
  events: string[];
}

function startWatcher(labelSelector?: string): Seen {
  const seen: Seen = { lists: [], events: [] };
  watcher = new ListWatch<V1ConfigMap>({
    kubeConfig,
    path: PATH,
    labelSelector,
    list: async () => {
      const { body } = await core.listNamespacedConfigMap(NS, undefined, undefined, undefined, undefined, labelSelector);
      return { items: body.items, resourceVersion: body.metadata?.resourceVersion ?? '' };
    },
    onList: (items) => void seen.lists.push(items.map((i) => i.metadata?.name ?? '')),
    onEvent: (type, object) => void seen.events.push(`${type} ${object.metadata?.name} ${JSON.stringify(object.data ?? {})}`),
    logger,
    description: `configmaps in ${NS}`,
    minRetryMs: 20,
  });
  return seen;
}

function lists(): number {
  return server.requests.filter((r) => r.path === PATH && r.query.watch === undefined).length;
}

test('lists, then delivers each change in order from the list resourceVersion', async () => {
  server.apply('configmaps', { metadata: { name: 'a', namespace: NS }, data: {} });
  const seen = startWatcher();
  await watcher?.start();
  expect(seen.lists).toEqual([['a']]);
  server.edit('configmaps', NS, 'a', (o) => (o.data = { v: '1' }));
  server.apply('configmaps', { metadata: { name: 'b', namespace: NS }, data: {} });
  server.remove('configmaps', NS, 'a');
  await eventually(() => expect(seen.events).toHaveLength(3));
  expect(seen.events).toEqual(['MODIFIED a {"v":"1"}', 'ADDED b {}', 'DELETED a {"v":"1"}']);
  expect(watcher?.resourceVersion).toBe(String(server.resourceVersion));
});

test('a watch the server ends is resumed from the last resourceVersion, without a relist or a repeated event', async () => {
  server.apply('configmaps', { metadata: { name: 'a', namespace: NS }, data: {} });
  const seen = startWatcher();
  await watcher?.start();
  await server.waitForWatches('configmaps');
  server.edit('configmaps', NS, 'a', (o) => (o.data = { v: '1' }));
  await eventually(() => expect(seen.events).toHaveLength(1));
  server.dropWatches();
  server.edit('configmaps', NS, 'a', (o) => (o.data = { v: '2' }));
  await eventually(() => expect(seen.events).toHaveLength(2));
  expect(seen.events).toEqual(['MODIFIED a {"v":"1"}', 'MODIFIED a {"v":"2"}']);
  expect(lists()).toBe(1);
  const watches = server.requests.filter((r) => r.query.watch === 'true').map((r) => r.query.resourceVersion);
  expect(watches).toEqual(['1', '2']);
});

test('410 Expired on resuming: lists again and hands over the complete current state', async () => {
  server.apply('configmaps', { metadata: { name: 'a', namespace: NS }, data: {} });
  const seen = startWatcher();
  await watcher?.start();
  await server.waitForWatches('configmaps');
  server.dropWatches();
  server.remove('configmaps', NS, 'a');
  server.apply('configmaps', { metadata: { name: 'b', namespace: NS }, data: {} });
  server.expireHistory();
  await eventually(() => expect(seen.lists).toHaveLength(2));
  expect(seen.lists).toEqual([['a'], ['b']]);
  expect(seen.events).toEqual([]);
  expect(log).toContain(`info watch of configmaps in ${NS}: resourceVersion 1 expired (410), listing again`);
});

test('a BOOKMARK moves the resume point, so a compaction after it needs no relist', async () => {
  server.apply('configmaps', { metadata: { name: 'a', namespace: NS }, data: {} });
  startWatcher('watched=yes');
  await watcher?.start();
  await server.waitForWatches('configmaps');
  // Changes the watch does not see (other labels) move the cluster's resourceVersion on.
  server.apply('configmaps', { metadata: { name: 'other', namespace: NS, labels: { watched: 'no' } }, data: {} });
  server.edit('configmaps', NS, 'other', (o) => (o.data = { v: '1' }));
  expect(watcher?.resourceVersion).toBe('1');
  expect(server.sendBookmarks()).toBe(1);
  await eventually(() => expect(watcher?.resourceVersion).toBe('3'));

  server.dropWatches();
  server.expireHistory();
  await server.waitForWatches('configmaps');
  expect(lists()).toBe(1);
  expect(server.requests.filter((r) => r.query.watch === 'true').map((r) => r.query.resourceVersion)).toEqual(['1', '3']);
});

test('without the bookmark the same compaction costs a relist', async () => {
  server.apply('configmaps', { metadata: { name: 'a', namespace: NS }, data: {} });
  const seen = startWatcher('watched=yes');
  await watcher?.start();
  await server.waitForWatches('configmaps');
  server.apply('configmaps', { metadata: { name: 'other', namespace: NS, labels: { watched: 'no' } }, data: {} });
  server.dropWatches();
  server.expireHistory();
  await eventually(() => expect(seen.lists).toHaveLength(2));
  expect(lists()).toBe(2);
});

test('a cut connection is retried and resumed', async () => {
  const seen = startWatcher();
  await watcher?.start();
  await server.waitForWatches('configmaps');
  server.dropWatches({ abrupt: true });
  server.apply('configmaps', { metadata: { name: 'a', namespace: NS }, data: {} });
  await eventually(() => expect(seen.events).toEqual(['ADDED a {}']));
  expect(log.some((l) => l.startsWith('warn watch of configmaps in lw failed') && l.includes('ECONNRESET'))).toBe(true);
});

test('start rejects with the first list error and keeps retrying; stop ends the watch', async () => {
  const closed = await startKubeApiServer();
  await closed.close(); // nothing listens on its port any more
  const unreachable = makeKubeConfig(closed);
  const failing = new ListWatch<V1ConfigMap>({
    kubeConfig: unreachable,
    path: PATH,
    list: async () => {
      const { body } = await unreachable.makeApiClient(CoreV1Api).listNamespacedConfigMap(NS);
      return { items: body.items, resourceVersion: body.metadata?.resourceVersion ?? '' };
    },
    onList: () => undefined,
    onEvent: () => undefined,
    logger,
    description: 'nothing',
    minRetryMs: 20,
  });
  await expect(failing.start()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  await eventually(() => expect(log.filter((l) => l.startsWith('warn watch of nothing failed')).length).toBeGreaterThanOrEqual(2));
  await failing.stop();

  startWatcher();
  await watcher?.start();
  await server.waitForWatches('configmaps');
  await watcher?.stop();
  await eventually(() => expect(server.openWatches()).toBe(0));
});
