import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { SCHEMA_VERSION, Subjects, type PodEventMessage } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import {
  createTempPostgresDatabase,
  eventually,
  freePort,
  sharedPcap,
  startNatsServer,
  type NatsServerHandle,
} from '@wirehook/testing';
import { adminTokenOf, getJson, WirehookProcess } from './wirehook-process';

/** One agent, loaded on every node: each hook says where it ran. */
const REPORTER = `// Reporter
var sent = false;
function onItemCaptured(data) {
  if (!sent) {
    sent = true;
    hub.action("first-item", { node: utils.nodeName(), id: data.id });
  }
}
function onHubAction(action, object) {
  console.log("hub got " + action + " from " + object.node + " on " + utils.nodeName());
}
function onPodEvent(event, pod, change) {
  console.log("pod " + event + " " + pod.metadata.name + " " + change.kind + " on " + utils.nodeName());
}
`;

async function expectedCounts(file: string, worker: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await replayCaptureToItems(file, { worker, onItem: (item) => void (counts[item.protocol.name] = (counts[item.protocol.name] ?? 0) + 1) });
  return counts;
}

/** Two worker processes and one hub over a real nats-server: every item, action and pod event arrives. */
describe('two workers and a hub over NATS', () => {
  let nats: NatsServerHandle;
  let database: { url: string; drop(): Promise<void> };
  let workDir: string;
  const processes: WirehookProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTempPostgresDatabase();
    workDir = mkdtempSync(join(tmpdir(), 'wirehook-multi-'));
  });

  afterAll(async () => {
    for (const p of processes) p.kill();
    await nats.stop();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('delivers every item of both captures, hub actions from both workers, and pod events to both', async () => {
    const agentsDir = join(workDir, 'agents');
    mkdirSync(agentsDir);
    writeFileSync(join(agentsDir, 'reporter.js'), REPORTER);
    const captures = { 'node-a': sharedPcap('http-mixed.pcap'), 'node-b': sharedPcap('redis.pcap') };
    const expected = {
      'node-a': await expectedCounts(captures['node-a'], 'node-a'),
      'node-b': await expectedCounts(captures['node-b'], 'node-b'),
    };
    expect(expected['node-a'].http).toBeGreaterThan(10);
    expect(expected['node-b'].redis).toBeGreaterThan(1000);

    const port = await freePort();
    const env = { NATS_URL: nats.url, DATABASE_URL: database.url };
    const hub = new WirehookProcess(['hub', '--set', `hub.port=${port}`, '--set', `scripting.source=${agentsDir}`, '--set', `database.dataDir=${join(workDir, 'hub')}`], { cwd: workDir, env });
    processes.push(hub);
    for (const [node, file] of Object.entries(captures)) {
      processes.push(
        new WirehookProcess(
          ['worker', '--set', 'worker.metricsPort=0', '--set', `tap.pcap=${file}`, '--set', 'tap.loop=false', '--set', 'tap.speed=0', '--set', `database.dataDir=${join(workDir, node)}`],
          { cwd: workDir, env: { ...env, NODE_NAME: node } },
        ),
      );
    }

    const token = await adminTokenOf(hub);
    const workersOutput = (): string => processes.slice(1).map((p) => p.stderr).join('\n');
    await hub.waitFor(/hub got first-item from node-a on hub/, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- workers:\n${workersOutput()}`);
    });
    await hub.waitFor(/hub got first-item from node-b on hub/, 60_000);
    await eventually(async () => {
      const counts = await getJson<{ byWorker: Record<string, Record<string, number>> }>(`http://127.0.0.1:${port}/api/items/counts`, token);
      expect(counts.byWorker).toEqual(expected);
    }, 60_000, 500);

    // The Kubernetes watcher (a later issue) publishes pod events this way; here the test plays the hub's part.
    const nc = await connect({ servers: nats.url });
    const event: PodEventMessage = {
      v: SCHEMA_VERSION,
      event: 'MODIFIED',
      pod: { metadata: { name: 'users-1', namespace: 'shop' }, status: { phase: 'Running' } },
      change: { kind: 'restarted', container: 'users', restartCount: 1 },
    };
    nc.publish(Subjects.podEvents('shop'), new TextEncoder().encode(JSON.stringify(event)));
    await nc.flush();
    await nc.close();
    for (const node of ['node-a', 'node-b', 'hub']) {
      await hub.waitFor(new RegExp(`\\[${node}\\] \\[Reporter\\] pod MODIFIED users-1 restarted on ${node}`), 20_000);
    }
    // Exactly one hub action per worker reached onHubAction.
    expect(hub.stdout.match(/hub got first-item/g)).toHaveLength(2);

    for (const p of processes) expect(await p.stop('SIGTERM')).toBe(0);
  }, 180_000);
});
