// Pod events end to end: the hub watches pods on the Kubernetes API test server (real client), a
// worker runs beside it, over the in-process bus and over a real NATS server (each with its own
// connection, as separate processes would), and one agent runs on both. Restart,
// OOM kill and crash loop reach onPodEvent on the hub and on the worker with the right change.kind;
// the agent blocks pods with hub.blockPod from the worker and from the hub (NetworkPolicies
// created, audit log entries naming the agent) and unblocks them when they are deleted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createBus, InProcessBus, type Bus } from '@wirehook/bus';
import { configSchema, Subjects, type LogEntry } from '@wirehook/contracts';
import {
  crashLoopStatus,
  eventually,
  makeKubeConfig,
  pendingPod,
  restartedStatus,
  runningStatus,
  sharedPcap,
  startKubeApiServer,
  startNatsServer,
  terminatedStatus,
  type KubeApiServer,
  type NatsServerHandle,
  type PodShape,
} from '@wirehook/testing';
import { startWorker, type RunningWorker } from '@wirehook/worker';
import { createTestPlace, startTestHub, type TestHub, type TestPlace } from './test-hub';

const AGENT = `// Pod guard
console.log('loaded');
function onPodEvent(event, pod, change) {
  var name = pod.ObjectMeta.Name, ns = pod.ObjectMeta.Namespace, node = utils.nodeName();
  console.log(event + ' ' + name + ' ' + change.kind + ' ' + (change.reason || '-') + ' ' + pod.Status.Phase);
  if (change.kind === 'created' && node === 'hub') {
    var t = hub.targeted();
    console.log('targeted ' + names(t.targets) + ' excluded ' + names(t.excluded));
  }
  if (change.kind === 'oom-killed' && node !== 'hub') guard('blockPod', name, ns);
  if (change.kind === 'crashed' && change.reason === 'CrashLoopBackOff' && node === 'hub') guard('blockPod', name, ns);
  if (change.kind === 'deleted' && node === 'hub') guard('unblockPod', name, ns);
}
function names(pods) {
  var out = [];
  for (var i = 0; i < pods.length; i++) out.push(pods[i].name);
  return out.join(',');
}
function guard(op, name, ns) {
  try { hub[op](name, ns); console.log(op + ' ' + name + ' done'); }
  catch (e) { console.log(op + ' ' + name + ' failed: ' + e.message); }
}
`;

const NS = 'shop';
const pod = (name: string): PodShape => ({ name, namespace: NS, ip: `10.244.1.${name.length}` });

/** The hub's, the worker's and the test's connections to the bus. */
interface Buses {
  hub: Bus;
  worker: Bus;
  observer: Bus;
  natsUrl?: string;
  close(): Promise<void>;
}

async function inProcessBuses(): Promise<Buses> {
  const bus = new InProcessBus();
  return { hub: bus, worker: bus, observer: bus, close: () => bus.close() };
}

async function natsBuses(): Promise<Buses> {
  const server: NatsServerHandle = await startNatsServer();
  const [hub, worker, observer] = await Promise.all(['hub', 'worker', 'observer'].map((name) => createBus({ natsUrl: server.url, name: `test-${name}` })));
  return {
    hub, worker, observer, natsUrl: server.url,
    async close() {
      await Promise.all([hub.close(), worker.close(), observer.close()]);
      await server.stop();
    },
  };
}

describe.each([
  ['the in-process bus', inProcessBuses],
  ['NATS', natsBuses],
])('pod events and pod blocking, hub and worker, over %s', (_name, makeBuses) => {
  let place: TestPlace;
  let kube: KubeApiServer;
  let dir: string;
  let hub: TestHub | undefined;
  let worker: RunningWorker | undefined;
  let buses: Buses;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    place = await createTestPlace();
    kube = await startKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'wirehook-pod-events-'));
    buses = await makeBuses();
    buses.observer.subscribe<LogEntry>(Subjects.logsAll, (entry) => void logs.push(entry));
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await buses.close();
    await kube.close();
    await place.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The agent's console lines on one node, without the load line. */
  const lines = (node: string) => logs.filter((l) => l.source === 'console' && l.node === node && l.message !== 'loaded').map((l) => l.message);
  /** Waits until both nodes printed exactly `expected` so far (the hub's extra lines are given separately). */
  async function both(expected: string[], hubOnly: string[] = [], workerOnly: string[] = []): Promise<void> {
    const events = (all: string[]) => all.filter((l) => /^(ADDED|MODIFIED|DELETED) /.test(l));
    await eventually(() => {
      expect(events(lines('hub'))).toEqual(expected);
      expect(events(lines('node-a'))).toEqual(expected);
      for (const line of hubOnly) expect(lines('hub')).toContain(line);
      for (const line of workerOnly) expect(lines('node-a')).toContain(line);
    }, 20_000);
  }

  it('delivers restart, OOM kill and crash loop to onPodEvent on both nodes, and blocks through NetworkPolicies', async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, makeKubeConfig(kube).exportConfig());
    const agents = join(dir, 'agents');
    mkdirSync(agents);
    writeFileSync(join(agents, 'pod-guard.js'), AGENT);
    const kubernetes = { enabled: true, kubeconfig, namespace: 'wirehook', targetNamespaces: [NS], pods: { exclude: ['^debug-'] }, networkPolicy: { enabled: true } };
    const limits = { hookCpuMs: 5000, jobCpuMs: 5000 };
    kube.apply('pods', { ...pendingPod(pod('existing')), status: runningStatus(pod('existing')) });

    const nats = { url: buses.natsUrl };
    hub = await startTestHub(place, { bus: buses.hub, config: { nats, kubernetes, scripting: { source: agents, limits } } });
    const workerConfig = configSchema.parse({
      nats,
      node: { name: 'node-a' },
      database: { dataDir: join(dir, 'worker') },
      tap: { pcap: sharedPcap('dns.pcap'), loop: false, speed: 0 },
      kubernetes,
      scripting: { consoleToStdout: false, limits },
    });
    worker = await startWorker({ config: workerConfig, bus: buses.worker, metrics: new Registry(), logger: pino({ level: 'silent' }), version: 'test' });
    await eventually(() => expect(logs.filter((l) => l.message === 'loaded').map((l) => l.node).sort()).toEqual(['hub', 'node-a']), 20_000);
    await kube.waitForWatches('pods', 2);

    // An excluded pod: no events anywhere, listed by hub.targeted() as excluded.
    kube.apply('pods', { ...pendingPod(pod('debug-shell')), status: runningStatus(pod('debug-shell')) });

    // A clean restart.
    kube.apply('pods', { ...pendingPod(pod('restart-1')), status: runningStatus(pod('restart-1')) });
    await both(['ADDED restart-1 created Running Running'], ['targeted existing,restart-1 excluded debug-shell']);
    kube.edit('pods', NS, 'restart-1', (p) => void (p.status = restartedStatus(pod('restart-1'), 1, 'Completed', 0)));
    const afterRestart = ['ADDED restart-1 created Running Running', 'MODIFIED restart-1 restarted Completed Running'];
    await both(afterRestart);

    // An OOM kill: the worker's agent blocks the pod.
    kube.apply('pods', { ...pendingPod(pod('oom-1')), status: runningStatus(pod('oom-1')) });
    kube.edit('pods', NS, 'oom-1', (p) => void (p.status = restartedStatus(pod('oom-1'), 1, 'OOMKilled', 137)));
    const afterOom = [...afterRestart, 'ADDED oom-1 created Running Running', 'MODIFIED oom-1 oom-killed OOMKilled Running', 'MODIFIED oom-1 restarted OOMKilled Running'];
    await both(afterOom, [], ['blockPod oom-1 done']);

    // A crash loop: exit code 1, then CrashLoopBackOff; the hub's agent blocks the pod.
    kube.apply('pods', { ...pendingPod(pod('crash-1')), status: runningStatus(pod('crash-1')) });
    kube.edit('pods', NS, 'crash-1', (p) => void (p.status = terminatedStatus(pod('crash-1'), 0, 'Error', 1)));
    kube.edit('pods', NS, 'crash-1', (p) => void (p.status = crashLoopStatus(pod('crash-1'), 1, 1)));
    const afterCrash = [
      ...afterOom,
      'ADDED crash-1 created Running Running',
      'MODIFIED crash-1 crashed Error Running',
      'MODIFIED crash-1 not-ready ContainersNotReady Running',
      'MODIFIED crash-1 restarted Error Running',
      'MODIFIED crash-1 crashed CrashLoopBackOff Running',
    ];
    await both(afterCrash, ['blockPod crash-1 done']);

    const policies = kube.list('networkpolicies', NS);
    expect(policies.map((p) => ({ name: p.metadata.name, annotations: p.metadata.annotations, spec: p.spec }))).toEqual(
      ['crash-1', 'oom-1'].map((name) => {
        const uid = kube.get('pods', NS, name)!.metadata.uid!;
        return {
          name: `wirehook-block-${name}`,
          annotations: { 'wirehook.io/pod': name, 'wirehook.io/pod-uid': uid, 'wirehook.io/requested-by': 'Pod guard', 'wirehook.io/requested-on': name === 'oom-1' ? 'node-a' : 'hub' },
          spec: { podSelector: { matchLabels: { 'wirehook.io/blocked-pod': uid } }, policyTypes: ['Ingress', 'Egress'] },
        };
      }),
    );
    expect(kube.get('pods', NS, 'oom-1')!.metadata.labels).toMatchObject({ 'wirehook.io/blocked-pod': kube.get('pods', NS, 'oom-1')!.metadata.uid });
    expect(kube.get('pods', NS, 'restart-1')!.metadata.labels).not.toHaveProperty(['wirehook.io/blocked-pod']);

    // Deleted pods are unblocked by the hub's agent.
    kube.remove('pods', NS, 'oom-1');
    kube.remove('pods', NS, 'crash-1');
    await both([...afterCrash, 'DELETED oom-1 deleted Running Running', 'DELETED crash-1 deleted Running Running'], ['unblockPod oom-1 done', 'unblockPod crash-1 done']);
    await eventually(() => expect(kube.list('networkpolicies', NS)).toEqual([]));

    // Nothing about the excluded pod reached any agent.
    expect([...lines('hub'), ...lines('node-a')].filter((l) => l.includes('debug-shell') && !l.startsWith('targeted'))).toEqual([]);
    const audit = logs.filter((l) => l.source === 'audit').map((l) => `${l.agent}: ${l.message.replace(/ \(uid [^)]+\)/, '')}`);
    expect(audit).toEqual([
      'Pod guard: blocked pod shop/oom-1 with NetworkPolicy shop/wirehook-block-oom-1, asked by agent "Pod guard" on node node-a',
      'Pod guard: blocked pod shop/crash-1 with NetworkPolicy shop/wirehook-block-crash-1, asked by agent "Pod guard" on node hub',
      'Pod guard: unblocked pod shop/oom-1: removed NetworkPolicy shop/wirehook-block-oom-1, asked by agent "Pod guard" on node hub',
      'Pod guard: unblocked pod shop/crash-1: removed NetworkPolicy shop/wirehook-block-crash-1, asked by agent "Pod guard" on node hub',
    ]);
  }, 90_000);
});
