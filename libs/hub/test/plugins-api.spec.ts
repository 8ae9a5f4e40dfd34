import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema, SCHEMA_VERSION, Subjects, type LogEntry, type PluginStatsReply, type PodEventMessage } from '@wirehook/contracts';
import { eventually, sharedPcap, startWebhookReceiver, type WebhookReceiver } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '@wirehook/worker';
import { builtPlugin, npmPack, podNotifier, WEBHOOK, WEBHOOK_PATH, type PodNotice } from './plugin-packages';
import { ApiClient, createTestPlace, startTestHub, type TestHub, type TestPlace } from './test-hub';



describe('plugins: install, upgrade and remove through the hub API; workers load them without restarting', () => {
  const bus = new InProcessBus();
  let received: PodNotice[] = [];
  const logs: LogEntry[] = [];
  let receiver: WebhookReceiver;
  let receiverUrl = '';
  let place: TestPlace;
  let work: string;
  let pluginsDir: string;
  let hub: TestHub;
  let worker: RunningWorker;
  let api: ApiClient;
  let tarballs: { v1: string; v2: string; incompatible: string };
  let influxFolder: string;
  let podCounter = 0;

  const publishPodEvent = () => {
    const message: PodEventMessage = { v: SCHEMA_VERSION, event: 'ADDED', pod: { metadata: { name: `pod-${++podCounter}`, namespace: 'shop' } }, change: { kind: 'created' } };
    bus.publish(Subjects.podEvents('shop'), message);
    return `pod-${podCounter}`;
  };
  const nodesThatPosted = (pod: string) => received.filter((r) => r.pod === pod).map((r) => r.node).sort();
  /** Publishes pod events until both nodes' agents have posted one of them through the webhook. */
  const bothNodesPost = async () => {
    const from = received.length;
    await eventually(
      () => {
        publishPodEvent();
        expect([...new Set(received.slice(from).map((r) => r.node))].sort()).toEqual(['hub', 'node-a']);
      },
      20_000,
      300,
    );
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiverUrl = receiver.url;
    received = receiver.bodies as PodNotice[];

    work = mkdtempSync(join(tmpdir(), 'wirehook-plugins-api-'));
    pluginsDir = join(work, 'shared-plugins');
    tarballs = {
      v1: npmPack(builtPlugin('webhook', join(work, 'src', 'webhook-1')), join(work, 'packs', '1')),
      v2: npmPack(builtPlugin('webhook', join(work, 'src', 'webhook-2'), (pkg) => void (pkg.version = '2.0.0')), join(work, 'packs', '2')),
      incompatible: npmPack(
        builtPlugin('webhook', join(work, 'src', 'webhook-future'), (pkg) => {
          pkg.version = '3.0.0';
          pkg.wirehook.host = '>=99.0.0';
        }),
        join(work, 'packs', '3'),
      ),
    };
    influxFolder = builtPlugin('influxdb', join(work, 'src', 'influxdb'));

    place = await createTestPlace();
    bus.subscribe<LogEntry>(Subjects.logsAll, (entry) => void logs.push(entry));
    const limits = { hookCpuMs: 3000, jobCpuMs: 3000 };
    hub = await startTestHub(place, { bus, config: { plugins: { dir: pluginsDir }, scripting: { limits } } });
    api = new ApiClient(hub.url, hub.adminToken);
    const workerConfig = configSchema.parse({
      node: { name: 'node-a' },
      database: { dataDir: join(work, 'worker') },
      tap: { pcap: sharedPcap('dns.pcap'), loop: false, speed: 0 },
      plugins: { dir: pluginsDir },
      scripting: { consoleToStdout: false, limits },
    });
    worker = await startWorker({ config: workerConfig, bus, metrics: new Registry(), logger: pino({ level: 'silent' }), version: 'test' });
    const created = await api.post('/api/agents', { source: podNotifier(receiverUrl) });
    expect(created.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await bus.close();
    await place?.remove();
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('before any plugin: agents run on hub and worker without vendor.webhook', async () => {
    const pod = publishPodEvent();
    await eventually(() => {
      const lines = logs.filter((l) => l.source === 'console' && l.agent === 'Pod notifier').map((l) => l.message);
      expect(lines).toEqual(expect.arrayContaining(['no webhook on hub', 'no webhook on node-a']));
    });
    expect(nodesThatPosted(pod)).toEqual([]);
  });

  it('refuses a plugin whose host range does not match, with the reason, and installs nothing', async () => {
    const answer = await api.post<{ reason: string; problems: string[]; message: string }>('/api/plugins', { tarball: tarballs.incompatible });
    expect(answer.status).toBe(422);
    expect(answer.body.reason).toBe('incompatible');
    expect(answer.body.problems).toEqual([expect.stringMatching(/^needs Wirehook >=99\.0\.0, this host is Wirehook \d+\.\d+\.\d+/)]);
    expect((await api.get<unknown[]>('/api/plugins')).body).toEqual([]);
    expect(existsSync(join(pluginsDir, 'packages')) ? readdirSync(join(pluginsDir, 'packages')) : []).toEqual([]);
  });

  it('installs an npm tarball into the running hub: hub and worker load it and the agent starts using the helper', async () => {
    const answer = await api.post<{ plugin: { name: string; version: string } }>('/api/plugins', { tarball: tarballs.v1 });
    expect(answer.status).toBe(201);
    expect(answer.body.plugin).toMatchObject({ name: WEBHOOK, version: '1.0.0' });
    // Workers apply the announcement asynchronously; each try is a new pod event.
    await bothNodesPost();

    const list = await api.get<Array<{ name: string; version: string; enabled: boolean; helpers: Array<{ name: string }>; hub: { state: string } }>>('/api/plugins');
    expect(list.body).toEqual([expect.objectContaining({ name: WEBHOOK, version: '1.0.0', enabled: true, hub: { state: 'loaded' } })]);
    expect(list.body[0].helpers.map((h) => h.name)).toEqual(['vendor.webhook']);
    const nodes = await api.get<Array<{ type: string; plugin: string; helper: string; parameterSchemas: Record<string, unknown> }>>('/api/plugins/nodes');
    expect(nodes.body).toEqual([expect.objectContaining({ type: 'webhook.request', plugin: WEBHOOK, helper: 'vendor.webhook' })]);
    expect(Object.keys(nodes.body[0].parameterSchemas)).toEqual(['method', 'url', 'body', 'headers']);

    // The hub hears of workers through their heartbeats.
    await eventually(async () => {
      const stats = await api.get<PluginStatsReply[]>('/api/plugins/stats');
      const byNode = Object.fromEntries(stats.body.map((r) => [r.node, r.plugins.find((p) => p.plugin === WEBHOOK)]));
      for (const node of ['hub', 'node-a']) {
        expect(byNode[node]).toMatchObject({ version: '1.0.0', state: 'loaded', failed: 0 });
        expect(byNode[node]?.agents.find((a) => a.agent === 'Pod notifier')?.sent).toBeGreaterThanOrEqual(1);
      }
    }, 15_000);
    const metrics = await fetch(`${hub.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/wirehook_plugin_sent_total\{node="hub",plugin="@wirehook\/plugin-webhook",agent="Pod notifier"\} [1-9]/);
  });

  it('installs from a folder (dependencies linked from the host) and removes it from every node', async () => {
    const answer = await api.post<{ plugin: { version: string }; linked: string[]; dir: string }>('/api/plugins', { folder: influxFolder });
    expect(answer.status).toBe(201);
    expect(answer.body.linked).toEqual(['@influxdata/influxdb-client']);
    const name = encodeURIComponent('@wirehook/plugin-influxdb');
    const detail = await api.get<{ manifest: { helpers: Array<{ name: string }> } }>(`/api/plugins/${name}`);
    expect(detail.body.manifest.helpers.map((h) => h.name)).toEqual(['vendor.influxdb']);
    await eventually(async () => {
      const stats = (await api.get<PluginStatsReply[]>('/api/plugins/stats')).body;
      expect(stats.find((r) => r.node === 'node-a')?.plugins.map((p) => `${p.plugin}@${p.version} ${p.state}`).sort()).toEqual([
        '@wirehook/plugin-influxdb@1.0.0 loaded',
        '@wirehook/plugin-webhook@1.0.0 loaded',
      ]);
    });
    const removed = await api.delete<{ version: string; agents: unknown[] }>(`/api/plugins/${name}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ version: '1.0.0', agents: [] });
    expect(existsSync(answer.body.dir)).toBe(false);
    await eventually(async () => {
      const stats = (await api.get<PluginStatsReply[]>('/api/plugins/stats')).body;
      expect(stats.find((r) => r.node === 'node-a')?.plugins.map((p) => p.plugin)).toEqual([WEBHOOK]);
    });
  });

  it('refuses a second version through install, and only an admin may install', async () => {
    const conflict = await api.post<{ message: string }>('/api/plugins', { tarball: tarballs.v2 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toContain('1.0.0 is installed: upgrade it to 2.0.0 instead');
    expect((await api.withToken(undefined).post('/api/plugins', { tarball: tarballs.v2 })).status).toBe(401);
    const editor = await api.post<{ secret: string }>('/api/tokens', { name: 'plugin-editor', role: 'editor' });
    expect((await api.withToken(editor.body.secret).post('/api/plugins', { tarball: tarballs.v2 })).status).toBe(403);
    expect((await api.post('/api/plugins', { tarball: tarballs.v2, folder: influxFolder })).status).toBe(400);
  });

  it('upgrade preflight lists the agents and flows that call the helpers and warns on a major version', async () => {
    const flow = await hub.database.flows.create({ name: 'Alert flow', graph: { nodes: [{ id: 'n1', type: 'webhook.request', params: { url: receiverUrl } }], edges: [] }, author: 'test' });
    const preflight = await api.post<{ from: string; to: string; major: boolean; agents: Array<{ title: string; helpers: string[] }>; flows: Array<{ name: string; nodes: string[] }>; warnings: string[] }>(
      `/api/plugins/${WEBHOOK_PATH}/preflight`,
      { tarball: tarballs.v2 },
    );
    expect(preflight.status).toBe(200);
    expect(preflight.body).toMatchObject({ from: '1.0.0', to: '2.0.0', major: true });
    expect(preflight.body.agents).toEqual([expect.objectContaining({ title: 'Pod notifier', helpers: ['vendor.webhook'] })]);
    expect(preflight.body.flows).toEqual([expect.objectContaining({ id: flow.flow.id, name: 'Alert flow', nodes: ['webhook.request'] })]);
    expect(preflight.body.warnings).toEqual([expect.stringContaining('major version change 1.0.0 → 2.0.0: 1 agent(s) and 1 flow(s) call its helpers')]);

    const refused = await api.post<{ preflight: { major: boolean } }>(`/api/plugins/${WEBHOOK_PATH}/upgrade`, { tarball: tarballs.v2 });
    expect(refused.status).toBe(409);
    expect(refused.body.preflight.major).toBe(true);
    expect((await api.get<{ version: string }>(`/api/plugins/${WEBHOOK_PATH}`)).body.version).toBe('1.0.0');

    const upgraded = await api.post<{ plugin: { version: string }; preflight: { agents: unknown[] } }>(`/api/plugins/${WEBHOOK_PATH}/upgrade`, { tarball: tarballs.v2, acceptMajor: true });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body.plugin.version).toBe('2.0.0');
    await eventually(async () => {
      const stats = (await api.get<PluginStatsReply[]>('/api/plugins/stats')).body;
      expect(stats.map((r) => `${r.node} ${r.plugins.find((p) => p.plugin === WEBHOOK)?.version}`).sort()).toEqual(['hub 2.0.0', 'node-a 2.0.0']);
    });
    // The new version serves the agent straight away (same helper names: no reload needed).
    await bothNodesPost();
  });

  it('disabling unloads it everywhere; settings are checked against the manifest', async () => {
    const bad = await api.request<{ reason: string; problems: string[] }>('PATCH', `/api/plugins/${WEBHOOK_PATH}`, { settings: { maxResponseBytes: 'lots' } }, {});
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['settings/maxResponseBytes must be integer']);
    const disabled = await api.request<{ enabled: boolean }>('PATCH', `/api/plugins/${WEBHOOK_PATH}`, { enabled: false }, {});
    expect(disabled.body.enabled).toBe(false);
    await eventually(async () => {
      const stats = (await api.get<PluginStatsReply[]>('/api/plugins/stats')).body;
      expect(stats.map((r) => r.plugins.length)).toEqual([0, 0]);
    });
    const pod = publishPodEvent();
    await eventually(() => {
      const lines = logs.filter((l) => l.source === 'hook-error' || (l.source === 'console' && l.agent === 'Pod notifier')).map((l) => l.message);
      expect(lines.some((l) => l.includes('vendor.webhook is not installed on node "node-a"'))).toBe(true);
    });
    expect(nodesThatPosted(pod)).toEqual([]);
  });
});
