import { createHash } from 'node:crypto';
import { agentTitle, checkEs5, validateKfl } from '@wirehook/runtime';
import { canonicalGraphJson, compileFlow, createNode, flowContentHash, FlowValidationError, type FlowEdge, type FlowGraph, type FlowNode, type JsonObject } from '../src';
import { flowHost, graphOf, loadFlow, testCatalog } from './support';

const catalog = testCatalog();
const checks = { validateFilter: validateKfl, checkEs5 };

/** Parameters that make every catalog node type valid. */
const VALID_DATA: Record<string, JsonObject> = {
  'trigger.schedule': { cron: '*/15 * * * * *' },
  'logic.filterField': { path: 'response.status', operator: '>=', value: 500 },
  'logic.filterKfl': { query: 'http and request.method == "POST"' },
  'logic.switch': { path: 'request.method', cases: [{ id: 'get', value: 'GET' }] },
  'logic.aggregate': { op: 'avg', path: 'elapsedTime', groupBy: '{{data.dst.name}}', windowSeconds: 30 },
  'logic.rateLimit': { key: '{{data.src.ip}}', limit: 2, windowSeconds: 15 },
  'logic.template': { mode: 'object', fields: [{ name: 'p', value: '{{data.request.path}}' }] },
  'logic.snippet': { code: 'return data;' },
  'action.hub.action': { action: 'seen' },
  'action.prometheus.metric': { name: 'flow_seen_total' },
  'action.vendor.webhook': { method: 'POST', url: '{{env.HOOK_URL}}', body: '{{data}}' },
  'action.vendor.slack': { webhookUrl: '{{env.SLACK_URL}}', pretext: 'p', text: '{{data.request.path}}', color: 'danger' },
  'action.vendor.slackBot': { token: '{{env.T}}', channel: '#ops', pretext: 'p', text: '{{data.request.path}}', color: 'danger' },
  'action.vendor.kinesis.put': { stream: 's', payload: '{{data}}', region: 'eu-west-1', keyId: '{{env.A}}', secret: '{{env.B}}' },
  'action.vendor.influxdb': { url: 'http://127.0.0.1:9', token: '{{env.T}}', org: 'o', bucket: 'b', measurement: 'm', data: { v: '{{data.elapsedTime}}' } },
  'plugin.webhook.request': { url: '{{env.HOOK_URL}}' },
  'plugin.slack.webhook': { webhookUrl: '{{env.SLACK_URL}}', text: 'x' },
  'plugin.slack.bot': { token: '{{env.T}}', channel: '#ops', text: 'x' },
  'plugin.kinesis.put': { stream: 's', keyId: '{{env.A}}', secret: '{{env.B}}' },
  'plugin.influxdb.write': { url: 'http://127.0.0.1:9', token: '{{env.T}}', org: 'o', bucket: 'b', measurement: 'm', data: '{{data}}' },
};

/** A graph with one node of every type in the catalog, each wired so that the flow is valid. */
function everyNodeType(): FlowGraph {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  let y = 0;
  for (const definition of catalog.list()) {
    const id = definition.type.replace(/[^a-z0-9]+/gi, '-');
    nodes.push(createNode(catalog, definition.type, id, { x: 0, y: (y += 100) }, VALID_DATA[definition.type] ?? {}));
  }
  const trigger = (hook: string) => nodes.find((n) => n.type === `trigger.${hook}`)!;
  const itemSource = trigger('onItemCaptured');
  for (const node of [...nodes]) {
    const definition = catalog.get(node.type)!;
    if (definition.category === 'trigger') {
      // Every trigger feeds a console.log of its own, so it is wired.
      const log = createNode(catalog, 'action.console.log', `log-${node.id}`, { x: 500, y: node.position.y }, { message: '{{data}}' });
      nodes.push(log);
      edges.push({ id: `e-${node.id}`, source: node.id, sourceHandle: 'out', target: log.id, targetHandle: 'in' });
      continue;
    }
    for (const input of definition.ports(node.data).inputs) {
      edges.push({ id: `e-${node.id}-${input.id}`, source: itemSource.id, sourceHandle: 'out', target: node.id, targetHandle: input.id });
    }
    if (definition.category === 'logic') {
      const port = definition.ports(node.data).outputs[0];
      const log = createNode(catalog, 'action.console.log', `after-${node.id}`, { x: 500, y: node.position.y });
      nodes.push(log);
      edges.push({ id: `e-${node.id}-out`, source: node.id, sourceHandle: port.id, target: log.id, targetHandle: 'in' });
    }
  }
  return { title: 'Every node type', nodes, edges };
}

test('every node type of the catalog compiles to ES5 that the runtime loads', async () => {
  const graph = everyNodeType();
  const compiled = compileFlow(graph, catalog, { flowId: 'all', revision: 1, ...checks });
  expect(compiled.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(checkEs5(compiled.source, 'all.js')).toEqual([]);
  expect(compiled.hooks).toEqual(['onPacketCaptured', 'onItemCaptured', 'onItemQueried', 'onHubAction', 'onPodEvent', 'onJobPassed', 'onJobFailed']);
  for (const definition of catalog.list()) {
    if (definition.kind !== 'trigger') expect(compiled.source).toContain(`"${graph.nodes.find((n) => n.type === definition.type)!.id}"`);
  }
  const host = flowHost({ nodeName: 'hub', role: 'hub' });
  try {
    await loadFlow(host, graph, catalog);
    expect(host.runtime.statuses()[0].hooks.sort()).toEqual([...compiled.hooks].sort());
    expect(host.problems()).toEqual([]);
  } finally {
    await host.close();
  }
});

test('header: the title is the first line (the agent title), then flow id, revision and the content hash', () => {
  const graph = graphOf(catalog, '5xx to Slack', [['t', 'trigger.onItemCaptured'], ['log', 'action.console.log']], ['t:out->log']);
  const compiled = compileFlow(graph, catalog, { flowId: 'f-42', revision: 7, ...checks });
  const lines = compiled.source.split('\n');
  expect(lines[0]).toBe('// 5xx to Slack');
  expect(agentTitle(compiled.source, 'flow.js')).toBe('5xx to Slack');
  expect(compiled.title).toBe('5xx to Slack');
  expect(lines).toContain('// flow: f-42');
  expect(lines).toContain('// revision: 7');
  const sha = createHash('sha256').update(canonicalGraphJson(graph), 'utf8').digest('hex');
  expect(compiled.hash).toBe(`sha256:${sha}`);
  expect(lines).toContain(`// content hash: sha256:${sha}`);
  expect(compileFlow(graph, catalog, { flowId: 'f-42', revision: 7, title: 'Other title' }).source.split('\n')[0]).toBe('// Other title');
  expect(compileFlow({ ...graph, title: '  ' }, catalog, { flowId: 'f', revision: 1 }).title).toBe('Untitled flow');
});

test('deterministic: the same graph in another order (nodes, edges, keys) gives the same code and hash', () => {
  const graph = everyNodeType();
  const shuffled: FlowGraph = {
    edges: [...graph.edges].reverse().map((e) => ({ targetHandle: e.targetHandle, target: e.target, sourceHandle: e.sourceHandle, source: e.source, id: e.id })),
    nodes: [...graph.nodes].reverse().map((n) => ({ data: Object.fromEntries(Object.entries(n.data).reverse()), position: { y: n.position.y, x: n.position.x }, version: n.version, type: n.type, id: n.id })),
    title: graph.title,
  };
  const a = compileFlow(graph, catalog, { flowId: 'x', revision: 3, ...checks });
  const b = compileFlow(shuffled, catalog, { flowId: 'x', revision: 3, ...checks });
  expect(b.source).toBe(a.source);
  expect(b.hash).toBe(a.hash);
  expect(flowContentHash(shuffled)).toBe(a.hash);
  // A change of a parameter changes the hash.
  const changed = JSON.parse(JSON.stringify(graph)) as FlowGraph;
  changed.nodes.find((n) => n.type === 'logic.filterField')!.data.value = 501;
  expect(flowContentHash(changed)).not.toBe(a.hash);
});

test('sibling calls follow the canvas: top to bottom, then left to right', () => {
  const graph = graphOf(
    catalog,
    'Order',
    [
      ['t', 'trigger.onItemCaptured'],
      ['c', 'action.console.log', { message: 'c' }],
      ['a', 'action.console.log', { message: 'a' }],
      ['b', 'action.console.log', { message: 'b' }],
    ],
    ['t:out->a', 't:out->b', 't:out->c'],
  );
  graph.nodes.find((n) => n.id === 'b')!.position = { x: -50, y: 200 };
  const hook = compileFlow(graph, catalog, { flowId: 'x', revision: 1 }).source.split('function onItemCaptured(data) {')[1];
  expect(hook.split('}')[0].trim().split('\n').slice(1).map((l) => l.trim())).toEqual(['log_c(data);', 'log_b(data);', 'log_a(data);']);
});

test('a flow with errors does not compile unless partial; partial stubs the broken nodes', () => {
  const graph = graphOf(
    catalog,
    'Broken',
    [
      ['t', 'trigger.onItemCaptured'],
      ['bad', 'logic.filterKfl', { query: 'response.status = 500' }],
      ['ok', 'action.console.log'],
    ],
    ['t:out->bad', 'bad:out->ok', 't:out->ok'],
  );
  let thrown: unknown;
  try {
    compileFlow(graph, catalog, { flowId: 'x', revision: 1, ...checks });
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(FlowValidationError);
  expect((thrown as FlowValidationError).issues.map((i) => [i.nodeId, i.code])).toEqual([['bad', 'bad-filter']]);
  const partial = compileFlow(graph, catalog, { flowId: 'x', revision: 1, partial: true, ...checks });
  expect(checkEs5(partial.source, 'p.js')).toEqual([]);
  expect(partial.source).toMatch(/function match_bad\(data\) \{\n {2}\/\/ node "bad" \(Filter on an expression\): parameter "query": KFL: '=' is not an operator/);
  expect(partial.source).toContain('  log_ok(data);');
});

test('a snippet cannot close its function and reach the rest of the agent', () => {
  const graph = graphOf(
    catalog,
    'Escape',
    [
      ['t', 'trigger.onItemCaptured'],
      ['s', 'logic.snippet', { code: 'return data; }\nfunction onHubAction() { hub.action("x", 1); }\nfunction nothing() {' }],
      ['log', 'action.console.log'],
    ],
    ['t:out->s', 's:out->log'],
  );
  expect(() => compileFlow(graph, catalog, { flowId: 'x', revision: 1, ...checks })).toThrow(/node "s" \(ES5 snippet\): parameter "code" line 1, column 14: Unexpected token/);
  const arrow = graphOf(catalog, 'Arrow', [['t', 'trigger.onItemCaptured'], ['s', 'logic.snippet', { code: 'var f = (x) => x;\nreturn f(data);' }], ['log', 'action.console.log']], [
    't:out->s',
    's:out->log',
  ]);
  expect(() => compileFlow(arrow, catalog, { flowId: 'x', revision: 1, ...checks })).toThrow(/parameter "code" line 1, column 9: arrow functions are not ES5/);
  // Without the runtime's checker, acorn's ES5 parser still refuses it.
  expect(() => compileFlow(arrow, catalog, { flowId: 'x', revision: 1 })).toThrow(/parameter "code" line 1/);
});

test('function names come from node kinds and ids, never clash, and keep clear of derived names', () => {
  const graph = graphOf(
    catalog,
    'Names',
    [
      ['t', 'trigger.onItemCaptured'],
      ['x', 'logic.aggregate', { windowSeconds: 5 }],
      ['x_close', 'logic.aggregate', { windowSeconds: 5 }],
      ['x-close', 'logic.aggregate', { windowSeconds: 5 }],
      ['log', 'action.console.log'],
    ],
    ['t:out->x', 't:out->x_close', 't:out->x-close', 'x:out->log', 'x_close:out->log', 'x-close:out->log'],
  );
  const compiled = compileFlow(graph, catalog, { flowId: 'n', revision: 1, ...checks });
  expect(checkEs5(compiled.source, 'n.js')).toEqual([]);
  const functions = [...compiled.source.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]);
  expect(new Set(functions).size).toBe(functions.length);
  expect(functions.filter((f) => f.startsWith('aggregate_')).sort()).toEqual(['aggregate_x', 'aggregate_x_close', 'aggregate_x_close_2', 'aggregate_x_close_2_close', 'aggregate_x_close_3', 'aggregate_x_close_3_close']);
});
