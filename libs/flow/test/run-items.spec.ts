// Flows on onItemCaptured, compiled and run in the real sandbox on the items of http-mixed.pcap.
import { deliver, flowHost, graphOf, loadFlow, mixedItems, testCatalog, type FlowHost, type HttpItem } from './support';

const catalog = testCatalog();
let items: HttpItem[];
let host: FlowHost;

beforeAll(async () => {
  items = await mixedItems();
});

beforeEach(() => {
  host = flowHost();
});

afterEach(async () => {
  expect(host.problems()).toEqual([]);
  await host.close();
});

test('the capture is the one the expectations were written for', () => {
  expect(items.map((i) => `${i.request.method} ${i.request.path} ${i.response.status}`)).toEqual([
    'GET /json 200',
    'GET /chunked 200',
    'GET /gzip 200',
    'GET /big 200',
    'POST /echo 200',
    'PUT /echo 200',
    'POST /echo 200',
    'DELETE /status/204 204',
    'GET /status/404 404',
    'GET /status/500 500',
    'GET /status/301 301',
    'HEAD /head 200',
    'GET /json 200',
    'GET /json 200',
    'GET /json 200',
    'GET /chunked 200',
    'GET /status/404 404',
    'GET /json 200',
    'GET /chunked 200',
    'GET /status/418 418',
    'GET /api/health 200',
  ]);
});

test('filter on response.status >= 400 + console.log prints exactly the 4xx/5xx items', async () => {
  const graph = graphOf(
    catalog,
    'Errors',
    [
      ['t', 'trigger.onItemCaptured'],
      ['errors', 'logic.filterField', { path: 'response.status', operator: '>=', value: 400 }],
      ['log', 'action.console.log', { message: '{{data.request.method}} {{data.request.path}} → {{data.response.status}} ({{data.id}})' }],
    ],
    ['t:out->errors', 'errors:out->log'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  expect(host.console()).toEqual([
    'GET /status/404 → 404 (worker-1/9-0)',
    'GET /status/500 → 500 (worker-1/10-0)',
    'GET /status/404 → 404 (worker-1/15-2)',
    'GET /status/418 → 418 (worker-1/16-2)',
  ]);
});

test('the field filter operators: string operators, numeric strings, exists, matches and the else output', async () => {
  const graph = graphOf(
    catalog,
    'Operators',
    [
      ['t', 'trigger.onItemCaptured'],
      ['status', 'logic.filterField', { path: 'request.path', operator: 'startsWith', value: '/status/' }],
      ['port', 'logic.filterField', { path: 'dst.port', operator: '==', value: 18080 }],
      ['query', 'logic.filterField', { path: 'request.queryString.q', operator: 'exists' }],
      ['re', 'logic.filterField', { path: 'request.path', operator: 'matches', value: '^/status/[0-9]+$' }],
      ['not-get', 'logic.filterField', { path: 'request.method', operator: '==', value: 'GET' }],
      ['log-status', 'action.console.log', { message: 'startsWith {{data.request.path}}' }],
      ['log-port', 'action.console.log', { message: 'port {{data.dst.port}} {{data.request.path}}' }],
      ['log-query', 'action.console.log', { message: 'query {{data.request.queryString.q}}' }],
      ['log-re', 'action.console.log', { message: 'matches {{data.response.status}}' }],
      ['log-else', 'action.console.log', { message: 'else {{data.request.method}}' }],
    ],
    ['t:out->status', 't:out->port', 't:out->query', 't:out->re', 't:out->not-get', 'status:out->log-status', 'port:out->log-port', 'query:out->log-query', 're:out->log-re', 'not-get:else->log-else'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  const lines = host.console();
  expect(lines.filter((l) => l.startsWith('startsWith'))).toEqual([
    'startsWith /status/204',
    'startsWith /status/404',
    'startsWith /status/500',
    'startsWith /status/301',
    'startsWith /status/404',
    'startsWith /status/418',
  ]);
  // dst.port is the string "18080" in items: a number compares with a numeric string as a number.
  expect(lines.filter((l) => l.startsWith('port'))).toEqual(['port 18080 /api/health']);
  expect(lines.filter((l) => l.startsWith('query'))).toEqual(['query search term']);
  expect(lines.filter((l) => l.startsWith('matches'))).toEqual(['matches 204', 'matches 404', 'matches 500', 'matches 301', 'matches 404', 'matches 418']);
  expect(lines.filter((l) => l.startsWith('else'))).toEqual(['else POST', 'else PUT', 'else POST', 'else DELETE', 'else HEAD']);
  // One item's calls follow the canvas order of the trigger's targets (status, port, query, re, not-get).
  const at = lines.indexOf('startsWith /status/204');
  expect(lines.slice(at, at + 3)).toEqual(['startsWith /status/204', 'matches 204', 'else DELETE']);
});

test('filter on a filter-language expression calls kfl.match; helper node gets templated arguments', async () => {
  const graph = graphOf(
    catalog,
    '5xx to webhook',
    [
      ['t', 'trigger.onItemCaptured'],
      ['server-errors', 'logic.filterKfl', { query: 'http and response.status >= 500' }],
      [
        'hook',
        'action.vendor.webhook',
        { method: 'POST', url: '{{env.HOOK_URL}}', body: { path: '{{data.request.path}}', status: '{{data.response.status}}', text: '{{data.request.method}} {{data.request.path}}' } },
      ],
      ['other', 'action.console.log', { message: 'not 5xx: {{data.response.status}}' }],
    ],
    ['t:out->server-errors', 'server-errors:out->hook', 'server-errors:else->other'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.source).toContain('kfl.match("http and response.status >= 500", data)');
  await deliver(host, items);
  expect(host.helperCalls).toEqual([
    { name: 'vendor.webhook', args: ['POST', 'http://127.0.0.1:9/hook', { path: '/status/500', status: 500, text: 'GET /status/500' }] },
  ]);
  expect(host.console()).toHaveLength(20);
  expect(host.console()).not.toContain('not 5xx: 500');
});

test('switch sends each item to the output of its method, the rest to default', async () => {
  const graph = graphOf(
    catalog,
    'By method',
    [
      ['t', 'trigger.onItemCaptured'],
      ['method', 'logic.switch', { path: 'request.method', cases: [{ id: 'get', value: 'GET' }, { id: 'post', value: 'POST' }, { id: 'put', value: 'PUT' }] }],
      ['log-get', 'action.console.log', { message: 'get {{data.request.path}}' }],
      ['log-post', 'action.console.log', { message: 'post {{data.request.path}}' }],
      ['log-other', 'action.console.log', { message: 'other {{data.request.method}} {{data.request.path}}' }],
    ],
    ['t:out->method', 'method:get->log-get', 'method:post->log-post', 'method:default->log-other'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  const lines = host.console();
  expect(lines.filter((l) => l.startsWith('get'))).toHaveLength(16);
  expect(lines.filter((l) => l.startsWith('post'))).toEqual(['post /echo', 'post /echo']);
  // PUT has a case with nothing wired: it is matched and goes nowhere (not to default).
  expect(lines.filter((l) => l.startsWith('other'))).toEqual(['other DELETE /status/204', 'other HEAD /head']);
  expect(lines).toHaveLength(20);
});

test('template node builds an object (typed placeholders, nested values) and a string', async () => {
  const graph = graphOf(
    catalog,
    'Templates',
    [
      ['t', 'trigger.onItemCaptured'],
      ['only-query', 'logic.filterField', { path: 'request.queryString', operator: 'exists' }],
      [
        'shape',
        'logic.template',
        {
          mode: 'object',
          fields: [
            { name: 'status', value: '{{data.response.status}}' },
            { name: 'summary', value: '{{data.request.method}} {{data.request.path}}' },
            { name: 'query', value: { q: '{{data.request.queryString.q}}', page: '{{data.request.queryString.page}}', missing: '{{data.request.nothing.here}}' } },
            { name: 'fixed', value: [1, true, null, 'x'] },
            { name: 'headers', value: '{{data.request.headers}}' },
          ],
        },
      ],
      ['send', 'action.hub.action', { action: 'shaped', object: '{{data}}' }],
      ['line', 'logic.template', { mode: 'string', template: '{{data.summary}} q={{data.query.q}} missing=[{{data.query.missing}}]' }],
      ['log', 'action.console.log'],
    ],
    ['t:out->only-query', 'only-query:out->shape', 'shape:out->send', 'send:out->line', 'line:out->log'],
  );
  await loadFlow(host, graph, catalog);
  const withQuery = items.filter((i) => Object.keys(i.request.queryString ?? {}).length > 0);
  await deliver(host, items);
  expect(host.hubActions).toHaveLength(items.length);
  const shaped = host.hubActions.find((a) => (a.object as { summary: string }).summary === 'GET /json' && (a.object as { query: { q: string } }).query.q === 'search term');
  expect(shaped?.action).toBe('shaped');
  expect(shaped?.object).toEqual({
    status: 200,
    summary: 'GET /json',
    // A placeholder of a missing field is undefined: the key is left out of the JSON sent.
    query: { q: 'search term', page: '2' },
    fixed: [1, true, null, 'x'],
    headers: withQuery.find((i) => i.request.queryString.q === 'search term')!.request.headers,
  });
  expect(host.console()).toContain('GET /json q=search term missing=[]');
  expect(host.console()).toContain('GET /big q= missing=[]');
});

test('template text cannot break out of its string: quotes, backslashes, U+2028, </script> and braces', async () => {
  const nasty = 'a"); hub.action("pwned", {}); ("\\ \u2028 \u2029 </script> \' {{"{{"}}x}} \n end';
  const graph = graphOf(
    catalog,
    'Escaping"); hub.action("pwned", {}); //\nfunction onItemCaptured() {}',
    [
      ['t', 'trigger.onItemCaptured'],
      ['first', 'logic.filterField', { path: 'id', operator: '==', value: 'worker-1/1-0' }],
      ['log', 'action.console.log', { message: nasty + '{{data.request.path}}' }],
      ['act', 'action.hub.action', { action: 'x"); hub.action("pwned2', object: { 'k"\u2028': nasty } }],
    ],
    ['t:out->first', 'first:out->log', 'log:out->act'],
  );
  // __proto__ in an object literal would set the prototype: it must stay a plain key.
  Object.defineProperty(graph.nodes[3].data.object, '__proto__', { value: 'proto', enumerable: true, writable: true, configurable: true });
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.source.split('\n')[0]).toBe('// Escaping"); hub.action("pwned", {}); // function onItemCaptured() {}');
  await deliver(host, items);
  expect(host.console()).toEqual(['a"); hub.action("pwned", {}); ("\\ \u2028 \u2029 </script> \' {{x}} \n end/json']);
  expect(host.hubActions.map((a) => a.action)).toEqual(['x"); hub.action("pwned2']);
  const sent = host.hubActions[0].object as Record<string, unknown>;
  expect(Object.keys(sent)).toEqual(['k"\u2028', '__proto__']);
  expect(sent['k"\u2028']).toBe('a"); hub.action("pwned", {}); ("\\ \u2028 \u2029 </script> \' {{x}} \n end');
  expect(Object.getOwnPropertyDescriptor(sent, '__proto__')?.value).toBe('proto');
});

test('snippet node: emit sends several values, return sends one, helpers are in scope', async () => {
  const graph = graphOf(
    catalog,
    'Snippet',
    [
      ['t', 'trigger.onItemCaptured'],
      [
        'code',
        'logic.snippet',
        {
          code: [
            '// ES5 only: var, function, no arrows',
            'var status = data.response.status;',
            'if (status >= 400) {',
            '  emit("error " + status);',
            '  emit("path " + data.request.path);',
            '  return;',
            '}',
            'if (kfl.match("request.method == \\"POST\\"", data)) return "post " + data.request.bodySize;',
          ].join('\n'),
        },
      ],
      ['log', 'action.console.log'],
    ],
    ['t:out->code', 'code:out->log'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  const posts = items.filter((i) => i.request.method === 'POST').map((i) => `post ${i.request.bodySize}`);
  expect(host.console()).toEqual([
    posts[0],
    posts[1],
    'error 404',
    'path /status/404',
    'error 500',
    'path /status/500',
    'error 404',
    'path /status/404',
    'error 418',
    'path /status/418',
  ]);
});

test('prometheus.metric counts responses by status and sets a gauge from a field', async () => {
  const graph = graphOf(
    catalog,
    'Metrics',
    [
      ['t', 'trigger.onItemCaptured'],
      ['count', 'action.prometheus.metric', { name: 'flow_http_responses_total', help: 'responses by status', metricType: 'counter', value: 1, labels: [{ name: 'status', value: '{{data.response.status}}' }] }],
      ['latency', 'action.prometheus.metric', { name: 'flow_http_last_elapsed_ms', metricType: 'gauge', value: '{{data.elapsedTime}}', labels: [{ name: 'path', value: '{{data.request.path}}' }] }],
    ],
    ['t:out->count', 'count:out->latency'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  const counted = await host.metrics.getSingleMetric('flow_http_responses_total')!.get();
  const byStatus = Object.fromEntries(counted.values.map((v) => [String(v.labels.status), v.value]));
  expect(byStatus).toEqual({ '200': 15, '204': 1, '301': 1, '404': 2, '418': 1, '500': 1 });
  const gauge = await host.metrics.getSingleMetric('flow_http_last_elapsed_ms')!.get();
  const byPath = Object.fromEntries(gauge.values.map((v) => [String(v.labels.path), v.value]));
  expect(byPath['/api/health']).toBe(items[20].elapsedTime);
  expect(byPath['/status/500']).toBe(items[9].elapsedTime);
});

test('plugin helpers: generic nodes, nested helper names, the result and error ports, plugin-declared nodes', async () => {
  await host.close();
  host = flowHost({
    helperResult: (name, args) => {
      if (name === 'vendor.webhook' && String(args[1]).includes('fail')) throw new Error('HTTP 503 from the receiver');
      return name === 'vendor.webhook' ? `answer to ${String(args[1])}` : name === 'vendor.kinesis.put' ? 'seq-1' : true;
    },
  });
  const graph = graphOf(
    catalog,
    'Helpers',
    [
      ['t', 'trigger.onItemCaptured'],
      ['teapot', 'logic.filterField', { path: 'response.status', operator: '==', value: 418 }],
      ['hook', 'action.vendor.webhook', { method: 'GET', url: 'http://127.0.0.1:9{{data.request.path}}', body: '' }],
      ['answer', 'action.console.log', { message: 'webhook said: {{data}}' }],
      ['stream', 'plugin.kinesis.put', { stream: 'items', keyId: '{{env.HOOK_URL}}', secret: '{{env.SLACK_URL}}' }],
      ['sequence', 'action.console.log', { message: 'kinesis sequence {{data}}' }],
      ['slack', 'plugin.slack.webhook', { webhookUrl: '{{env.SLACK_URL}}', text: 'teapot at {{data.request.path}}' }],
      ['failing', 'plugin.webhook.request', { url: 'http://127.0.0.1:9/fail', body: { path: '{{data.request.path}}' } }],
      ['failed', 'action.console.log', { message: '{{data.helper}} failed: {{data.error}} (input {{data.input.id}})' }],
      ['not-reached', 'action.console.log', { message: 'the failed call has no result' }],
    ],
    ['t:out->teapot', 'teapot:out->hook', 'hook:result->answer', 'hook:out->stream', 'stream:out->sequence', 'hook:out->slack', 'teapot:out->failing', 'failing:error->failed', 'failing:out->not-reached'],
  );
  await loadFlow(host, graph, catalog);
  await deliver(host, items);
  const teapot = items.find((i) => i.response.status === 418)!;
  expect(host.helperCalls).toEqual([
    { name: 'vendor.webhook', args: ['GET', 'http://127.0.0.1:9/status/418', ''] },
    // The plugin's payload defaults to the input (the item); region has the node's default.
    { name: 'vendor.kinesis.put', args: ['items', JSON.parse(JSON.stringify(teapot)), 'us-east-1', 'http://127.0.0.1:9/hook', 'http://127.0.0.1:9/slack'] },
    // An unset pretext the helper requires is an empty text; color has the node's default.
    { name: 'vendor.slack', args: ['http://127.0.0.1:9/slack', '', 'teapot at /status/418', '#ff0000'] },
    { name: 'vendor.webhook', args: ['POST', 'http://127.0.0.1:9/fail', { path: '/status/418' }] },
  ]);
  expect(host.console()).toEqual([
    'webhook said: answer to http://127.0.0.1:9/status/418',
    'kinesis sequence seq-1',
    'vendor.webhook failed: vendor.webhook: HTTP 503 from the receiver (input worker-1/16-2)',
  ]);
});
