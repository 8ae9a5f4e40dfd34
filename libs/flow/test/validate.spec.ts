import { checkEs5, validateKfl } from '@wirehook/runtime';
import cron from 'node-cron';
import { MAX_FLOW_JOBS, parsePath, parseTemplate, validateCron, validateFlow, windowCron, type FlowGraph, type FlowIssue } from '../src';
import { graphOf, testCatalog } from './support';

const catalog = testCatalog();
const checks = { validateFilter: validateKfl, checkEs5 };

const summary = (issues: FlowIssue[]) => issues.map((i) => `${i.severity} ${i.code} ${i.nodeId ?? i.edgeId ?? '-'}: ${i.message}`);

test('a valid flow has no issues', () => {
  const graph = graphOf(
    catalog,
    'ok',
    [
      ['t', 'trigger.onItemCaptured'],
      ['f', 'logic.filterKfl', { query: 'http and response.status >= 500' }],
      ['s', 'action.vendor.slack', { webhookUrl: '{{env.SLACK_URL}}', pretext: '5xx', text: '{{data.request.path}}', color: 'danger' }],
    ],
    ['t:out->f', 'f:out->s'],
  );
  expect(validateFlow(graph, catalog, checks)).toEqual({ ok: true, issues: [], byNode: {} });
});

test('parameter errors name the node and the parameter', () => {
  const graph = graphOf(
    catalog,
    'bad parameters',
    [
      ['t', 'trigger.onItemCaptured'],
      ['no-path', 'logic.filterField', { path: '', operator: '==', value: 1 }],
      ['bad-path', 'logic.filterField', { path: 'request..path', operator: 'exists' }],
      ['bad-op', 'logic.filterField', { path: 'a', operator: '=~', value: 1 }],
      ['bad-re', 'logic.filterField', { path: 'a', operator: 'matches', value: '([a-z' }],
      ['kfl', 'logic.filterKfl', { query: 'response.status = 500' }],
      ['cron', 'trigger.schedule', { cron: '*/5 * * * *' }],
      ['window', 'logic.aggregate', { windowSeconds: 7 }],
      ['sum', 'logic.aggregate', { op: 'sum', windowSeconds: 60 }],
      ['tmpl', 'action.console.log', { message: 'hello {{data.request.path' }],
      ['root', 'action.console.log', { message: '{{item.id}}' }],
      ['metric', 'action.prometheus.metric', { name: 'bad-name', value: 'x', labels: [{ name: '0bad', value: '' }] }],
      ['slack', 'action.vendor.slack', { webhookUrl: 'https://hooks.slack.com/services/T/B/secret', pretext: 1, text: 'x', color: 'good' }],
      ['case', 'logic.switch', { path: 'request.method', cases: [{ id: 'default', value: 'GET' }, { id: 'a', value: { x: 1 } }, { id: 'a', value: 'b' }] }],
      ['tag', 'trigger.schedule', { cron: '0 * * * * *', tag: 'flow:mine' }],
    ],
    [
      't:out->no-path',
      't:out->bad-path',
      't:out->bad-op',
      't:out->bad-re',
      't:out->kfl',
      't:out->window',
      't:out->sum',
      't:out->tmpl',
      't:out->root',
      't:out->metric',
      't:out->slack',
      't:out->case',
      'no-path:out->tmpl',
      'bad-path:out->tmpl',
      'bad-op:out->tmpl',
      'bad-re:out->tmpl',
      'kfl:out->tmpl',
      'cron:out->tmpl',
      'window:out->tmpl',
      'sum:out->tmpl',
      'case:a->tmpl',
      'tag:out->tmpl',
    ],
  );
  const result = validateFlow(graph, catalog, checks);
  expect(result.ok).toBe(false);
  expect(summary(result.issues)).toEqual([
    'error missing-parameter no-path: node "no-path" (Filter on a field): parameter "path" is required',
    'error bad-path bad-path: node "bad-path" (Filter on a field): parameter "path": unexpected "." at column 9',
    'error invalid-parameter bad-op: node "bad-op" (Filter on a field): parameter "operator" must be one of "==", "!=", "<", "<=", ">", ">=", "contains", "startsWith", "endsWith", "matches", "exists", "notExists"',
    expect.stringMatching(/^error invalid-parameter bad-re: node "bad-re" \(Filter on a field\): parameter "value": Invalid regular expression/),
    expect.stringMatching(/^error bad-filter kfl: node "kfl" \(Filter on an expression\): parameter "query": KFL: '=' is not an operator, use '==' at column 17/),
    'error bad-cron cron: node "cron" (Schedule): parameter "cron": cron must have 6 fields (seconds first), e.g. "0 */5 * * * *"; this has 5',
    'error invalid-parameter window: node "window" (Counter / aggregate): parameter "windowSeconds": 7 s cannot be a clock-aligned window; use 1–59 s dividing 60 (5, 10, 15, 30…), whole minutes dividing 60, whole hours dividing 24, or 86400',
    'error missing-parameter sum: node "sum" (Counter / aggregate): parameter "path" is required',
    'error bad-template tmpl: node "tmpl" (console.log): parameter "message": "{{" at column 7 is not closed by "}}"',
    'error bad-template root: node "root" (console.log): parameter "message": {{item.id}} must start with data (the input) or env (scripting.env), at column 3',
    'error invalid-parameter metric: node "metric" (prometheus.metric): parameter "labels"[0]: "0bad" is not a Prometheus label name',
    'error invalid-parameter metric: node "metric" (prometheus.metric): parameter "name": "bad-name" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)',
    'error invalid-parameter metric: node "metric" (prometheus.metric): parameter "value" must be a number or one placeholder such as {{data.elapsedTime}}',
    'warning literal-secret slack: node "slack" (vendor.slack): parameter "webhookUrl" holds a credential in the flow itself; use {{env.NAME}} (scripting.env)',
    'error invalid-parameter slack: node "slack" (vendor.slack): parameter "pretext" must be a string (a template)',
    'error invalid-parameter case: node "case" (Switch): parameter "cases"[0].id "default" is reserved',
    'error invalid-parameter case: node "case" (Switch): parameter "cases"[1].value must be a string, number, boolean or null',
    'error invalid-parameter case: node "case" (Switch): parameter "cases": two cases have the id "a"',
    'error invalid-parameter tag: node "tag" (Schedule): parameter "tag": tags starting with "flow:" are the flow\'s own',
  ]);
  expect(Object.keys(result.byNode).sort()).toEqual(['bad-op', 'bad-path', 'bad-re', 'case', 'cron', 'kfl', 'metric', 'no-path', 'root', 'slack', 'sum', 'tag', 'tmpl', 'window']);
  expect(result.byNode.metric.map((i) => i.parameter)).toEqual(['labels', 'name', 'value']);
});

test('wiring errors: unconnected ports, unknown nodes and ports, type mismatches, cycles, unknown helpers', () => {
  const graph: FlowGraph = graphOf(
    catalog,
    'bad wiring',
    [
      ['lonely', 'trigger.onItemCaptured'],
      ['packets', 'trigger.onPacketCaptured'],
      ['kfl', 'logic.filterKfl', { query: 'http' }],
      ['a', 'logic.filterField', { path: 'x', operator: 'exists' }],
      ['b', 'logic.filterField', { path: 'x', operator: 'exists' }],
      ['dangling', 'action.console.log'],
      ['gone', 'action.vendor.pagerduty', {}],
      ['weird', 'logic.teleport', {}],
      ['island', 'logic.filterField', { path: 'x', operator: 'exists' }],
      ['island-log', 'action.console.log'],
    ],
    ['packets:out->kfl', 'kfl:out->a', 'a:out->b', 'b:out->a', 'packets:out->gone', 'packets:nope->dangling', 'a:out->ghost', 'island:out->island-log', 'kfl:else->a', 'kfl:else->a'],
  );
  const result = validateFlow(graph, catalog, checks);
  expect(summary(result.issues)).toEqual([
    'error unconnected-port lonely: node "lonely" (Item captured): output "item" is not connected',
    'error unknown-helper gone: node "gone": unknown helper vendor.pagerduty: no installed plugin provides it',
    'error unknown-node-type weird: node "weird": unknown node type logic.teleport',
    'error unconnected-port island: node "island" (Filter on a field): input "in" is not connected',
    'error port-type-mismatch kfl: edge "e1": node "kfl" (Filter on an expression) input "in" takes item, but node "packets" (Packet captured) sends packet',
    'error unknown-port packets: edge "e6": node "packets" (Packet captured) has no output "nope"',
    'error unknown-node e7: edge "e7": target node "ghost" does not exist',
    'error duplicate-edge a: edge "e10": connects the same ports as another edge',
    'error cycle a: node "a" (Filter on a field): is part of a cycle ("a" → "b"); flows run one way',
    'error cycle b: node "b" (Filter on a field): is part of a cycle ("a" → "b"); flows run one way',
    'warning unreachable island-log: node "island-log" (console.log): no trigger leads here, so the node never runs',
  ]);
  expect(result.byNode.kfl.map((i) => i.edgeId)).toEqual(['e1']);
});

test('warnings: nodes that do nothing or that no trigger reaches', () => {
  const graph = graphOf(
    catalog,
    'warnings',
    [
      ['t', 'trigger.onItemCaptured'],
      ['f', 'logic.filterField', { path: 'x', operator: 'exists' }],
      ['s', 'logic.snippet', { code: 'return 1;' }],
      ['log', 'action.console.log'],
    ],
    ['t:out->f', 's:out->log'],
  );
  const result = validateFlow(graph, catalog, checks);
  expect(result.ok).toBe(false);
  expect(summary(result.issues)).toEqual([
    'warning no-output f: node "f" (Filter on a field): no output is connected, so the node does nothing',
    'error unconnected-port s: node "s" (ES5 snippet): input "in" is not connected',
    'warning unreachable log: node "log" (console.log): no trigger leads here, so the node never runs',
  ]);
});

test('too many jobs and duplicate schedule tags', () => {
  const nodes: Array<[string, string, Record<string, string | number>]> = [['t', 'trigger.onItemCaptured', {}]];
  const edges: string[] = [];
  for (let i = 0; i < MAX_FLOW_JOBS; i++) {
    nodes.push([`w${i}`, 'logic.rateLimit', {}], [`l${i}`, 'action.console.log', {}]);
    edges.push(`t:out->w${i}`, `w${i}:out->l${i}`);
  }
  nodes.push(['c1', 'trigger.schedule', { tag: 'same' }], ['c2', 'trigger.schedule', { tag: 'same' }], ['cl', 'action.console.log', {}]);
  edges.push('c1:out->cl', 'c2:out->cl');
  const result = validateFlow(graphOf(catalog, 'jobs', nodes, edges), catalog, checks);
  expect(summary(result.issues)).toEqual([
    'error duplicate-job-tag c2: node "c2" (Schedule): job tag "same" is also used by node "c1"',
    'error too-many-jobs -: the flow needs 102 jobs (schedules and windows); an agent may have at most 100',
  ]);
});

test('structurally broken input is reported, not thrown', () => {
  const result = validateFlow({ title: 'x', nodes: [{ id: 'a' }], edges: 'none' } as unknown as FlowGraph, catalog);
  expect(result.ok).toBe(false);
  expect(result.issues.map((i) => i.code)).toEqual(['invalid-document', 'invalid-document', 'invalid-document', 'invalid-document']);
  expect(result.byNode.a).toHaveLength(3);
});

test('paths and templates', () => {
  expect(parsePath('request.headers["User-Agent"].value[0]')).toEqual(['request', 'headers', 'User-Agent', 'value', 0]);
  expect(parsePath("a['b\\'c'].content-type")).toEqual(['a', "b'c", 'content-type']);
  expect(parsePath('')).toEqual([]);
  expect(() => parsePath('a[')).toThrow('expected an index or a quoted name after "[" at column 3');
  expect(() => parsePath('a["x')).toThrow('unterminated string starting at column 3');
  expect(parseTemplate('{{ data.request.path }} and {{env.TOKEN}}{{"{{"}}')).toEqual([
    { kind: 'field', root: 'data', path: ['request', 'path'], source: 'data.request.path' },
    { kind: 'text', text: ' and ' },
    { kind: 'field', root: 'env', path: ['TOKEN'], source: 'env.TOKEN' },
    { kind: 'text', text: '{{' },
  ]);
  expect(() => parseTemplate('{{env}}')).toThrow('{{env}}: write env.NAME, at column 3');
  expect(() => parseTemplate('x {{}}')).toThrow('empty placeholder {{}} at column 3');
});

test('cron: what validateCron accepts, node-cron (the runtime scheduler) accepts too, and the reverse for refusals', () => {
  const good = ['0 */5 * * * *', '* * * * * *', '0 0 12 * * mon-fri', '30 15 10 1,15 jan,jul *', '0 0 0 * * 7', '*/10 0-30/5 8-18 * 1-6 sun', '0 0 0 31 12 saturday'];
  const bad = ['*/5 * * * *', '60 * * * * *', '0 0 24 * * *', '0 0 0 0 * *', '0 0 0 * 13 *', '0 0 0 * * 8', '0 * * * * * *', '*/0 * * * * *', 'a b c d e f', '0 0 0 * foo *', ''];
  for (const c of good) {
    expect([c, validateCron(c)]).toEqual([c, null]);
    expect([c, cron.validate(c)]).toEqual([c, true]);
  }
  for (const c of bad) {
    expect([c, typeof validateCron(c)]).toEqual([c, 'string']);
    expect([c, cron.validate(c) && c.trim().split(/\s+/).length === 6]).toEqual([c, false]);
  }
  // Stricter than node-cron: a backwards range is refused rather than wrapped around.
  expect(cron.validate('5-1 * * * * *')).toBe(true);
  expect(validateCron('5-1 * * * * *')).toBe('second: range 5-1 goes backwards');
  expect(validateCron('0 0 24 * * *')).toBe('hour 24 is outside 0-23');
  expect(validateCron('0 0 0 * foo *')).toBe('month: "foo" is not a number or a name');
  expect([1, 5, 30, 60, 120, 900, 3600, 7200, 86400].map(windowCron)).toEqual([
    '* * * * * *',
    '*/5 * * * * *',
    '*/30 * * * * *',
    '0 * * * * *',
    '0 */2 * * * *',
    '0 */15 * * * *',
    '0 0 * * * *',
    '0 0 */2 * * *',
    '0 0 0 * * *',
  ]);
  expect([7, 45, 90, 5400, 36000, 172800, 0, 1.5].map(windowCron)).toEqual([null, null, null, null, null, null, null, null]);
  for (const c of [1, 5, 30, 60, 120, 900, 3600, 7200, 86400].map(windowCron)) expect(cron.validate(c!)).toBe(true);
});
