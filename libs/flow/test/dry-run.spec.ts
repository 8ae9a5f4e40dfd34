// Dry run: a flow (or any agent) instrumented with dryRunSource runs on the items of a capture in
// a runtime of its own; nothing is called, every helper call is recorded in order.
import { checkEs5 } from '@wirehook/runtime';
import { compileFlow, dryRunSource, dryRunTimeline, DryRunRecorder, recordingHelpers, type DryRunCall } from '../src';
import { flowHost, graphOf, mixedItems, settle, testCatalog, type FlowHost, type HttpItem } from './support';

const catalog = testCatalog();
let items: HttpItem[];

beforeAll(async () => {
  items = await mixedItems();
});

/** A runtime for a dry run: its host hands hub actions to the recorder, helpers only record. */
function dryRunHost(recorder: DryRunRecorder): { host: FlowHost } {
  const host = flowHost();
  const bridge = recordingHelpers(['vendor.webhook', 'vendor.slack', 'vendor.slackBot', 'vendor.kinesis.put', 'vendor.influxdb'], recorder);
  host.host.helpers = bridge;
  const hubAction = host.host.hubAction;
  host.host.hubAction = (action, object, agent) => {
    if (!recorder.accept(action, object)) hubAction(action, object, agent);
  };
  return { host };
}

test('a flow run on http-mixed.pcap: each call it would make, in order, with its arguments; nothing is called', async () => {
  const graph = graphOf(
    catalog,
    '5xx to webhook',
    [
      ['t', 'trigger.onItemCaptured'],
      ['errors', 'logic.filterField', { path: 'response.status', operator: '>=', value: 400 }],
      ['log', 'action.console.log', { message: '{{data.request.path}} → {{data.response.status}}' }],
      ['hook', 'action.vendor.webhook', { method: 'POST', url: '{{env.HOOK_URL}}', body: { status: '{{data.response.status}}' } }],
      ['count', 'action.prometheus.metric', { name: 'dry_errors_total', value: 1 }],
      ['per-status', 'logic.aggregate', { groupBy: '{{data.response.status}}', windowSeconds: 60 }],
      ['tell', 'action.hub.action', { action: 'errors', object: '{{data}}' }],
    ],
    ['t:out->errors', 'errors:out->log', 'log:out->hook', 'hook:out->count', 'errors:out->per-status', 'per-status:out->tell'],
  );
  const compiled = compileFlow(graph, catalog, { flowId: 'f', revision: 1 });
  const source = dryRunSource(compiled.source);
  expect(checkEs5(source, 'dry.js')).toEqual([]);
  const recorder = new DryRunRecorder();
  const { host } = dryRunHost(recorder);
  try {
    const status = await host.runtime.load({ id: 'dry', title: compiled.title, source, revision: 1 });
    expect(status.state).toBe('loaded');
    await host.runtime.onItemsCaptured(items);
    // The hub closes the windows at the end of the capture by running the window jobs.
    for (const job of compiled.jobs.filter((j) => j.purpose === 'window')) await host.runtime.jobs.run('dry', job.tag);
    await settle();

    // Nothing reached the outside: no console line, no hub action, no helper, no metric.
    expect(host.console()).toEqual([]);
    expect(host.hubActions).toEqual([]);
    expect(await host.metrics.getSingleMetric('dry_errors_total')?.get()).toBeUndefined();
    expect(host.problems()).toEqual([]);
    expect(recorder.dropped).toBe(0);
    expect(recorder.unreadable).toBe(0);

    const timeline = dryRunTimeline(recorder.calls());
    const perItem = (path: string, status: number, item: string) => [
      { helper: 'console.log', args: [`${path} → ${status}`], where: 'onItemCaptured', item },
      { helper: 'vendor.webhook', args: ['POST', 'http://127.0.0.1:9/hook', { status }], where: 'onItemCaptured', item },
      { helper: 'prometheus.metric', args: ['dry_errors_total', '', 1, 1], where: 'onItemCaptured', item },
    ];
    expect(timeline.steps.map(({ helper, args, where, item }) => ({ helper, args, where, ...(item ? { item } : {}) }))).toEqual([
      { helper: 'jobs.schedule', args: ['flow:per-status', '0 * * * * *', 0], where: 'load' },
      ...perItem('/status/404', 404, 'worker-1/9-0'),
      ...perItem('/status/500', 500, 'worker-1/10-0'),
      ...perItem('/status/404', 404, 'worker-1/15-2'),
      ...perItem('/status/418', 418, 'worker-1/16-2'),
      { helper: 'hub.action', args: ['errors', expect.objectContaining({ key: '404', count: 2 })], where: 'job flow:per-status' },
      { helper: 'hub.action', args: ['errors', expect.objectContaining({ key: '500', count: 1 })], where: 'job flow:per-status' },
      { helper: 'hub.action', args: ['errors', expect.objectContaining({ key: '418', count: 1 })], where: 'job flow:per-status' },
    ]);
    expect(timeline.steps.map((s) => s.index)).toEqual(timeline.steps.map((_, i) => i + 1));
    expect(timeline.steps[2].text).toBe('vendor.webhook("POST", "http://127.0.0.1:9/hook", {"status":404})');
    expect(timeline.counts).toEqual({ 'jobs.schedule': 1, 'console.log': 4, 'vendor.webhook': 4, 'prometheus.metric': 4, 'hub.action': 3 });
  } finally {
    await host.close();
  }
});

test('an agent written by hand: top-level calls, nested vendor helpers, errors, line numbers kept', async () => {
  const agent = [
    '// Hand-written agent',
    'var seen = 0;',
    'console.log("loaded on", utils.nodeName());',
    'function onItemCaptured(data) {',
    '  seen++;',
    '  if (data.response.status === 418) {',
    '    var answer = vendor.kinesis.put("teapots", { id: data.id }, "eu-west-1", env.HOOK_URL, env.SLACK_URL);',
    '    file.write("teapot.txt", String(answer));',
    '    throw new Error("teapot number " + seen);',
    '  }',
    '}',
  ].join('\n');
  const recorder = new DryRunRecorder();
  const { host } = dryRunHost(recorder);
  try {
    await host.runtime.load({ id: 'hand', title: 'Hand-written agent', source: dryRunSource(agent), revision: 1 });
    await host.runtime.onItemsCaptured(items);
    await settle();
    const timeline = dryRunTimeline(recorder.calls(), { maxArgumentLength: 20 });
    expect(timeline.steps.map((s) => [s.kind, s.where, s.item ?? '', s.text])).toEqual([
      ['call', 'load', '', 'console.log("loaded on", "worker-1")'],
      ['call', 'onItemCaptured', 'worker-1/16-2', 'vendor.kinesis.put("teapots", {"id":"worker-1/16-…, "eu-west-1", "http://127.0.0.1:9…, "http://127.0.0.1:9…)'],
      ['call', 'onItemCaptured', 'worker-1/16-2', 'file.write("teapot.txt", "undefined")'],
      ['error', 'onItemCaptured', 'worker-1/16-2', 'threw "teapot number 20"'],
    ]);
    // The hook error is still reported by the runtime, at the agent's own line.
    const errors = host.logs.filter((l) => l.source === 'hook-error').map((l) => l.message.split('\n')[0]);
    expect(errors).toEqual([expect.stringMatching(/^onItemCaptured: Error: teapot number 20 at Hand-written-agent\.js:9:\d+$/)]);
    expect(host.console()).toEqual([]);
  } finally {
    await host.close();
  }
});

test('recordingHelpers record host-side calls of an agent that was not instrumented', async () => {
  const recorder = new DryRunRecorder(2);
  const bridge = recordingHelpers(['vendor.webhook', 'kinesis.put'], recorder);
  expect(Object.keys(bridge.helpers())).toEqual(['webhook', 'kinesis.put']);
  await bridge.helpers().webhook(['GET', 'http://x']);
  await bridge.helpers()['kinesis.put'](['s', {}]);
  await bridge.helpers().webhook(['GET', 'http://y']);
  expect(recorder.calls().map((c) => [c.helper, c.args])).toEqual([
    ['vendor.webhook', ['GET', 'http://x']],
    ['vendor.kinesis.put', ['s', {}]],
  ]);
  expect(recorder.dropped).toBe(1);
  expect(recorder.accept('something-else', {})).toBe(false);
  expect(recorder.accept('wirehook.dry-run', { calls: 'not json' })).toBe(true);
  expect(recorder.unreadable).toBe(1);
});

test('dryRunTimeline is pure: sorted by sequence, duplicates dropped, errors as such', () => {
  const calls: DryRunCall[] = [
    { seq: 3, helper: 'throw', args: ['boom'], context: { hook: 'job', job: 'probe' } },
    { seq: 1, helper: 'hub.action', args: ['a', { x: 'y'.repeat(100) }], context: { hook: 'onHubAction', action: 'deploy' } },
    { seq: 2, helper: 'console.log', args: ['pod'], context: { hook: 'onPodEvent', event: 'DELETED' } },
    { seq: 2, helper: 'console.log', args: ['pod'], context: { hook: 'onPodEvent', event: 'DELETED' } },
  ];
  const timeline = dryRunTimeline(calls, { maxArgumentLength: 12 });
  expect(timeline).toEqual({
    steps: [
      { index: 1, kind: 'call', helper: 'hub.action', args: calls[1].args, where: 'onHubAction "deploy"', text: 'hub.action("a", {"x":"yyyyy…)' },
      { index: 2, kind: 'call', helper: 'console.log', args: ['pod'], where: 'onPodEvent DELETED', text: 'console.log("pod")' },
      { index: 3, kind: 'error', helper: 'throw', args: ['boom'], where: 'job probe', text: 'threw "boom"' },
    ],
    counts: { 'hub.action': 1, 'console.log': 1, throw: 1 },
  });
  expect(dryRunTimeline(calls, { maxArgumentLength: 12 })).toEqual(timeline);
});
