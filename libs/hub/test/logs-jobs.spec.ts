import { SCHEMA_VERSION, Subjects, type JobRequest, type JobsReply } from '@wirehook/contracts';
import { eventually } from '@wirehook/testing';
import { LogStreamClient } from './log-stream-client';
import { ApiClient, createTestPlace, startTestHub, type AgentBody, type TestHub, type TestPlace } from './test-hub';

const JOB_AGENT =
  '// Job agent\n' +
  'var runs = 0;\n' +
  "jobs.schedule('tick', '0 0 3 * * *', function () { runs++; console.log('tick ' + runs + ' on ' + utils.nodeName()); });\n";

interface NodeJobsBody {
  node: string;
  schedulerRunning: boolean;
  jobs: Array<{ agentId: string; agentTitle: string; tag: string; cron: string; runs: number; passed: number }>;
  run?: { ok: boolean; error: string };
  message?: string;
}

interface LogBody {
  node: string;
  agent: string;
  level: string;
  message: string;
}

/** Logs (buffer and WebSocket stream) and job control on the hub's own runtime, through real HTTP. */
describe('hub REST API: logs and jobs', () => {
  let place: TestPlace;
  let hub: TestHub;
  let admin: ApiClient;
  let viewer: ApiClient;
  let agentId: string;
  const streams: LogStreamClient[] = [];

  const stream = (query: string, token?: string): LogStreamClient => {
    const client = new LogStreamClient(`${hub.url.replace('http', 'ws')}/api/logs/stream${query}`, token);
    streams.push(client);
    return client;
  };

  beforeAll(async () => {
    place = await createTestPlace();
    hub = await startTestHub(place);
    admin = new ApiClient(hub.url, hub.adminToken);
    const created = await admin.post<{ secret: string }>('/api/tokens', { name: 'watcher', role: 'viewer' });
    viewer = admin.withToken(created.body.secret);
    const agent = await admin.post<AgentBody>('/api/agents', { source: JOB_AGENT });
    expect(agent.status).toBe(201);
    agentId = agent.body.id;
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await hub?.close();
    await place?.remove();
  });

  it("lists the hub's jobs, runs one, pauses and resumes the scheduler, and removes it", async () => {
    const listed = await eventually(async () => {
      const response = await viewer.get<NodeJobsBody>('/api/jobs/hub');
      expect(response.body.jobs).toHaveLength(1);
      return response.body;
    });
    expect(listed).toMatchObject({ node: 'hub', schedulerRunning: true, jobs: [{ agentId, agentTitle: 'Job agent', tag: 'tick', cron: '0 0 3 * * *' }] });

    const run = await admin.post<NodeJobsBody>(`/api/jobs/hub/${agentId}/tick/run`);
    expect(run.status).toBe(200);
    expect(run.body.run).toEqual({ ok: true, error: '' });
    expect(run.body.jobs[0].passed).toBe(1);
    await eventually(async () =>
      expect((await viewer.get<LogBody[]>('/api/logs?agent=Job agent')).body.map((e) => e.message)).toContain('tick 1 on hub'),
    );

    expect((await viewer.post(`/api/jobs/hub/${agentId}/tick/run`)).status).toBe(403);
    expect((await admin.post<NodeJobsBody>('/api/jobs/hub/scheduler/stop')).body.schedulerRunning).toBe(false);
    expect((await viewer.get<NodeJobsBody>('/api/jobs/hub')).body.schedulerRunning).toBe(false);
    expect((await admin.post<NodeJobsBody>('/api/jobs/hub/scheduler/start')).body.schedulerRunning).toBe(true);
    expect((await admin.post('/api/jobs/hub/scheduler/pause')).status).toBe(400);

    const all = await viewer.get<NodeJobsBody[]>('/api/jobs');
    expect(all.body).toEqual([expect.objectContaining({ node: 'hub', jobs: [expect.objectContaining({ tag: 'tick' })] })]);

    const removed = await admin.delete<NodeJobsBody>(`/api/jobs/hub/${agentId}/tick`);
    expect(removed).toMatchObject({ status: 200, body: { jobs: [] } });
    expect((await admin.delete(`/api/jobs/hub/${agentId}/tick`)).status).toBe(404);
    const gone = await admin.post<NodeJobsBody>(`/api/jobs/hub/${agentId}/tick/run`);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toContain('no job "tick"');
  });

  it('asks other nodes over the bus: 404 when nobody answers, the reply otherwise', async () => {
    const nobody = await viewer.get<NodeJobsBody>('/api/jobs/node-9');
    expect(nobody.status).toBe(404);
    expect(nobody.body.message).toContain('no node "node-9"');

    // A node on the bus that knows no such job says so; the API turns that into a 404 too.
    const requests: JobRequest[] = [];
    const replier = hub.bus.reply<JobRequest, JobsReply>(Subjects.jobsRun('edge-1'), (request) => {
      requests.push(request);
      return { v: SCHEMA_VERSION, node: 'edge-1', schedulerRunning: true, jobs: [], error: { kind: 'not-found', message: 'no job "x" on edge-1' } };
    });
    try {
      const refused = await admin.post<NodeJobsBody>('/api/jobs/edge-1/agent-7/x/run');
      expect(refused).toMatchObject({ status: 404, body: { message: 'no job "x" on edge-1' } });
      expect(requests).toEqual([{ v: 1, agentId: 'agent-7', tag: 'x' }]);
    } finally {
      replier.unsubscribe();
    }
  });

  it('serves the recent log buffer filtered by node, agent, level and limit', async () => {
    await admin.post(`/api/agents`, { title: 'Noisy', source: "console.log('one');\nconsole.error('two');\nconsole.log('three');\n" });
    const noisy = await eventually(async () => {
      const response = await viewer.get<LogBody[]>('/api/logs?agent=Noisy&node=hub');
      expect(response.body.map((e) => e.message)).toEqual(['one', 'two', 'three']);
      return response.body;
    });
    expect(noisy.map((e) => e.level)).toEqual(['info', 'error', 'info']);
    expect((await viewer.get<LogBody[]>('/api/logs?agent=Noisy&level=error')).body.map((e) => e.message)).toEqual(['two']);
    expect((await viewer.get<LogBody[]>('/api/logs?agent=Noisy&limit=1')).body.map((e) => e.message)).toEqual(['three']);
    expect((await viewer.get<LogBody[]>('/api/logs?agent=Noisy&node=node-1')).body).toEqual([]);
    expect((await viewer.get<{ message: string[] }>('/api/logs?level=loud')).body.message).toEqual([expect.stringContaining('level must be one of')]);
    expect((await viewer.get('/api/logs?limit=0')).status).toBe(400);
    expect((await viewer.get('/api/logs?limit=ten')).status).toBe(400);
    expect((await admin.withToken(undefined).get('/api/logs')).status).toBe(401);
  });

  it('streams log entries over a WebSocket with the same filters, after the token is checked', async () => {
    expect(await stream('?agent=Streamer').opened).toBe(401);
    expect(await stream('?agent=Streamer', 'whk_not-a-real-token').opened).toBe(401);
    expect(await stream('?level=loud', hub.adminToken).opened).toBe(400);
    expect(await stream('?colour=red', hub.adminToken).opened).toBe(400);

    const live = stream('?agent=Streamer&level=warn', hub.adminToken);
    const withQueryToken = stream(`?agent=Streamer&token=${encodeURIComponent(hub.adminToken)}`);
    expect(await live.opened).toBe('open');
    expect(await withQueryToken.opened).toBe('open');

    await admin.post('/api/agents', { title: 'Streamer', source: "console.log('hello');\nconsole.warn('careful');\nconsole.error('broken');\n" });
    await eventually(() => expect(withQueryToken.entries.map((e) => e.message)).toEqual(['hello', 'careful', 'broken']));
    await eventually(() => expect(live.entries.map((e) => `${e.level} ${e.message}`)).toEqual(['warn careful', 'error broken']));
    expect(live.entries[0]).toMatchObject({ v: 1, node: 'hub', agent: 'Streamer', source: 'console' });

    // `limit` sends that many recent entries first.
    const late = stream('?agent=Streamer&limit=2', hub.adminToken);
    expect(await late.opened).toBe('open');
    await eventually(() => expect(late.entries.map((e) => e.message)).toEqual(['careful', 'broken']));
  });
});
