import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFlow, createCatalog } from '@wirehook/flow';
import { checkEs5, validateKfl } from '@wirehook/runtime';
import { repoRoot } from '@wirehook/testing';
import { pluginsForCatalog } from './plugins';
import { createFlowStore, recordUndoPoint } from './store';

/** The real webhook plugin's manifest, as GET /api/plugins would list it. */
function webhookPlugin() {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'plugins', 'webhook', 'package.json'), 'utf8'));
  return { name: pkg.name, version: pkg.version, enabled: true, manifest: pkg.wirehook };
}

describe('flow editor store', () => {
  const catalog = createCatalog({ plugins: pluginsForCatalog([webhookPlugin(), { name: 'broken', version: '1.0.0' }]) });
  const fresh = () => createFlowStore(catalog, { title: 'Errors to webhook', nodes: [], edges: [] });

  function buildErrorFlow() {
    const store = fresh();
    const s = () => store.getState();
    const trigger = s().addNode('trigger.onItemCaptured', { x: 0, y: 0 });
    const filter = s().addNode('logic.filterField', { x: 250, y: 0 });
    const log = s().addNode('action.console.log', { x: 500, y: 0 });
    const hook = s().addNode('action.vendor.webhook', { x: 500, y: 150 });
    expect(s().connect({ source: trigger, sourceHandle: 'out', target: filter, targetHandle: 'in' })).toBe(true);
    expect(s().connect({ source: filter, sourceHandle: 'out', target: log, targetHandle: 'in' })).toBe(true);
    expect(s().connect({ source: filter, sourceHandle: 'out', target: hook, targetHandle: 'in' })).toBe(true);
    s().setParam(filter, 'path', 'response.status');
    s().setParam(filter, 'operator', '>=');
    s().setParam(filter, 'value', 500);
    s().setParam(log, 'message', '5xx {{data.request.path}}');
    s().setParam(hook, 'method', 'POST');
    s().setParam(hook, 'url', '{{env.WEBHOOK_URL}}');
    s().setParam(hook, 'body', { path: '{{data.request.path}}' });
    return { store, ids: { trigger, filter, log, hook } };
  }

  it('builds a flow from palette types (plugin helpers included) that compiles to ES5', () => {
    const { store, ids } = buildErrorFlow();
    expect(ids).toEqual({ trigger: 'onItemCaptured1', filter: 'filterField1', log: 'log1', hook: 'webhook1' });
    expect(store.getState().issues.filter((i) => i.severity === 'error')).toEqual([]);
    const compiled = compileFlow(store.getState().graph(), catalog, { flowId: 'f', revision: 1, validateFilter: validateKfl });
    expect(checkEs5(compiled.source, 'flow.js')).toEqual([]);
    expect(compiled.source).toContain('vendor.webhook(');
    expect(compiled.requires).toEqual({ '@wirehook/plugin-webhook': '^1.0.0' });
  });

  it('refuses a cycle and a wrong port type with the reason, and adds no edge', () => {
    const { store, ids } = buildErrorFlow();
    const s = () => store.getState();
    const edges = s().edges.length;
    expect(s().isValidConnection({ source: ids.log, sourceHandle: 'out', target: ids.filter, targetHandle: 'in' })).toBe(false);
    expect(s().refused).toMatch(/cycle/);
    const schedule = s().addNode('trigger.schedule', { x: 0, y: 300 });
    const kfl = s().addNode('logic.filterKfl', { x: 250, y: 300 });
    expect(s().connect({ source: schedule, sourceHandle: 'out', target: kfl, targetHandle: 'in' })).toBe(false);
    expect(s().refused).toMatch(/tick/);
    expect(s().edges).toHaveLength(edges);
    expect(s().isValidConnection({ source: ids.trigger, sourceHandle: 'out', target: kfl, targetHandle: 'in' })).toBe(true);
    expect(s().refused).toBeUndefined();
  });

  it('shows issues on the node that has them, and clears them when fixed', () => {
    const store = fresh();
    const s = () => store.getState();
    const filter = s().addNode('logic.filterField', { x: 0, y: 0 });
    expect(s().issuesByNode[filter].map((i) => i.code)).toEqual(expect.arrayContaining(['missing-parameter', 'unconnected-port']));
    const trigger = s().addNode('trigger.onItemCaptured', { x: 0, y: 0 });
    s().connect({ source: trigger, sourceHandle: 'out', target: filter, targetHandle: 'in' });
    s().setParam(filter, 'path', 'response.status');
    expect((s().issuesByNode[filter] ?? []).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('undoes and redoes adds, connections, parameter edits, deletes and moves', () => {
    const { store, ids } = buildErrorFlow();
    const s = () => store.getState();
    s().setParam(ids.filter, 'value', 5);
    s().setParam(ids.filter, 'value', 50);
    s().undo();
    // The typing in "value" after the last other change is one step.
    expect(s().nodes.find((n) => n.id === ids.filter)!.data.params.value).toBe(500);
    s().redo();
    expect(s().nodes.find((n) => n.id === ids.filter)!.data.params.value).toBe(50);

    s().select(ids.hook);
    s().deleteSelected();
    expect(s().nodes.map((n) => n.id)).not.toContain(ids.hook);
    expect(s().edges.some((e) => e.target === ids.hook)).toBe(false);
    s().undo();
    expect(s().nodes.map((n) => n.id)).toContain(ids.hook);
    expect(s().edges.some((e) => e.target === ids.hook)).toBe(true);

    recordUndoPoint(store);
    s().onNodesChange([{ type: 'position', id: ids.log, position: { x: 900, y: 900 }, dragging: false }]);
    expect(s().nodes.find((n) => n.id === ids.log)!.position).toEqual({ x: 900, y: 900 });
    s().undo();
    expect(s().nodes.find((n) => n.id === ids.log)!.position).toEqual({ x: 500, y: 0 });
  });

  it('copies, pastes beside the original, and lays out', () => {
    const { store, ids } = buildErrorFlow();
    const s = () => store.getState();
    store.setState({ nodes: s().nodes.map((n) => ({ ...n, selected: n.id === ids.filter || n.id === ids.log })) });
    s().copy();
    s().paste();
    s().paste();
    expect(s().nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['filterField2', 'log2', 'filterField3', 'log3']));
    expect(s().edges.map((e) => e.id)).toEqual(expect.arrayContaining(['filterField2.out->log2.in', 'filterField3.out->log3.in']));
    const second = s().nodes.find((n) => n.id === 'filterField3')!.position;
    expect(second).toEqual({ x: 250 + 80, y: 80 });
    s().layout();
    const x = (id: string) => s().nodes.find((n) => n.id === id)!.position.x;
    expect(x(ids.trigger)).toBeLessThan(x(ids.filter));
    expect(x(ids.filter)).toBeLessThan(x(ids.log));
  });

  it('loads a stored graph and knows when it has unsaved changes', () => {
    const { store } = buildErrorFlow();
    const graph = store.getState().graph();
    const other = fresh();
    other.getState().load(graph);
    expect(other.getState().dirty).toBe(false);
    expect(other.getState().graph()).toEqual(graph);
    other.getState().setTitle('Renamed');
    expect(other.getState().dirty).toBe(true);
    other.getState().markSaved();
    expect(other.getState().dirty).toBe(false);
  });
});
