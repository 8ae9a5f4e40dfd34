import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTempPostgresDatabase,
  eventually,
  freePort,
  repoRoot,
  sharedPcap,
  startNatsServer,
  type NatsServerHandle,
} from '@wirehook/testing';
import { adminTokenOf, getJson, WirehookProcess } from './wirehook-process';

/** The same code split in two processes that share only NATS (and the hub's PostgreSQL). */
describe('hub and worker as separate processes (npm run hub / npm run worker)', () => {
  let nats: NatsServerHandle;
  let database: { url: string; drop(): Promise<void> };
  let hub: WirehookProcess | undefined;
  let worker: WirehookProcess | undefined;
  let workDir: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTempPostgresDatabase();
    workDir = mkdtempSync(join(tmpdir(), 'wirehook-split-'));
  });

  afterAll(async () => {
    hub?.kill();
    worker?.kill();
    await nats.stop();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('runs agents on the worker and shows their output on the hub', async () => {
    const agentsDir = join(workDir, 'agents');
    mkdirSync(agentsDir);
    copyFileSync(join(repoRoot(), 'agents', 'packet-counter.js'), join(agentsDir, 'packet-counter.js'));
    const port = await freePort();
    const env = { NATS_URL: nats.url, DATABASE_URL: database.url };
    const cronEverySecond = 'scripting.env.PACKET_REPORT_CRON=* * * * * *';

    // Worker first: it must wait for the hub to list the agents.
    const metricsPort = await freePort();
    worker = new WirehookProcess(['worker', '--set', `worker.metricsPort=${metricsPort}`, '--set', `tap.pcap=${sharedPcap('http-mixed.pcap')}`, '--set', cronEverySecond, '--set', `database.dataDir=${join(workDir, 'worker-data')}`], {
      cwd: workDir,
      env: { ...env, NODE_NAME: 'node-a' },
    });
    hub = new WirehookProcess(['hub', '--set', `hub.port=${port}`, '--set', `scripting.source=${agentsDir}`, '--set', cronEverySecond, '--set', `database.dataDir=${join(workDir, 'hub-data')}`], {
      cwd: workDir,
      env,
    });

    const token = await adminTokenOf(hub);
    const match = await hub.waitFor(/\[node-a\] \[Packet counter[^\]]*\] Captured packets: (\d+), KB: [\d.]+ on node-a/, 60_000);
    expect(Number(match[1])).toBeGreaterThan(0);
    await eventually(async () => {
      const workers = await getJson<Array<{ node: string }>>(`http://127.0.0.1:${port}/api/workers`, token);
      expect(workers.map((w) => w.node)).toEqual(['node-a']);
    }, 15_000);

    // The worker's own /metrics: the runtime's per-agent counters.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/wirehook_agent_events_total\{agent="Packet counter[^"]*",hook="onPacketCaptured"\} [1-9]/);

    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(await hub.stop('SIGINT')).toBe(0);
  }, 120_000);
});
