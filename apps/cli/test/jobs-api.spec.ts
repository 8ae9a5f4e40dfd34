import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { InProcessBus } from '@wirehook/bus';
import { configSchema, type LogEntry } from '@wirehook/contracts';
import { startHub, type RunningHub } from '@wirehook/hub';
import { openDatabase, type Database } from '@wirehook/storage';
import { createTempPostgresDatabase, eventually } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '@wirehook/worker';

const JOB_AGENT =
  '// Job agent\n' +
  'var runs = 0;\n' +
  "jobs.schedule('tick', '0 0 3 * * *', function () { runs++; console.log('tick ' + runs + ' on ' + utils.nodeName()); });\n";

interface NodeJobs {
  node: string;
  schedulerRunning: boolean;
  jobs: Array<{ agentId: string; tag: string; passed: number }>;
  run?: { ok: boolean; error: string };
  error?: string;
}

/**
 * Hub and one worker in this process on one in-process bus (as `wirehook start` runs them): the hub API
 * controls the worker's jobs and reads its agent counters over the bus.
 */
describe('hub API with a worker: jobs and agent counters per node', () => {
  let work: string;
  let drop: () => Promise<void>;
  let database: Database;
  let bus: InProcessBus;
  let hub: RunningHub;
  let worker: RunningWorker;
  let agentId: string;

  const call = async <T>(method: string, path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(hub.url + path, { method, headers: { Authorization: `Bearer ${hub.adminToken}` } });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wirehook-jobs-api-'));
    const temp = await createTempPostgresDatabase();
    drop = temp.drop;
    const config = configSchema.parse({
      node: { name: 'w1' },
      hub: { host: '127.0.0.1', port: 0 },
      database: { url: temp.url, dataDir: join(work, 'data') },
      scripting: { source: '', watchScripts: false, consoleToStdout: false },
    });
    database = await openDatabase({ url: temp.url, dataDir: config.database.dataDir });
    bus = new InProcessBus();
    const metrics = new Registry();
    hub = await startHub({ config, bus, database, metrics });
    worker = await startWorker({ config, bus, metrics, logger: pino({ level: 'silent' }), version: 'test' });
    const created = await fetch(`${hub.url}/api/agents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hub.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ source: JOB_AGENT }),
    });
    expect(created.status).toBe(201);
    agentId = ((await created.json()) as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await bus?.close();
    await database?.close();
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the worker and shows the agent loaded on hub and worker with their counters', async () => {
    await eventually(async () => expect((await call<Array<{ node: string }>>('GET', '/api/workers')).body).toEqual([expect.objectContaining({ node: 'w1' })]));
    // 'loading' while the worker runs the agent's top-level code; then 'loaded' on both nodes.
    const agent = await eventually(async () => {
      const { body } = await call<{ stats: Record<string, { state: string; title: string }> }>('GET', `/api/agents/${agentId}`);
      expect(Object.keys(body.stats).sort()).toEqual(['hub', 'w1']);
      expect(body.stats.w1.state).not.toBe('loading');
      return body;
    });
    expect(agent.stats.w1).toMatchObject({ state: 'loaded', title: 'Job agent' });
  }, 60_000);

  it("runs, pauses and removes the worker's jobs over the bus, and streams the worker's log lines", async () => {
    const listed = await eventually(async () => {
      const { body } = await call<NodeJobs>('GET', '/api/jobs/w1');
      expect(body.jobs).toHaveLength(1);
      return body;
    });
    expect(listed).toMatchObject({ node: 'w1', schedulerRunning: true, jobs: [{ agentId, tag: 'tick' }] });

    const socket = new WebSocket(`${hub.url.replace('http', 'ws')}/api/logs/stream?node=w1&agent=Job%20agent&level=info`, {
      headers: { Authorization: `Bearer ${hub.adminToken}` },
    });
    const streamed: LogEntry[] = [];
    socket.on('message', (data) => streamed.push(JSON.parse(data.toString()) as LogEntry));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      expect((await call<NodeJobs>('POST', `/api/jobs/hub/${agentId}/tick/run`)).body.run).toEqual({ ok: true, error: '' });
      const ran = await call<NodeJobs>('POST', `/api/jobs/w1/${agentId}/tick/run`);
      expect(ran).toMatchObject({ status: 200, body: { node: 'w1', run: { ok: true, error: '' }, jobs: [{ passed: 1 }] } });
      await eventually(() => expect(streamed.map((e) => `${e.node} ${e.message}`)).toEqual(['w1 tick 1 on w1']));
    } finally {
      socket.close();
    }
    const buffered = await call<LogEntry[]>('GET', '/api/logs?agent=Job%20agent');
    expect(buffered.body.map((e) => e.message)).toEqual(expect.arrayContaining(['tick 1 on hub', 'tick 1 on w1']));

    expect((await call<NodeJobs>('POST', '/api/jobs/w1/scheduler/stop')).body).toMatchObject({ node: 'w1', schedulerRunning: false });
    expect((await call<NodeJobs>('GET', '/api/jobs/hub')).body.schedulerRunning).toBe(true);
    const everyNode = await call<NodeJobs[]>('GET', '/api/jobs');
    expect(everyNode.body.map((n) => [n.node, n.schedulerRunning, n.jobs?.length])).toEqual([
      ['hub', true, 1],
      ['w1', false, 1],
    ]);
    expect((await call<NodeJobs>('POST', '/api/jobs/w1/scheduler/start')).body.schedulerRunning).toBe(true);

    expect((await call<NodeJobs>('DELETE', `/api/jobs/w1/${agentId}/tick`)).body).toMatchObject({ node: 'w1', jobs: [] });
    const again = await call<{ message: string }>('POST', `/api/jobs/w1/${agentId}/tick/run`);
    expect(again).toMatchObject({ status: 404, body: { message: `no job "tick" of agent ${agentId} on node w1` } });
    expect((await call<NodeJobs>('GET', '/api/jobs/hub')).body.jobs).toHaveLength(1);
  }, 60_000);
});
