// Plugin packages travel over NATS: a hub and a worker with their own plugins folders (as in
// Kubernetes, where each pod has an emptyDir) on one private nats-server. The worker gets every
// version the hub installs from the JetStream object store, installs it with the same checks,
// and its agents call the helper; a package it cannot get or install is that plugin's load error,
// and the rest keep running. The hub restores the bucket and its own folder at start.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createBus, type Bus } from '@wirehook/bus';
import { Buckets, configSchema, pluginPackageObject, SCHEMA_VERSION, Subjects, type LogEntry, type PluginsChangedMessage, type PluginStatsReply, type PodEventMessage } from '@wirehook/contracts';
import { pluginPackagePath } from '@wirehook/plugin-sdk';
import { eventually, sharedPcap, startNatsServer, type NatsServerHandle, startWebhookReceiver, type WebhookReceiver } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '@wirehook/worker';
import { builtPlugin, npmPack, podNotifier, WEBHOOK, WEBHOOK_PATH, type PodNotice } from './plugin-packages';
import { ApiClient, createTestPlace, startTestHub, type TestHub, type TestPlace } from './test-hub';



const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('plugin packages over NATS: hub and worker with separate plugins folders', () => {
  let received: PodNotice[] = [];
  const logs: LogEntry[] = [];
  let nats: NatsServerHandle;
  let observer: Bus;
  let raw: NatsConnection;
  let receiver: WebhookReceiver;
  let receiverUrl = '';
  let place: TestPlace;
  let work: string;
  let hubBus: Bus;
  let hub: TestHub;
  let workerBus: Bus;
  let worker: RunningWorker;
  let workerPluginsDir: string;
  let tarballs: { v1: string; v2: string };
  let podCounter = 0;

  const api = () => new ApiClient(hub.url, hub.adminToken);
  const workerPlugins = async () => (await api().get<PluginStatsReply[]>('/api/plugins/stats')).body.find((r) => r.node === 'node-a')?.plugins ?? [];
  /** Publishes pod events until the worker's agent has posted one of them through the webhook. */
  const workerPosts = async () => {
    const from = received.length;
    await eventually(
      () => {
        const message: PodEventMessage = { v: SCHEMA_VERSION, event: 'ADDED', pod: { metadata: { name: `pod-${++podCounter}`, namespace: 'shop' } }, change: { kind: 'created' } };
        observer.publish(Subjects.podEvents('shop'), message);
        expect(received.slice(from).map((r) => r.node)).toContain('node-a');
      },
      20_000,
      300,
    );
  };
  const startHub = async () => {
    hubBus = await createBus({ natsUrl: nats.url, name: 'test-hub' });
    // A token every start (the all-in-one policy), so that the test can call the API after a restart.
    hub = await startTestHub(place, { bus: hubBus, config: { nats: { url: nats.url }, scripting: { limits: { hookCpuMs: 3000, jobCpuMs: 3000 } } }, hub: { adminToken: 'every-start' } });
  };
  const stopHub = async () => {
    await hub.close();
    await hubBus.close();
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiverUrl = receiver.url;
    received = receiver.bodies as PodNotice[];

    work = mkdtempSync(join(tmpdir(), 'wirehook-plugin-packages-'));
    tarballs = {
      v1: npmPack(builtPlugin('webhook', join(work, 'src', 'webhook-1')), join(work, 'packs', '1')),
      v2: npmPack(builtPlugin('webhook', join(work, 'src', 'webhook-2'), (pkg) => void (pkg.version = '2.0.0')), join(work, 'packs', '2')),
    };
    nats = await startNatsServer();
    observer = await createBus({ natsUrl: nats.url, name: 'test-observer' });
    observer.subscribe<LogEntry>(Subjects.logsAll, (entry) => void logs.push(entry));
    raw = await connect({ servers: nats.url });
    place = await createTestPlace();
    // The hub's plugins folder is the default, <dataDir>/plugins; the worker's is its own.
    await startHub();
    workerPluginsDir = join(work, 'worker', 'plugins');
    const workerConfig = configSchema.parse({
      nats: { url: nats.url },
      node: { name: 'node-a' },
      database: { dataDir: join(work, 'worker') },
      tap: { pcap: sharedPcap('dns.pcap'), loop: false, speed: 0 },
      scripting: { consoleToStdout: false, limits: { hookCpuMs: 3000, jobCpuMs: 3000 } },
    });
    workerBus = await createBus({ natsUrl: nats.url, name: 'test-worker' });
    worker = await startWorker({ config: workerConfig, bus: workerBus, metrics: new Registry(), logger: pino({ level: 'silent' }), version: 'test' });
    expect((await api().post('/api/agents', { source: podNotifier(receiverUrl) })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await workerBus?.close();
    await hub?.close();
    await hubBus?.close();
    await observer?.close();
    await raw?.close();
    await nats?.stop();
    await place?.remove();
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs on the hub; the worker fetches the package over NATS, installs it in its own folder and its agent calls the helper', async () => {
    const answer = await api().post<{ plugin: { version: string } }>('/api/plugins', { tarball: tarballs.v1 });
    expect(answer.status).toBe(201);
    await workerPosts();
    expect(existsSync(join(pluginPackagePath(workerPluginsDir, WEBHOOK, '1.0.0'), 'package.json'))).toBe(true);
    expect(pluginPackagePath(workerPluginsDir, WEBHOOK, '1.0.0')).not.toBe(pluginPackagePath(join(place.dataDir, 'plugins'), WEBHOOK, '1.0.0'));
    // In the bucket: the very bytes the hub keeps.
    const kept = readFileSync(join(place.dataDir, 'plugins', 'tarballs', pluginPackageObject(WEBHOOK, '1.0.0')));
    expect(await observer.blobInfo(Buckets.pluginPackages, pluginPackageObject(WEBHOOK, '1.0.0'))).toEqual({ size: kept.length, sha256: sha256(kept) });
    await eventually(async () => expect((await workerPlugins()).map((p) => `${p.plugin}@${p.version} ${p.state}`)).toEqual([`${WEBHOOK}@1.0.0 loaded`]));
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^plugin @wirehook\/plugin-webhook@1\.0\.0 fetched from the hub \(\d+ bytes\) and installed in .* on node-a$/));
  });

  it('a package missing, not a tarball or corrupt on the bus is that plugin’s load error on the worker; the other plugins run on', async () => {
    await observer.putBlob(Buckets.pluginPackages, pluginPackageObject('@acme/garbled', '1.0.0'), new TextEncoder().encode('not a tarball'));
    // Corrupt: a chunk added behind the object store's back, so the bytes do not match the digest.
    await observer.putBlob(Buckets.pluginPackages, pluginPackageObject('@acme/corrupt', '1.0.0'), readFileSync(tarballs.v1));
    const info = await (await raw.jetstream().views.os(Buckets.pluginPackages)).info(pluginPackageObject('@acme/corrupt', '1.0.0'));
    await raw.jetstream().publish(`$O.${Buckets.pluginPackages}.C.${info?.nuid}`, new TextEncoder().encode('tampered'));

    const announcement: PluginsChangedMessage = {
      v: SCHEMA_VERSION,
      plugins: [
        { name: WEBHOOK, version: '1.0.0' },
        { name: '@acme/missing', version: '1.0.0' },
        { name: '@acme/garbled', version: '1.0.0' },
        { name: '@acme/corrupt', version: '1.0.0' },
      ],
    };
    observer.publish(Subjects.pluginsChanged, announcement);
    await eventually(async () => {
      const states = Object.fromEntries((await workerPlugins()).map((p) => [p.plugin, `${p.state}: ${p.error ?? ''}`]));
      expect(states).toEqual({
        [WEBHOOK]: 'loaded: ',
        '@acme/missing': `failed: @acme/missing@1.0.0: package not found on the bus (bucket ${Buckets.pluginPackages}, object @acme+missing@1.0.0.tgz); the hub puts it there at install and at its start, see the hub's log`,
        '@acme/garbled': expect.stringMatching(/^failed: @acme\/garbled@1\.0\.0: package fetched from the hub was refused: @acme\+garbled@1\.0\.0\.tgz is not a readable npm tarball/),
        '@acme/corrupt': expect.stringMatching(
          new RegExp(`^failed: @acme/corrupt@1\\.0\\.0: package could not be fetched from the hub: cannot get ${Buckets.pluginPackages}/@acme\\+corrupt@1\\.0\\.0\\.tgz on ${nats.url}: received a corrupt object`),
        ),
      });
    }, 15_000);
    await workerPosts();

    // Back to what the hub has installed.
    observer.publish(Subjects.pluginsChanged, { v: SCHEMA_VERSION, plugins: [{ name: WEBHOOK, version: '1.0.0' }] });
    await eventually(async () => expect((await workerPlugins()).map((p) => p.plugin)).toEqual([WEBHOOK]));
    for (const name of ['@acme/garbled', '@acme/corrupt']) await observer.deleteBlob(Buckets.pluginPackages, pluginPackageObject(name, '1.0.0'));
  });

  it('at start the hub puts back a package the bucket lost, and restores its own folder from the bucket', async () => {
    const object = pluginPackageObject(WEBHOOK, '1.0.0');
    const stored = await observer.blobInfo(Buckets.pluginPackages, object);
    // NATS lost the object (a restart without persistence): the hub's next start puts it back.
    await stopHub();
    await observer.deleteBlob(Buckets.pluginPackages, object);
    await startHub();
    expect(await observer.blobInfo(Buckets.pluginPackages, object)).toEqual(stored);

    // The hub lost its folder (an emptyDir after a pod restart): its next start fetches it back.
    await stopHub();
    rmSync(join(place.dataDir, 'plugins'), { recursive: true, force: true });
    await startHub();
    expect(existsSync(join(pluginPackagePath(join(place.dataDir, 'plugins'), WEBHOOK, '1.0.0'), 'package.json'))).toBe(true);
    const list = await api().get<Array<{ name: string; hub: { state: string }; problem?: string }>>('/api/plugins');
    expect(list.body).toEqual([expect.objectContaining({ name: WEBHOOK, hub: { state: 'loaded' } })]);
    expect(list.body[0].problem).toBeUndefined();
  }, 30_000);

  it('an upgrade reaches the worker and replaces the package on the bus; removing the plugin drops it from the worker and the bus', async () => {
    const upgraded = await api().post<{ plugin: { version: string } }>(`/api/plugins/${WEBHOOK_PATH}/upgrade`, { tarball: tarballs.v2, acceptMajor: true });
    expect(upgraded.status).toBe(200);
    await eventually(async () => expect((await workerPlugins()).map((p) => `${p.plugin}@${p.version} ${p.state}`)).toEqual([`${WEBHOOK}@2.0.0 loaded`]), 15_000);
    await workerPosts();
    expect(await observer.blobInfo(Buckets.pluginPackages, pluginPackageObject(WEBHOOK, '1.0.0'))).toBeUndefined();
    expect(await observer.blobInfo(Buckets.pluginPackages, pluginPackageObject(WEBHOOK, '2.0.0'))).toBeDefined();

    expect((await api().delete(`/api/plugins/${WEBHOOK_PATH}`)).status).toBe(200);
    await eventually(async () => expect(await workerPlugins()).toEqual([]), 15_000);
    expect(await observer.blobInfo(Buckets.pluginPackages, pluginPackageObject(WEBHOOK, '2.0.0'))).toBeUndefined();
  });
});
