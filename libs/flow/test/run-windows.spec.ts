// Counters, rate limits and schedules: windows close on jobs, which the tests run themselves
// (runtime.jobs.run) with the scheduler stopped, so nothing depends on the clock.
import { AGENT_ID, deliver, flowHost, graphOf, loadFlow, mixedItems, runJob, settle, testCatalog, type FlowHost, type HttpItem } from './support';

const catalog = testCatalog();
let items: HttpItem[];
let host: FlowHost;

beforeAll(async () => {
  items = await mixedItems();
});

afterEach(async () => {
  expect(host.problems()).toEqual([]);
  await host.close();
});

test('counter: count per path over a window, sent when the window closes', async () => {
  host = flowHost();
  const graph = graphOf(
    catalog,
    'Requests per path',
    [
      ['t', 'trigger.onItemCaptured'],
      ['per-path', 'logic.aggregate', { op: 'count', groupBy: '{{data.request.path}}', windowSeconds: 10 }],
      ['log', 'action.console.log', { message: '{{data.key}}: {{data.count}} in {{data.windowSeconds}} s' }],
    ],
    ['t:out->per-path', 'per-path:out->log'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.jobs).toEqual([{ tag: 'flow:per-path', cron: '*/10 * * * * *', runOn: 'workers', nodeId: 'per-path', purpose: 'window' }]);
  expect(host.runtime.jobs.list().map((j) => [j.tag, j.cron])).toEqual([['flow:per-path', '*/10 * * * * *']]);
  await deliver(host, items);
  expect(host.console()).toEqual([]);
  await runJob(host, 'flow:per-path');
  expect(host.console()).toEqual([
    '/json: 5 in 10 s',
    '/chunked: 3 in 10 s',
    '/gzip: 1 in 10 s',
    '/big: 1 in 10 s',
    '/echo: 3 in 10 s',
    '/status/204: 1 in 10 s',
    '/status/404: 2 in 10 s',
    '/status/500: 1 in 10 s',
    '/status/301: 1 in 10 s',
    '/head: 1 in 10 s',
    '/status/418: 1 in 10 s',
    '/api/health: 1 in 10 s',
  ]);
  // The next window starts empty: closing it sends nothing.
  await runJob(host, 'flow:per-path');
  expect(host.console()).toHaveLength(12);
  await deliver(host, items.slice(0, 2));
  await runJob(host, 'flow:per-path');
  expect(host.console().slice(12)).toEqual(['/json: 1 in 10 s', '/chunked: 1 in 10 s']);
});

test('aggregate: sum, avg, min and max of a field, and empty windows on request', async () => {
  host = flowHost();
  const ops = ['sum', 'avg', 'min', 'max'] as const;
  const graph = graphOf(
    catalog,
    'Latency',
    [
      ['t', 'trigger.onItemCaptured'],
      ...ops.map((op): [string, string, Record<string, string | number | boolean>] => [op, 'logic.aggregate', { op, path: 'elapsedTime', windowSeconds: 60 }]),
      ['empty', 'logic.aggregate', { op: 'count', windowSeconds: 30, emitEmpty: true }],
      ['send', 'action.hub.action', { action: 'window', object: '{{data}}' }],
    ],
    ['t:out->sum', 't:out->avg', 't:out->min', 't:out->max', 't:out->empty', ...ops.map((op) => `${op}:out->send`), 'empty:out->send'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  for (const op of ops) await runJob(host, `flow:${op}`);
  await runJob(host, 'flow:empty');
  await runJob(host, 'flow:empty');
  const times = items.map((i) => i.elapsedTime);
  const sum = times.reduce((a, b) => a + b, 0);
  const windows = host.hubActions.map((a) => a.object as Record<string, unknown>);
  expect(host.hubActions.every((a) => a.action === 'window')).toBe(true);
  expect(windows.map((w) => [w.op, w.field, w.key, w.count, w.windowSeconds])).toEqual([
    ['sum', 'elapsedTime', '', 21, 60],
    ['avg', 'elapsedTime', '', 21, 60],
    ['min', 'elapsedTime', '', 21, 60],
    ['max', 'elapsedTime', '', 21, 60],
    ['count', null, '', 21, 30],
    ['count', null, '', 0, 30],
  ]);
  expect(windows[0].value).toBeCloseTo(sum, 9);
  expect(windows[1].value).toBeCloseTo(sum / 21, 9);
  expect(windows[2].value).toBe(Math.min(...times));
  expect(windows[3].value).toBe(Math.max(...times));
  expect(windows[4].value).toBe(21);
  expect(windows[5].value).toBe(0);
  for (const w of windows) expect(typeof w.end).toBe('number');
});

test('rate limit: the first item per path in each window passes, the rest are dropped', async () => {
  host = flowHost();
  const graph = graphOf(
    catalog,
    'New paths',
    [
      ['t', 'trigger.onItemCaptured'],
      ['once', 'logic.rateLimit', { key: '{{data.request.path}}', limit: 1, windowSeconds: 300 }],
      ['log', 'action.console.log', { message: 'new {{data.request.path}}' }],
      ['dropped', 'action.prometheus.metric', { name: 'flow_dropped_total', metricType: 'counter', value: 1 }],
    ],
    ['t:out->once', 'once:out->log', 'once:dropped->dropped'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.jobs.map((j) => [j.tag, j.cron])).toEqual([['flow:once', '0 */5 * * * *']]);
  const firsts = [
    'new /json',
    'new /chunked',
    'new /gzip',
    'new /big',
    'new /echo',
    'new /status/204',
    'new /status/404',
    'new /status/500',
    'new /status/301',
    'new /head',
    'new /status/418',
    'new /api/health',
  ];
  const dropped = async () => (await host.metrics.getSingleMetric('flow_dropped_total')!.get()).values[0]?.value ?? 0;
  await deliver(host, items);
  expect(host.console()).toEqual(firsts);
  expect(await dropped()).toBe(9);
  // Same window: everything is a repeat.
  await deliver(host, items);
  expect(host.console()).toHaveLength(12);
  expect(await dropped()).toBe(30);
  // A new window lets each path through once more.
  await runJob(host, 'flow:once');
  await deliver(host, items);
  expect(host.console().slice(12)).toEqual(firsts);
  expect(await dropped()).toBe(39);
});

test('rate limit without a key: at most N per window in all', async () => {
  host = flowHost();
  const graph = graphOf(
    catalog,
    'Three per minute',
    [
      ['t', 'trigger.onItemCaptured'],
      ['three', 'logic.rateLimit', { limit: 3, windowSeconds: 60 }],
      ['log', 'action.console.log', { message: '{{data.id}}' }],
    ],
    ['t:out->three', 'three:out->log'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  expect(host.console()).toEqual(['worker-1/1-0', 'worker-1/2-0', 'worker-1/3-0']);
});

test('schedule trigger: a job on the hub sends a tick; one for the workers is not scheduled there', async () => {
  host = flowHost({ nodeName: 'hub', role: 'hub' });
  const graph = graphOf(
    catalog,
    'Heartbeat',
    [
      ['every-5-min', 'trigger.schedule', { cron: '0 */5 * * * *', tag: 'heartbeat', runOn: 'hub' }],
      ['beat', 'action.hub.action', { action: 'heartbeat', object: { tag: '{{data.tag}}', cron: '{{data.cron}}' } }],
      ['on-workers', 'trigger.schedule', { cron: '*/30 * * * * *', runOn: 'workers', limit: 3 }],
      ['log', 'action.console.log', { message: 'worker tick' }],
    ],
    ['every-5-min:out->beat', 'on-workers:out->log'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.jobs.map((j) => [j.tag, j.runOn])).toEqual([
    ['heartbeat', 'hub'],
    ['on-workers', 'workers'],
  ]);
  expect(compiled.source).toContain('jobs.schedule("on-workers", "*/30 * * * * *", schedule_on_workers, 3);');
  expect(host.runtime.jobs.list().map((j) => j.tag)).toEqual(['heartbeat']);
  await runJob(host, 'heartbeat');
  expect(host.hubActions.map((a) => [a.action, a.object])).toEqual([['heartbeat', { tag: 'heartbeat', cron: '0 */5 * * * *' }]]);
  expect(host.console()).toEqual([]);
});

test('job hooks: onJobFailed gets the error of a failing schedule, onJobPassed skips the flow window jobs', async () => {
  host = flowHost();
  const graph = graphOf(
    catalog,
    'Job watch',
    [
      ['probe', 'trigger.schedule', { cron: '0 * * * * *', tag: 'probe', runOn: 'all' }],
      ['fail', 'logic.snippet', { code: 'throw new Error("probe target down at " + data.tag);' }],
      ['ok-job', 'trigger.schedule', { cron: '0 * * * * *', tag: 'ok', runOn: 'all' }],
      ['noop', 'action.test.mark', { result: 'pass' }],
      ['t', 'trigger.onItemCaptured'],
      ['count', 'logic.aggregate', { op: 'count', windowSeconds: 60 }],
      ['count-log', 'action.console.log', { message: 'window of {{data.count}}' }],
      ['failed', 'trigger.onJobFailed', { tag: 'probe' }],
      ['failed-log', 'action.console.log', { message: '{{data.tag}} failed: {{data.error}}' }],
      ['passed', 'trigger.onJobPassed'],
      ['passed-log', 'action.console.log', { message: '{{data.tag}} passed ({{data.cron}})' }],
    ],
    ['probe:out->fail', 'ok-job:out->noop', 't:out->count', 'count:out->count-log', 'failed:out->failed-log', 'passed:out->passed-log'],
  );
  await loadFlow(host, graph, catalog);
  const failed = await host.runtime.jobs.run(AGENT_ID, 'probe');
  await settle();
  expect(failed).toEqual({ ok: false, error: 'Error: probe target down at probe' });
  await runJob(host, 'ok');
  await deliver(host, items.slice(0, 4));
  await runJob(host, 'flow:count');
  expect(host.console()).toEqual(['probe failed: Error: probe target down at probe', 'ok passed (0 * * * * *)', 'window of 4']);
  // The failing job is reported by the runtime (with the snippet's line in the generated agent); nothing else failed.
  const errors = host.logs.filter((l) => l.level === 'error').map((l) => `${l.source}: ${l.message.split('\n')[0]}`);
  expect(errors).toEqual([expect.stringMatching(/^hook-error: job probe: Error: probe target down at probe at flow-agent\.js:\d+:\d+$/), expect.stringMatching(/^job: job "probe" failed/)]);
  host.logs.splice(0, host.logs.length, ...host.logs.filter((l) => !l.message.includes('probe target down')));
});
