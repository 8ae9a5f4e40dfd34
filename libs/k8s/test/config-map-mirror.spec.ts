// The ConfigMap mirror against the fake API server, through the real @kubernetes/client-node.
import type { KubeConfig } from '@kubernetes/client-node';
import { makeKubeConfig, startKubeApiServer, type KubeApiServer, type KubeObject } from '@wirehook/testing';
import {
  ConfigMapMirror,
  ConfigMapReadError,
  INDEX_KEY,
  parseIndex,
  readAgentsFromConfigMap,
  type ConfigMapMirrorOptions,
  type K8sLogger,
} from '../src';
import { MemoryAgentStore } from './support/memory-agent-store';
import { collect, nextEvent } from './support/mirror-events';

const NS = 'wirehook';
const NAME = 'wirehook-config-map';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps/${NAME}`;

const SLACK = '// Slack on 5xx\nfunction onItemCaptured(data) { if (data.response.status >= 500) console.log("5xx"); }\n';
const COUNTER = '// Packet counter\nvar n = 0;\nfunction onPacketCaptured() { n++; }\n';
const DNS = '// DNS watch\nfunction onItemCaptured(data) {}\n';

class RecordingLogger implements K8sLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

let server: KubeApiServer;
let kubeConfig: KubeConfig;
let store: MemoryAgentStore;
let logger: RecordingLogger;
const mirrors: ConfigMapMirror[] = [];

beforeEach(async () => {
  server = await startKubeApiServer();
  kubeConfig = makeKubeConfig(server);
  store = new MemoryAgentStore();
  logger = new RecordingLogger();
  await store.create({ title: 'Slack on 5xx', source: SLACK, author: 'user:alice' });
  await store.create({ title: 'Packet counter', source: COUNTER, author: 'user:alice' });
  await store.create({ title: 'Disabled one', source: '// Disabled one\n', author: 'user:alice', active: false });
});

afterEach(async () => {
  for (const mirror of mirrors.splice(0)) await mirror.stop();
  await server.close();
});

async function startMirror(options: Partial<ConfigMapMirrorOptions> = {}): Promise<ConfigMapMirror> {
  const mirror = new ConfigMapMirror({ kubeConfig, namespace: NS, store, logger, ...options });
  mirrors.push(mirror);
  await mirror.start();
  return mirror;
}

function configMapData(): Record<string, string> {
  const configMap = server.get('configmaps', NS, NAME);
  if (!configMap) throw new Error('the ConfigMap does not exist');
  return configMap.data as Record<string, string>;
}

function editData(change: (data: Record<string, string>) => void): KubeObject {
  return server.edit('configmaps', NS, NAME, (object) => change(object.data as Record<string, string>));
}

function writesToConfigMap(): number {
  return server.requests.filter((r) => r.path === CM_PATH && r.method === 'PUT').length;
}

/** Waits for the reconcile that handles the next watch event (the one the caller is about to cause). */
function nextWatchReconcile(mirror: ConfigMapMirror): Promise<unknown> {
  return nextEvent(mirror, 'reconciled', (e) => e.trigger.includes('watch') || e.trigger.includes('relist'));
}

describe('ConfigMapMirror', () => {
  test('start writes every active agent under a key from its title, with the index, and watches', async () => {
    await startMirror();
    const configMap = server.get('configmaps', NS, NAME) as KubeObject;
    expect(configMap.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'wirehook', 'app.kubernetes.io/component': 'agents' });
    const data = configMapData();
    expect(Object.keys(data).sort()).toEqual(['packet-counter.js', 'slack-on-5xx.js', INDEX_KEY]);
    expect(data['slack-on-5xx.js']).toBe(SLACK);
    const slack = store.byTitle('Slack on 5xx');
    expect(parseIndex(data[INDEX_KEY]).entries.get('slack-on-5xx.js')).toEqual({
      id: slack?.id, title: 'Slack on 5xx', revision: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await server.waitForWatches('configmaps');
    expect(server.openWatches('configmaps')).toBe(1);
    const watch = server.requests.find((r) => r.query.watch === 'true');
    expect(watch?.query).toMatchObject({ fieldSelector: `metadata.name=${NAME}`, allowWatchBookmarks: 'true' });
  });

  test('sync after a change in the store updates the ConfigMap; a sync with nothing new writes nothing', async () => {
    const mirror = await startMirror();
    await store.edit('Packet counter', { source: `${COUNTER}// v2\n` });
    await store.create({ title: 'DNS watch', source: DNS, author: 'user:bob' });
    await store.edit('Slack on 5xx', { active: false });
    await mirror.sync();
    const data = configMapData();
    expect(Object.keys(data).sort()).toEqual(['dns-watch.js', 'packet-counter.js', INDEX_KEY]);
    expect(data['packet-counter.js']).toBe(`${COUNTER}// v2\n`);
    expect(parseIndex(data[INDEX_KEY]).entries.get('packet-counter.js')?.revision).toBe(2);

    const writes = writesToConfigMap();
    const version = server.get('configmaps', NS, NAME)?.metadata.resourceVersion;
    await mirror.sync();
    expect(writesToConfigMap()).toBe(writes);
    expect(server.get('configmaps', NS, NAME)?.metadata.resourceVersion).toBe(version);
  });

  test('an edit made in the ConfigMap is imported as a new revision by configmap:<name>, once, without a write loop', async () => {
    const mirror = await startMirror();
    const writesBefore = writesToConfigMap();
    const imported = nextEvent(mirror, 'imported');
    const indexWritten = nextEvent(mirror, 'exported');
    editData((data) => (data['slack-on-5xx.js'] = `${SLACK}// tuned by kubectl\n`));
    expect(await imported).toMatchObject({ key: 'slack-on-5xx.js', change: 'updated', title: 'Slack on 5xx', revision: 2 });
    await indexWritten;

    const slack = store.byTitle('Slack on 5xx');
    expect(slack?.source).toBe(`${SLACK}// tuned by kubectl\n`);
    const revision = store.revisions.get(slack?.id ?? '')?.at(-1);
    expect(revision).toMatchObject({ revision: 2, author: `configmap:${NAME}` });
    expect(revision?.message).toContain(`ConfigMap ${NS}/${NAME} key "slack-on-5xx.js"`);

    // A later unrelated edit is handled after the mirror's own write event, in watch order: by
    // then exactly one write (the index update) has happened and nothing was imported again.
    const later = nextWatchReconcile(mirror);
    editData((data) => (data['notes.txt'] = 'kept as it is'));
    await later;
    expect(writesToConfigMap()).toBe(writesBefore + 1);
    expect(store.revisions.get(slack?.id ?? '')).toHaveLength(2);
    expect(parseIndex(configMapData()[INDEX_KEY]).entries.get('slack-on-5xx.js')?.revision).toBe(2);
    expect(configMapData()['notes.txt']).toBe('kept as it is');
  });

  test('a new key creates an agent titled by its first comment line', async () => {
    const mirror = await startMirror();
    const imported = nextEvent(mirror, 'imported');
    editData((data) => (data['dns.js'] = DNS));
    expect(await imported).toMatchObject({ key: 'dns.js', change: 'created', title: 'DNS watch', revision: 1 });
    const dns = store.byTitle('DNS watch');
    expect(dns).toMatchObject({ source: DNS, active: true });
    expect(store.revisions.get(dns?.id ?? '')?.[0].author).toBe(`configmap:${NAME}`);
    await mirror.sync();
    // The key it came in under is kept, and indexed.
    expect(parseIndex(configMapData()[INDEX_KEY]).entries.get('dns.js')).toMatchObject({ id: dns?.id, title: 'DNS watch' });
    expect(configMapData()['dns-watch.js']).toBeUndefined();
  });

  test('a removed key deactivates its agent (history kept); adding it back reactivates it', async () => {
    const mirror = await startMirror();
    const deactivated = nextEvent(mirror, 'imported');
    editData((data) => delete data['packet-counter.js']);
    expect(await deactivated).toMatchObject({ key: 'packet-counter.js', change: 'deactivated', revision: 2 });
    expect(store.byTitle('Packet counter')).toMatchObject({ active: false, source: COUNTER });
    await mirror.sync();
    expect(parseIndex(configMapData()[INDEX_KEY]).entries.has('packet-counter.js')).toBe(false);

    const reactivated = nextEvent(mirror, 'imported');
    editData((data) => (data['counter.js'] = COUNTER));
    expect(await reactivated).toMatchObject({ key: 'counter.js', change: 'reactivated', revision: 3 });
    expect(store.byTitle('Packet counter')?.active).toBe(true);
  });

  test('a key renamed in the ConfigMap moves the agent to the new key, without deactivating it', async () => {
    const mirror = await startMirror();
    const imported = nextEvent(mirror, 'imported');
    editData((data) => {
      data['counter.js'] = data['packet-counter.js'];
      delete data['packet-counter.js'];
    });
    expect(await imported).toMatchObject({ key: 'counter.js', change: 'renamed' });
    expect(store.byTitle('Packet counter')).toMatchObject({ active: true, revision: 1 });
    await mirror.sync();
    expect(Object.keys(configMapData()).sort()).toEqual(['counter.js', 'slack-on-5xx.js', INDEX_KEY]);
  });

  test('an edit refused by checkSource is not imported and the database version is written back', async () => {
    const mirror = await startMirror({ checkSource: (source, key) => (source.includes('=>') ? `${key}:2:1: arrow functions are not ES5` : undefined) });
    const refused = nextEvent(mirror, 'refused');
    const restored = nextEvent(mirror, 'exported');
    editData((data) => (data['slack-on-5xx.js'] = '// Slack on 5xx\nvar f = () => 1;\n'));
    expect(await refused).toMatchObject({ key: 'slack-on-5xx.js', reason: 'invalid', configMapSource: '// Slack on 5xx\nvar f = () => 1;\n' });
    await restored;
    expect(configMapData()['slack-on-5xx.js']).toBe(SLACK);
    expect(store.byTitle('Slack on 5xx')?.revision).toBe(1);
    expect(logger.lines.some((l) => l.startsWith('warn') && l.includes('arrow functions are not ES5'))).toBe(true);
  });

  test('a key the store refuses (title too long) is refused alone; the other keys are imported', async () => {
    const mirror = await startMirror();
    const refused = nextEvent(mirror, 'refused');
    const written = nextEvent(mirror, 'exported');
    editData((data) => {
      data['long.js'] = `// ${'x'.repeat(250)}\nvar a;\n`;
      data['dns.js'] = DNS;
    });
    expect(await refused).toMatchObject({ key: 'long.js', reason: 'invalid', message: expect.stringContaining('longer than 200 characters') });
    await written;
    expect(store.byTitle('DNS watch')?.active).toBe(true);
    expect(Object.keys(configMapData()).sort()).toEqual(['dns.js', 'packet-counter.js', 'slack-on-5xx.js', INDEX_KEY]);
  });

  test('a deleted ConfigMap is created again from the store', async () => {
    const mirror = await startMirror();
    const recreated = nextEvent(mirror, 'exported');
    server.remove('configmaps', NS, NAME);
    expect(await recreated).toMatchObject({ created: true, keys: ['packet-counter.js', 'slack-on-5xx.js'] });
    expect(configMapData()['slack-on-5xx.js']).toBe(SLACK);
  });

  test('a ConfigMap recreated outside Wirehook from an old copy is synced back to the store', async () => {
    const mirror = await startMirror();
    const oldCopy = configMapData();
    await store.edit('Slack on 5xx', { source: `${SLACK}// v2\n` });
    await mirror.sync();

    const resynced = nextEvent(mirror, 'exported', (e) => e.created === false);
    server.remove('configmaps', NS, NAME);
    server.apply('configmaps', { metadata: { name: NAME, namespace: NS }, data: oldCopy });
    await resynced;
    // The old copy's keys were unchanged since their index was written: the store's newer revision wins, nothing is imported.
    expect(configMapData()['slack-on-5xx.js']).toBe(`${SLACK}// v2\n`);
    expect(store.byTitle('Slack on 5xx')?.revision).toBe(2);
    expect(configMapData()[INDEX_KEY]).toContain('"revision": 2');
  });

  test('a ConfigMap recreated without the index: equal sources are adopted, others are refused and written back', async () => {
    const mirror = await startMirror();
    const refused = collect(mirror, 'refused');
    const resynced = nextEvent(mirror, 'exported');
    server.remove('configmaps', NS, NAME);
    server.apply('configmaps', {
      metadata: { name: NAME, namespace: NS },
      data: { 'slack.js': SLACK, 'packet-counter.js': '// Packet counter\n// someone else\'s version\n' },
    });
    await resynced;
    expect(refused.map((r) => [r.key, r.reason])).toEqual([['packet-counter.js', 'duplicate-title']]);
    expect(Object.keys(configMapData()).sort()).toEqual(['packet-counter.js', 'slack.js', INDEX_KEY]);
    expect(configMapData()['packet-counter.js']).toBe(COUNTER);
    expect(logger.lines.some((l) => l.includes(`${INDEX_KEY} is missing`))).toBe(true);
  });

  test('when the watch history expired while disconnected (410), it lists again and imports what it missed', async () => {
    const mirror = await startMirror();
    const imported = nextEvent(mirror, 'imported');
    const listsBefore = server.requests.filter((r) => r.method === 'GET' && r.query.watch === undefined && r.path.endsWith('/configmaps')).length;
    // In one tick: the watch is cut, the ConfigMap edited, the history compacted.
    server.dropWatches();
    editData((data) => (data['packet-counter.js'] = `${COUNTER}// while away\n`));
    server.expireHistory();

    expect(await imported).toMatchObject({ key: 'packet-counter.js', change: 'updated' });
    const lists = server.requests.filter((r) => r.method === 'GET' && r.query.watch === undefined && r.path.endsWith('/configmaps')).length;
    expect(lists).toBe(listsBefore + 1);
    expect(logger.lines.some((l) => l.includes('expired (410), listing again'))).toBe(true);
    await server.waitForWatches('configmaps');

    // Watching again: a later edit still arrives.
    const again = nextEvent(mirror, 'imported');
    editData((data) => (data['dns.js'] = DNS));
    expect(await again).toMatchObject({ change: 'created', title: 'DNS watch' });
  });

  test('conflict rule: both sides changed since the last write — the database wins and the refused edit is reported', async () => {
    const mirror = await startMirror();
    // The store changes without a sync (say, another hub replica saved it) ...
    await store.edit('Slack on 5xx', { source: `${SLACK}// from the UI\n` });
    // ... and someone edits the same key in the ConfigMap.
    const refused = nextEvent(mirror, 'refused');
    const restored = nextEvent(mirror, 'exported');
    editData((data) => (data['slack-on-5xx.js'] = `${SLACK}// from kubectl\n`));

    expect(await refused).toMatchObject({
      key: 'slack-on-5xx.js',
      reason: 'conflict',
      title: 'Slack on 5xx',
      configMapSource: `${SLACK}// from kubectl\n`,
    });
    await restored;
    expect(configMapData()['slack-on-5xx.js']).toBe(`${SLACK}// from the UI\n`);
    expect(store.byTitle('Slack on 5xx')).toMatchObject({ revision: 2, source: `${SLACK}// from the UI\n` });
    expect(logger.lines.some((l) => l.startsWith('warn') && l.includes('revision 1 → 2') && l.includes('the database wins'))).toBe(true);
  });

  test('conflict rule: a key removed in the ConfigMap whose agent changed in the database is written back', async () => {
    const mirror = await startMirror();
    await store.edit('Packet counter', { source: `${COUNTER}// v2\n` });
    const refused = nextEvent(mirror, 'refused');
    editData((data) => delete data['packet-counter.js']);
    expect(await refused).toMatchObject({ key: 'packet-counter.js', reason: 'conflict' });
    await mirror.sync();
    expect(configMapData()['packet-counter.js']).toBe(`${COUNTER}// v2\n`);
    expect(store.byTitle('Packet counter')?.active).toBe(true);
  });

  test('an unreachable database leaves the ConfigMap alone; sync rejects and it is retried', async () => {
    const mirror = await startMirror({ maxRetryDelayMs: 50 });
    const version = server.get('configmaps', NS, NAME)?.metadata.resourceVersion;
    store.unavailable = true;
    await expect(mirror.sync()).rejects.toThrow('ECONNREFUSED');
    expect(server.get('configmaps', NS, NAME)?.metadata.resourceVersion).toBe(version);
    expect(logger.lines.some((l) => l.startsWith('error') && l.includes(`ConfigMap ${NS}/${NAME}: mirroring agents failed`))).toBe(true);

    const recovered = nextEvent(mirror, 'exported');
    await store.edit('Slack on 5xx', { source: `${SLACK}// v2\n` }).catch(() => undefined); // still down: not saved
    store.unavailable = false;
    await store.edit('Slack on 5xx', { source: `${SLACK}// v3\n` });
    await recovered; // the background retry, not a sync() call, brought it in line
    expect(configMapData()['slack-on-5xx.js']).toBe(`${SLACK}// v3\n`);
  });

  test('an unreachable API server: start does not throw, sync rejects with the reason', async () => {
    await server.close();
    const mirror = new ConfigMapMirror({ kubeConfig, namespace: NS, store, logger, maxRetryDelayMs: 50 });
    mirrors.push(mirror);
    await mirror.start();
    await expect(mirror.sync()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    server = await startKubeApiServer(); // for afterEach
  });
});

describe('readAgentsFromConfigMap', () => {
  test('gives the active agents as the store defines them', async () => {
    await startMirror();
    const agents = await readAgentsFromConfigMap(kubeConfig, NS);
    const active = (await store.list()).filter((a) => a.active).map(({ id, title, source, revision }) => ({ id, title, source, revision }));
    expect(agents).toEqual(active);
  });

  test('an edit not imported yet gives revision 0; a new key gives id configmap:<key>', async () => {
    await startMirror();
    await mirrors[0].stop(); // nothing imports any more, as when the hub is down
    editData((data) => {
      data['slack-on-5xx.js'] = `${SLACK}// edited while the hub is down\n`;
      data['dns.js'] = DNS;
    });
    const agents = await readAgentsFromConfigMap(kubeConfig, NS, NAME);
    expect(agents.map((a) => [a.title, a.revision])).toEqual([['DNS watch', 0], ['Packet counter', 1], ['Slack on 5xx', 0]]);
    expect(agents[0].id).toBe('configmap:dns.js');
    expect(agents[2]).toMatchObject({ id: store.byTitle('Slack on 5xx')?.id, source: `${SLACK}// edited while the hub is down\n` });
  });

  test('a missing ConfigMap is a ConfigMapReadError with status 404', async () => {
    const error = await readAgentsFromConfigMap(kubeConfig, NS, 'absent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigMapReadError);
    expect(error).toMatchObject({ status: 404, namespace: NS, configMap: 'absent' });
    expect((error as Error).message).toBe(`cannot read agents from ConfigMap ${NS}/absent: 404 NotFound: configmaps "absent" not found`);
  });
});
