import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createPluginTestKit, testCaller, type PluginHost, type PluginTestKit } from '@wirehook/plugin-sdk';
import { eventually, freePort } from '@wirehook/testing';
import * as plugin from '../src';
import { agent, startAgentHost, type AgentHost } from '@wirehook/testing/agent-host';
import { FakeInfluxDb, parseLine } from './fake-influxdb';

const TOKEN = 'influx-token-for-tests';
const item = (n: number) => ({
  json: [JSON.stringify({ index: n, request: { path: '/api/v1/users, all' }, response: { status: 200 }, elapsedTime: 12.5, dst: { name: 'users svc' } })],
});

describe('@wirehook/plugin-influxdb', () => {
  const influx = new FakeInfluxDb(TOKEN, new Set(['traffic']));
  let kit: PluginTestKit;
  let plugins: PluginHost;
  let agents: AgentHost;

  beforeAll(async () => {
    await influx.start();
    kit = createPluginTestKit({
      packageJson: join(__dirname, '..', 'package.json'),
      module: plugin,
      settings: { delivery: { timeoutMs: 2000, retries: 3, backoffMs: 10, maxBackoffMs: 50 } },
    });
    plugins = await kit.host({ metrics: new Registry() });
    agents = startAgentHost(plugins);
  });

  afterAll(async () => {
    await agents.close();
    await kit.close();
    await influx.stop();
  });

  it('the fake reads line protocol as InfluxDB does', () => {
    expect(parseLine('http\\ calls,path=/a\\,b,svc=x\\ y ok=t,n=3i,f=1.5,s="say \\"hi\\"" 1700000000000')).toEqual({
      measurement: 'http calls',
      tags: { path: '/a,b', svc: 'x y' },
      fields: { ok: true, n: { int: '3' }, f: 1.5, s: 'say "hi"' },
      timestamp: '1700000000000',
    });
  });

  it('an agent writes one point: fields from data, tags from tags, the time of the call in ms', async () => {
    const before = Date.now();
    await agents.runtime.load(
      agent('Latency', `function onItemCaptured(data) {
        vendor.influxdb('${influx.url}', '${TOKEN}', 'acme', 'traffic', 'http', { status: data.response.status, elapsed: data.elapsedTime, ok: true, note: 'a "quoted" word', skipped: null }, { path: data.request.path, service: data.dst.name });
      }`),
    );
    await agents.runtime.onItemsCaptured(item(1));
    await eventually(() => expect(influx.writes).toHaveLength(1));
    const [write] = influx.writes;
    expect(write.query).toEqual({ org: 'acme', bucket: 'traffic', precision: 'ms' });
    expect(write.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(write.headers['content-type']).toMatch(/^text\/plain/);
    expect(write.points).toHaveLength(1);
    const [point] = write.points;
    expect(point).toMatchObject({
      measurement: 'http',
      tags: { path: '/api/v1/users, all', service: 'users svc' },
      fields: { status: 200, elapsed: 12.5, ok: true, note: 'a "quoted" word' },
    });
    expect(Object.keys(point.fields).sort()).toEqual(['elapsed', 'note', 'ok', 'status']);
    expect(Number(point.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(point.timestamp)).toBeLessThanOrEqual(Date.now());
    await agents.runtime.unload('Latency.js');
  });

  it('retries a busy server with the same point, and gives up on an unknown bucket or token at once', async () => {
    const helper = plugins.helpers().influxdb;
    influx.busyNext = 2;
    await expect(helper([influx.url, TOKEN, 'acme', 'traffic', 'retried', { v: 1 }], testCaller({ agentId: 'r', agentTitle: 'Retried' }))).resolves.toBe(true);
    await eventually(() => expect(influx.writes.filter((w) => w.points[0].measurement === 'retried')).toHaveLength(1));
    expect(plugins.stats()[0].agents.find((a) => a.agent === 'Retried')).toMatchObject({ sent: 1, retried: 2 });
    await helper([influx.url, TOKEN, 'acme', 'nope', 'lost', { v: 1 }], testCaller({ agentId: 'b', agentTitle: 'Bad bucket' }));
    await helper([influx.url, 'wrong-token', 'acme', 'traffic', 'lost', { v: 1 }], testCaller({ agentId: 'b', agentTitle: 'Bad bucket' }));
    await eventually(() => expect(plugins.stats()[0].agents.find((a) => a.agent === 'Bad bucket')).toMatchObject({ failed: 2, retried: 0 }));
    const failures = kit.logs.filter((l) => l.agent === 'Bad bucket').map((l) => l.message);
    expect(failures).toEqual([
      expect.stringContaining('vendor.influxdb: InfluxDB write to nope at ' + influx.url + ': HTTP 404 bucket "nope" not found'),
      expect.stringContaining('HTTP 401 unauthorized access'),
    ]);
    expect(failures.join('\n')).not.toContain('wrong-token');
  });

  it('a closed port is retried with backoff and counted as failed when retries run out', async () => {
    const closed = await freePort();
    await plugins.helpers().influxdb([`http://127.0.0.1:${closed}`, TOKEN, 'acme', 'traffic', 'm', { v: 1 }], testCaller({ agentId: 'c', agentTitle: 'Closed' }));
    await eventually(() => expect(plugins.stats()[0].agents.find((a) => a.agent === 'Closed')).toMatchObject({ sent: 0, retried: 3, failed: 1 }));
  });

  it('refuses a point without fields before anything is sent', async () => {
    await expect(kit.call('vendor.influxdb', [influx.url, TOKEN, 'acme', 'traffic', 'm', { only: null }])).rejects.toThrow('has no field');
    expect(kit.validate('vendor.influxdb', [influx.url, TOKEN, 'acme', 'traffic', 'm', {}])).toMatchObject({ ok: false });
  });
});
