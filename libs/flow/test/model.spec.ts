import {
  createCatalog,
  FLOW_FORMAT_VERSION,
  FlowFormatError,
  flowFromJson,
  flowToJson,
  missingPlugins,
  readFlowGraph,
  type FlowGraph,
  type NodeDefinition,
} from '../src';
import { graphOf, testCatalog } from './support';

const catalog = testCatalog();

function sample(): FlowGraph {
  return graphOf(
    catalog,
    '5xx to Slack',
    [
      ['t', 'trigger.onItemCaptured'],
      ['f', 'logic.filterField', { path: 'response.status', operator: '>=', value: 500 }],
      ['s', 'plugin.slack.webhook', { webhookUrl: '{{env.SLACK_URL}}', text: '{{data.request.path}}' }],
      ['k', 'action.vendor.kinesis.put', { stream: 's', payload: '{{data}}', region: 'eu', keyId: '{{env.A}}', secret: '{{env.B}}' }],
    ],
    ['t:out->f', 'f:out->s', 'f:out->k'],
  );
}

test('flowToJson: stable key order, sorted nodes and edges, the plugins it needs', () => {
  const graph = sample();
  const text = flowToJson(graph, { catalog });
  expect(text.endsWith('}\n')).toBe(true);
  const doc = JSON.parse(text);
  expect(Object.keys(doc)).toEqual(['format', 'formatVersion', 'requires', 'graph']);
  expect(doc.format).toBe('wirehook-flow');
  expect(doc.formatVersion).toBe(FLOW_FORMAT_VERSION);
  expect(doc.requires).toEqual({ '@wirehook/plugin-kinesis': '^1.0.0', '@wirehook/plugin-slack': '^1.0.0' });
  expect(Object.keys(doc.graph)).toEqual(['title', 'nodes', 'edges']);
  expect(doc.graph.nodes.map((n: { id: string }) => n.id)).toEqual(['f', 'k', 's', 't']);
  expect(Object.keys(doc.graph.nodes[0])).toEqual(['id', 'type', 'version', 'position', 'data']);
  expect(Object.keys(doc.graph.nodes[0].data)).toEqual(['operator', 'path', 'value']);
  expect(Object.keys(doc.graph.edges[0])).toEqual(['id', 'source', 'sourceHandle', 'target', 'targetHandle']);
  // One property per line: a parameter change is a one-line diff.
  const changed = sample();
  changed.nodes[1].data.value = 503;
  const before = text.split('\n');
  const after = flowToJson(changed, { catalog }).split('\n');
  expect(after.length).toBe(before.length);
  expect(after.filter((line, i) => line !== before[i])).toEqual(['          "value": 503']);
  // Array order and key order of the input do not matter.
  const reordered: FlowGraph = { ...graph, nodes: [...graph.nodes].reverse(), edges: [...graph.edges].reverse() };
  expect(flowToJson(reordered, { catalog })).toBe(text);
});

test('flowFromJson reads what flowToJson wrote (and a bare graph), dropping editor-only fields', () => {
  const graph = sample();
  const imported = flowFromJson(flowToJson(graph, { catalog }), { catalog });
  expect(imported.requires).toEqual({ '@wirehook/plugin-kinesis': '^1.0.0', '@wirehook/plugin-slack': '^1.0.0' });
  expect(imported.migrated).toEqual([]);
  expect(imported.issues).toEqual([]);
  expect(flowToJson(imported.graph, { catalog })).toBe(flowToJson(graph, { catalog }));
  const reactFlow = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, selected: true, measured: { width: 10, height: 5 }, dragging: false })) };
  const bare = flowFromJson(reactFlow);
  expect(bare.graph.nodes[0]).toEqual(graph.nodes[0]);
  expect(bare.requires).toEqual({});
});

test('flowFromJson refuses what is not a flow, with the path and node id', () => {
  const issuesOf = (input: unknown) => {
    try {
      flowFromJson(input);
    } catch (error) {
      if (error instanceof FlowFormatError) return error.issues.map((i) => i.message);
      throw error;
    }
    return [];
  };
  expect(issuesOf('{ nope')[0]).toMatch(/^not JSON: /);
  expect(issuesOf('[]')).toEqual(['a flow document is a JSON object']);
  expect(issuesOf({ format: 'other' })).toEqual(['format must be "wirehook-flow", not "other"']);
  expect(issuesOf({ format: 'wirehook-flow', formatVersion: 99, graph: {} })).toEqual(['the flow was written in format version 99; this Wirehook reads up to 1']);
  expect(issuesOf({ format: 'wirehook-flow', formatVersion: 1, requires: { a: 'not a range' }, graph: {} })).toEqual(['requires.a: "not a range" is not a version range']);
  expect(
    issuesOf({
      format: 'wirehook-flow',
      formatVersion: 1,
      graph: {
        title: 'x',
        nodes: [
          { id: 'a', type: 'trigger.onItemCaptured', version: 1, position: { x: 0, y: 'top' }, data: {} },
          { id: 'b', type: '', version: 0, position: { x: 0, y: 0 }, data: [] },
          { id: 'a', type: 'logic.snippet', version: 1, position: { x: 0, y: 0 } },
          'c',
        ],
        edges: [{ id: 'e1', source: 'a', sourceHandle: null, target: 'b', targetHandle: 'in' }],
      },
    }),
  ).toEqual([
    'graph.nodes[0] (node "a"): position must be {x, y} with finite numbers',
    'graph.nodes[1] (node "b"): type must be a non-empty string',
    'graph.nodes[1] (node "b"): version must be a whole number >= 1',
    'graph.nodes[1] (node "b"): data must be an object of parameters',
    'graph.nodes[3] must be an object',
    'graph.edges[0].sourceHandle: source port (sourceHandle) must be a non-empty string',
  ]);
  const read = readFlowGraph({ title: 't', nodes: [{ id: 'a', type: 'x', version: 1, position: { x: 0, y: 0 } }, { id: 'a', type: 'y', version: 1, position: { x: 0, y: 0 } }], edges: [] });
  expect(read.graph).toBeUndefined();
  expect(read.issues.map((i) => [i.code, i.nodeId, i.message])).toEqual([['duplicate-id', 'a', 'two nodes have the id "a"']]);
});

test('migrations: document format steps and per-node migrate up to the type version; newer nodes are reported', () => {
  const v2Filter: NodeDefinition = {
    ...catalog.get('logic.filterField')!,
    type: 'test.filter',
    version: 2,
    // v1 had {field, op}; v2 names them {path, operator}.
    migrate: (data, from) => (from === 1 ? { path: data.field ?? '', operator: data.op ?? '==', value: data.value ?? null } : data),
  };
  const migratingCatalog = createCatalog({ extra: [v2Filter] });
  const document = {
    format: 'wirehook-flow',
    formatVersion: 1,
    requires: {},
    graph: {
      title: 'old',
      nodes: [
        { id: 'old', type: 'test.filter', version: 1, position: { x: 0, y: 0 }, data: { field: 'response.status', op: '>', value: 499 } },
        { id: 'new', type: 'test.filter', version: 3, position: { x: 0, y: 0 }, data: {} },
      ],
      edges: [],
    },
  };
  const imported = flowFromJson(JSON.stringify(document), { catalog: migratingCatalog });
  expect(imported.graph.nodes[0]).toEqual({ id: 'old', type: 'test.filter', version: 2, position: { x: 0, y: 0 }, data: { path: 'response.status', operator: '>', value: 499 } });
  expect(imported.migrated).toEqual(['node "old" (test.filter) v1 → v2']);
  expect(imported.issues.map((i) => [i.code, i.nodeId])).toEqual([['newer-node-version', 'new']]);

  // A document format migration hook: a step per version, run in order up to the current one.
  expect(() => flowFromJson({ format: 'wirehook-flow', formatVersion: 0, graph: { name: 'x', nodes: [], edges: [] } })).toThrow('no migration from format version 0');
  const fromZero = flowFromJson(
    { format: 'wirehook-flow', formatVersion: 0, graph: { name: 'legacy title', nodes: [], edges: [] } },
    { migrations: { 0: (doc) => ({ ...doc, formatVersion: 1, graph: { title: (doc.graph as { name: string }).name, nodes: [], edges: [] } }) } },
  );
  expect(fromZero.graph.title).toBe('legacy title');
  expect(fromZero.migrated).toEqual(['format 0 → 1']);
});

test('missingPlugins: what an import needs that is not installed or is out of range', () => {
  const requires = { '@wirehook/plugin-slack': '^2.0.1', '@wirehook/plugin-kinesis': '^0.3.0', '@wirehook/plugin-webhook': '^1.2.0' };
  expect(
    missingPlugins(requires, [
      { name: '@wirehook/plugin-slack', version: '2.4.0' },
      { name: '@wirehook/plugin-kinesis', version: '0.4.1' },
    ]),
  ).toEqual([
    { name: '@wirehook/plugin-kinesis', range: '^0.3.0', installed: '0.4.1', problem: 'incompatible-version' },
    { name: '@wirehook/plugin-webhook', range: '^1.2.0', problem: 'not-installed' },
  ]);
  expect(missingPlugins({}, [])).toEqual([]);
});
