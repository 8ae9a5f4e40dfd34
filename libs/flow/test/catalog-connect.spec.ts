import { canConnect, createCatalog, createNode, HOOK_NAMES, nodePorts, type FlowGraph } from '../src';
import { graphOf, TEST_PLUGINS, testCatalog } from './support';

const catalog = testCatalog();

test('the palette: a trigger per hook and a schedule, the logic nodes, the built-in actions, then the plugins', () => {
  const types = catalog.list().map((d) => d.type);
  expect(types).toEqual([
    'trigger.onItemCaptured',
    'trigger.onPacketCaptured',
    'trigger.onItemQueried',
    'trigger.onHubAction',
    'trigger.onPodEvent',
    'trigger.onJobPassed',
    'trigger.onJobFailed',
    'trigger.schedule',
    'logic.filterField',
    'logic.filterKfl',
    'logic.switch',
    'logic.aggregate',
    'logic.rateLimit',
    'logic.template',
    'logic.snippet',
    'action.console.log',
    'action.hub.action',
    'action.prometheus.metric',
    'action.test.mark',
    'action.vendor.influxdb',
    'plugin.influxdb.write',
    'action.vendor.kinesis.put',
    'plugin.kinesis.put',
    'action.vendor.slack',
    'action.vendor.slackBot',
    'plugin.slack.webhook',
    'plugin.slack.bot',
    'action.vendor.webhook',
    'plugin.webhook.request',
  ]);
  for (const hook of HOOK_NAMES) expect(catalog.get(`trigger.${hook}`)?.hook).toBe(hook);
  expect(catalog.problems).toEqual([]);
  expect(createCatalog().list().filter((d) => d.plugin)).toEqual([]);
});

test('a helper manifest entry becomes an action node whose parameters are its arguments', () => {
  const slack = catalog.get('action.vendor.slack')!;
  expect(slack.kind).toBe('helper');
  expect(slack.plugin).toEqual({ name: '@wirehook/plugin-slack', version: '1.0.0' });
  expect(slack.helper).toEqual({
    name: 'vendor.slack',
    argumentParameters: ['webhookUrl', 'pretext', 'text', 'color'],
    unsetArguments: ['omit', 'omit', 'omit', 'omit'],
    outputs: { out: 'input', result: 'result', error: 'error' },
  });
  expect(slack.parameters.map((p) => [p.name, p.kind, p.required, p.secret === true])).toEqual([
    ['webhookUrl', 'template', true, true],
    ['pretext', 'template', true, false],
    ['text', 'template', true, false],
    ['color', 'template', true, false],
  ]);
  const webhook = catalog.get('action.vendor.webhook')!;
  expect(webhook.parameters.map((p) => [p.name, p.kind, p.required])).toEqual([
    ['method', 'template', true],
    ['url', 'template', true],
    ['body', 'value', false],
    ['headers', 'value', false],
  ]);
  expect(webhook.parameters[3].schema).toEqual(expect.objectContaining({ type: 'object' }));
  expect(webhook.ports({})).toEqual({
    inputs: [{ id: 'in', label: 'in', type: 'any', required: true }],
    outputs: [
      { id: 'out', label: 'then', type: 'same-as-input', required: false },
      { id: 'result', label: 'result', type: 'any', required: false },
      { id: 'error', label: 'error', type: 'object', required: false },
    ],
  });
  expect(catalog.get('action.vendor.kinesis.put')!.helper!.name).toBe('vendor.kinesis.put');
});

test('a node a plugin declares maps its parameters to the helper arguments by name', () => {
  const request = catalog.get('plugin.webhook.request')!;
  expect(request.title).toBe('Webhook');
  expect(request.group).toBe('http');
  expect(request.parameters.map((p) => [p.name, p.kind, p.required, p.default ?? null])).toEqual([
    ['method', 'enum', true, 'POST'],
    ['url', 'template', true, null],
    ['body', 'value', false, null],
    ['headers', 'value', false, null],
  ]);
  // "Default: the item": an unset body is the node's input; out carries the response body.
  expect(request.helper).toEqual({
    name: 'vendor.webhook',
    argumentParameters: ['method', 'url', 'body', 'headers'],
    unsetArguments: ['empty', 'empty', 'input', 'omit'],
    outputs: { out: 'result', error: 'error' },
  });
  expect(request.ports({}).outputs.map((p) => [p.id, p.label, p.type])).toEqual([
    ['out', 'response body', 'any'],
    ['error', 'error', 'object'],
  ]);
  const slack = catalog.get('plugin.slack.webhook')!;
  expect(slack.parameters.map((p) => [p.name, p.kind, p.required, p.secret === true, p.default ?? null])).toEqual([
    ['webhookUrl', 'template', true, true, null],
    ['pretext', 'value', false, false, null],
    ['text', 'value', true, false, null],
    ['color', 'template', false, false, '#ff0000'],
  ]);
  expect(slack.ports({}).outputs).toEqual([]);
});

test('a plugin node that cannot call its helper, or a type clash, is reported and left out', () => {
  const broken = createCatalog({
    plugins: [
      ...TEST_PLUGINS,
      {
        name: 'bad-plugin',
        version: '1.0.0',
        manifest: {
          helpers: [{ name: 'vendor.slack', description: 'again', parameters: [], returns: { description: '' } }],
          nodes: [
            { type: 'x', label: 'X', category: 'c', helper: 'vendor.nothing', parameters: [], ports: { inputs: [], outputs: [] } },
            { type: 'y', label: 'Y', category: 'c', helper: 'vendor.slack', parameters: [], ports: { inputs: [], outputs: [] } },
            { type: 'z', label: 'Z', category: 'c', helper: 'vendor.slack', parameters: [{ name: 'channel', label: 'Channel', type: 'string' }], ports: { inputs: [], outputs: [] } },
          ],
        },
      },
    ],
  });
  expect(broken.problems).toEqual([
    'plugin bad-plugin: node "x" calls vendor.nothing, which the plugin does not declare',
    'plugin bad-plugin: node "z" has parameter(s) channel that vendor.slack does not take',
    'plugin bad-plugin@1.0.0: node type action.vendor.slack already exists; ignored',
  ]);
  expect(broken.get('plugin.y')).toBeDefined();
  expect(broken.get('action.vendor.slack')?.plugin?.name).toBe('@wirehook/plugin-slack');
});

test('switch ports follow its cases', () => {
  const node = createNode(catalog, 'logic.switch', 's', { x: 0, y: 0 }, { path: 'request.method', cases: [{ id: 'get', value: 'GET' }, { id: 'n', value: 5 }] });
  expect(nodePorts(catalog, node)!.outputs.map((p) => [p.id, p.label])).toEqual([
    ['get', '= "GET"'],
    ['n', '= 5'],
    ['default', 'default'],
  ]);
  expect(nodePorts(catalog, { type: 'nope', data: {} })).toBeUndefined();
});

describe('canConnect', () => {
  const graph: FlowGraph = graphOf(
    catalog,
    'wiring',
    [
      ['items', 'trigger.onItemCaptured'],
      ['packets', 'trigger.onPacketCaptured'],
      ['tick', 'trigger.schedule'],
      ['kfl', 'logic.filterKfl', { query: 'http' }],
      ['field', 'logic.filterField', { path: 'length', operator: '>', value: 100 }],
      ['limit', 'logic.rateLimit'],
      ['log', 'action.console.log'],
      ['count', 'logic.aggregate'],
      ['snippet', 'logic.snippet'],
    ],
    ['items:out->kfl', 'kfl:out->log', 'field:out->limit'],
  );

  test('accepts fitting ports and fills in a missing handle when there is one port', () => {
    expect(canConnect(graph, { source: 'items', sourceHandle: 'out', target: 'field', targetHandle: 'in' }, catalog)).toEqual({ ok: true, sourceHandle: 'out', targetHandle: 'in' });
    expect(canConnect(graph, { source: 'packets', sourceHandle: null, target: 'log', targetHandle: null }, catalog)).toEqual({ ok: true, sourceHandle: 'out', targetHandle: 'in' });
    expect(canConnect(graph, { source: 'snippet', target: 'kfl' }, catalog).ok).toBe(true);
  });

  test('refuses a type mismatch: packets or ticks into an item filter, a window into a KFL filter', () => {
    expect(canConnect(graph, { source: 'packets', sourceHandle: 'out', target: 'kfl', targetHandle: 'in' }, catalog)).toEqual({
      ok: false,
      reason: '"kfl" input "in" takes item, "packets" output "packet" sends packet',
    });
    expect(canConnect(graph, { source: 'tick', target: 'kfl' }, catalog).ok).toBe(false);
    expect(canConnect(graph, { source: 'count', target: 'kfl' }, catalog).ok).toBe(false);
  });

  test('follows pass-through types: a filter fed with packets sends packets, so it may not feed an item filter', () => {
    const fed = { ...graph, edges: [...graph.edges, { id: 'p', source: 'packets', sourceHandle: 'out', target: 'field', targetHandle: 'in' }] };
    expect(canConnect(fed, { source: 'limit', sourceHandle: 'out', target: 'kfl', targetHandle: 'in' }, catalog)).toEqual({
      ok: false,
      reason: '"kfl" input "in" takes item, "limit" output "pass" sends packet',
    });
    // And the other way round: wiring packets into a chain that already feeds an item filter.
    const chained = { ...graph, edges: [...graph.edges, { id: 'c', source: 'limit', sourceHandle: 'out', target: 'kfl', targetHandle: 'in' }] };
    expect(canConnect(chained, { source: 'packets', target: 'field' }, catalog)).toEqual({
      ok: false,
      reason: 'downstream, "kfl" takes item but "limit" would then send packet',
    });
    expect(canConnect(chained, { source: 'items', target: 'field' }, catalog).ok).toBe(true);
  });

  test('refuses cycles, self loops, duplicates and unknown ports', () => {
    const line = { ...graph, edges: [...graph.edges, { id: 'x', source: 'limit', sourceHandle: 'out', target: 'snippet', targetHandle: 'in' }] };
    expect(canConnect(line, { source: 'snippet', target: 'field' }, catalog)).toEqual({ ok: false, reason: 'this would make a cycle: "field" already leads to "snippet"' });
    expect(canConnect(graph, { source: 'field', sourceHandle: 'out', target: 'field', targetHandle: 'in' }, catalog)).toEqual({ ok: false, reason: 'a node cannot feed itself' });
    expect(canConnect(graph, { source: 'items', sourceHandle: 'out', target: 'kfl', targetHandle: 'in' }, catalog)).toEqual({ ok: false, reason: 'these ports are already connected' });
    expect(canConnect(graph, { source: 'kfl', sourceHandle: 'nope', target: 'log' }, catalog)).toEqual({ ok: false, reason: 'node "kfl" has no output "nope"' });
    expect(canConnect(graph, { source: 'kfl', target: 'log' }, catalog)).toEqual({ ok: false, reason: 'node "kfl" has several outputs: say which' });
    expect(canConnect(graph, { source: 'log', target: 'items' }, catalog)).toEqual({ ok: false, reason: 'node "items" has no input' });
    expect(canConnect(graph, { source: 'ghost', target: 'log' }, catalog)).toEqual({ ok: false, reason: 'no node "ghost"' });
  });
});
