// Items name the workloads at both ends: a worker watches pods, services and endpoint slices on the
// Kubernetes API test server (real client) and replays a shared capture (all 127.0.0.1); the
// cluster's objects carry those addresses so that the index resolves them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema, Subjects, type Item, type ItemBatchMessage, type LogEntry } from '@wirehook/contracts';
import { eventually, makeKubeConfig, pendingPod, runningStatus, sharedPcap, startKubeApiServer, type KubeApiServer } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '../src';

// Runs on the worker: the first item prints pcap.nameResolutionHistory() and hub.targeted().
const AGENT = [
  '// Names',
  'var printed = false;',
  'function onItemCaptured(data) {',
  '  if (printed) return;',
  '  printed = true;',
  '  console.log(JSON.stringify({ history: pcap.nameResolutionHistory(), targeted: hub.targeted() }));',
  '}',
].join('\n');

describe('workload names on items', () => {
  let kube: KubeApiServer;
  let dir: string;
  let worker: RunningWorker | undefined;
  const bus = new InProcessBus();

  beforeAll(async () => {
    kube = await startKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'wirehook-names-'));
  });
  afterAll(async () => {
    await worker?.close();
    await bus.close();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills src and dst name, namespace and pod from pods (by IP and host-network IP:port) and endpoint slices', async () => {
    // The client: an ordinary pod whose IP is 127.0.0.1.
    const client = { name: 'curl-client', namespace: 'shop', ip: '127.0.0.1' };
    kube.apply('pods', { ...pendingPod(client), status: runningStatus(client) });
    // The Node.js server on :18081: a host-network pod of Deployment "api".
    const api = {
      name: 'api-6d4cf56db6-x7k2p', namespace: 'shop', hostNetwork: true, hostIP: '127.0.0.1', ports: [18081],
      owner: { kind: 'ReplicaSet', name: 'api-6d4cf56db6' }, labels: { app: 'api', 'pod-template-hash': '6d4cf56db6' },
    };
    kube.apply('pods', { ...pendingPod(api), status: runningStatus(api) });
    // nginx on :18080: known only from the endpoint slice of Service "web" (its pod is not in the index).
    kube.apply('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'web-8xk2d', namespace: 'edge', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', ports: [{ name: 'http', port: 18080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['127.0.0.1'], targetRef: { kind: 'Pod', name: 'nginx-0', namespace: 'edge' } }],
    });
    kube.apply('configmaps', { metadata: { name: 'wirehook-config-map', namespace: 'wirehook' }, data: { 'names.js': AGENT } });
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, makeKubeConfig(kube).exportConfig());

    const items: Item[] = [];
    const consoleLines: string[] = [];
    bus.subscribe<ItemBatchMessage>(Subjects.itemsAll, (message) => void items.push(...message.items));
    bus.subscribe<LogEntry>(Subjects.logsAll, (entry) => void (entry.source === 'console' && consoleLines.push(entry.message)));
    const config = configSchema.parse({
      node: { name: 'node-a' },
      database: { dataDir: dir },
      tap: { pcap: sharedPcap('http-mixed.pcap'), loop: false, speed: 0 },
      kubernetes: { enabled: true, kubeconfig, namespace: 'wirehook', targetNamespaces: ['shop', 'edge'] },
      scripting: { consoleToStdout: false },
    });
    worker = await startWorker({ config, bus, metrics: new Registry(), logger: pino({ level: 'silent' }), version: 'test' });
    await eventually(() => expect(items).toHaveLength(21), 30_000);

    const ends = (item: Item) => `${JSON.stringify(item.src)} -> ${JSON.stringify(item.dst)} ${item.namespace}`;
    const byServer = new Map<string, string[]>();
    for (const item of items) byServer.set(item.dst.port, [...(byServer.get(item.dst.port) ?? []), ends(item)]);
    const clientEnd = (port: string) => JSON.stringify({ ip: '127.0.0.1', port, name: 'curl-client', namespace: 'shop', pod: 'curl-client' });
    expect(byServer.get('18081')).toHaveLength(20);
    for (const item of items.filter((i) => i.dst.port === '18081')) {
      expect(ends(item)).toBe(`${clientEnd(item.src.port)} -> ${JSON.stringify({ ip: '127.0.0.1', port: '18081', name: 'api', namespace: 'shop', pod: 'api-6d4cf56db6-x7k2p' })} shop`);
    }
    const [nginx] = items.filter((i) => i.dst.port === '18080');
    expect(ends(nginx)).toBe(`${clientEnd(nginx.src.port)} -> ${JSON.stringify({ ip: '127.0.0.1', port: '18080', name: 'web', namespace: 'edge', pod: 'nginx-0' })} edge`);

    // The agent's view: the index history and the targeted pods.
    await eventually(() => expect(consoleLines).toHaveLength(1));
    const seen = JSON.parse(consoleLines[0]) as { history: Array<Record<string, unknown>>; targeted: { targets: Array<{ name: string }>; excluded: unknown[] } };
    // Pods and slices are listed concurrently: the order between them is not fixed.
    const changes = seen.history.map(({ time: _time, ...change }) => change).sort((a, b) => String(a.source).localeCompare(String(b.source)));
    expect(changes).toEqual([
      { change: 'added', ip: '127.0.0.1', port: 18080, name: 'web', namespace: 'edge', pod: 'nginx-0', source: 'endpointslice/edge/web-8xk2d' },
      { change: 'added', ip: '127.0.0.1', port: 18081, name: 'api', namespace: 'shop', pod: 'api-6d4cf56db6-x7k2p', source: 'pod/shop/api-6d4cf56db6-x7k2p' },
      { change: 'added', ip: '127.0.0.1', name: 'curl-client', namespace: 'shop', pod: 'curl-client', source: 'pod/shop/curl-client' },
    ]);
    expect(seen.history.every((c) => typeof c.time === 'number')).toBe(true);
    expect(seen.targeted.targets.map((p) => p.name)).toEqual(['api-6d4cf56db6-x7k2p', 'curl-client']);
    expect(seen.targeted.excluded).toEqual([]);
  }, 60_000);
});
