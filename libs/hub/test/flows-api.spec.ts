import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { sharedPcap } from '@wirehook/testing';
import { ApiClient, createTestPlace, startTestHub, type AgentBody, type TestHub, type TestPlace } from './test-hub';

/** hook trigger → filter status >= 500 → console.log, as the dashboard's editor saves it. */
function errorFlow(title: string, extra: { path?: string } = {}) {
  return {
    title,
    nodes: [
      { id: 'trigger', type: 'trigger.onItemCaptured', version: 1, position: { x: 0, y: 0 }, data: {} },
      { id: 'errors', type: 'logic.filterField', version: 1, position: { x: 250, y: 0 }, data: { path: extra.path ?? 'response.status', operator: '>=', value: 500 } },
      { id: 'log', type: 'action.console.log', version: 1, position: { x: 500, y: 0 }, data: { message: '5xx {{data.request.method}} {{data.request.path}} {{data.response.status}}', level: 'log' } },
    ],
    edges: [
      { id: 'e1', source: 'trigger', sourceHandle: 'out', target: 'errors', targetHandle: 'in' },
      { id: 'e2', source: 'errors', sourceHandle: 'out', target: 'log', targetHandle: 'in' },
    ],
  };
}

interface FlowBody {
  id: string;
  name: string;
  revision: number;
  agentId: string;
  agent?: { id: string; active: boolean; running: boolean; title: string };
  graph: { title: string };
  source?: string;
}

interface DryRunBodyView {
  loaded: boolean;
  items: number;
  calls: Array<{ seq: number; helper: string; args: unknown[]; context: { hook: string; item?: string } }>;
  itemSummaries: Record<string, string>;
  logs: Array<{ message: string }>;
}

/** Flows API (save/compile/lock/export/import), dry runs against a capture, and the dashboard at `/`. */
describe('hub flows API and dry run', () => {
  let place: TestPlace;
  let hub: TestHub;
  let editor: ApiClient;
  let viewer: ApiClient;
  let capturesDir: string;
  let dashboardDir: string;

  beforeAll(async () => {
    place = await createTestPlace();
    capturesDir = mkdtempSync(join(tmpdir(), 'wirehook-captures-'));
    copyFileSync(sharedPcap('http-mixed.pcap'), join(capturesDir, 'http-mixed.pcap'));
    writeFileSync(join(capturesDir, 'notes.txt'), 'not a capture');
    dashboardDir = mkdtempSync(join(tmpdir(), 'wirehook-dashboard-'));
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>Wirehook</title><div id="root"></div>');
    mkdirSync(join(dashboardDir, 'assets'));
    writeFileSync(join(dashboardDir, 'assets', 'app-1234.js'), 'console.log("app")');
    hub = await startTestHub(place, { config: { hub: { capturesDir }, scripting: { env: { HOOK_URL: 'https://secret.example/hook' } } }, hub: { dashboardDir } });
    const admin = new ApiClient(hub.url, hub.adminToken);
    editor = admin.withToken((await admin.post<{ secret: string }>('/api/tokens', { name: 'flow-editor', role: 'editor' })).body.secret);
    viewer = admin.withToken((await admin.post<{ secret: string }>('/api/tokens', { name: 'flow-viewer', role: 'viewer' })).body.secret);
  });

  afterAll(async () => {
    await hub?.close();
    await place?.remove();
    rmSync(capturesDir, { recursive: true, force: true });
    rmSync(dashboardDir, { recursive: true, force: true });
  });

  it('saves a flow as graph plus generated agent, refuses a stale save with 409, and deletes both', async () => {
    const created = await editor.post<FlowBody>('/api/flows', { graph: errorFlow('Errors to console') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Errors to console', agent: { title: 'Errors to console', active: true, running: true } });
    const flow = created.body;
    // Flow and agent are created together: the first revision of each is 1.
    expect(flow.revision).toBe(1);
    expect(flow.source).toContain(`// flow: ${flow.id}`);
    expect(flow.source).toContain(`// revision: 1`);
    const agent = await viewer.get<AgentBody>(`/api/agents/${flow.agentId}`);
    expect(agent.body).toMatchObject({ origin: 'flow', active: true, source: flow.source });

    const changed = errorFlow('Errors to console');
    changed.nodes[2].data.message = 'server error {{data.response.status}}';
    const saved = await editor.put<FlowBody>(`/api/flows/${flow.id}`, { graph: changed, baseRevision: flow.revision });
    expect(saved.status).toBe(200);
    expect(saved.body.revision).toBe(flow.revision + 1);
    expect(saved.body.source).toContain('server error');

    const stale = await editor.put<{ currentRevision: number; message: string }>(`/api/flows/${flow.id}`, { graph: changed, baseRevision: flow.revision });
    expect(stale.status).toBe(409);
    expect(stale.body.currentRevision).toBe(saved.body.revision);

    expect((await viewer.put(`/api/flows/${flow.id}`, { graph: changed, baseRevision: saved.body.revision })).status).toBe(403);
    const off = await editor.post<FlowBody>(`/api/flows/${flow.id}/deactivate`, {});
    expect(off.body.agent).toMatchObject({ active: false, running: false });

    const listed = await viewer.get<FlowBody[]>('/api/flows');
    expect(listed.body.map((f) => f.name)).toContain('Errors to console');
    expect((await editor.delete(`/api/flows/${flow.id}?baseRevision=${saved.body.revision}`)).status).toBe(204);
    expect((await viewer.get(`/api/agents/${flow.agentId}`)).status).toBe(404);
  });

  it('refuses a flow whose agent title is taken with 409, leaving no flow behind', async () => {
    expect((await editor.post('/api/agents', { source: '// Taken by an agent\nfunction onItemCaptured(item) {}\n' })).status).toBe(201);
    const refused = await editor.post<{ message: string }>('/api/flows', { graph: errorFlow('Taken by an agent') });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('Taken by an agent');
    const flows = await viewer.get<Array<{ name: string }>>('/api/flows');
    expect(flows.body.map((f) => f.name)).not.toContain('Taken by an agent');
  });

  it('refuses a flow with errors with 422 and issues that name the node', async () => {
    const response = await editor.post<{ issues: Array<{ nodeId?: string; code: string; message: string }> }>('/api/flows', {
      graph: errorFlow('Broken flow', { path: '' }),
    });
    expect(response.status).toBe(422);
    expect(response.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'errors', code: 'missing-parameter' })]));
    expect((await viewer.get<FlowBody[]>('/api/flows')).body.map((f) => f.name)).not.toContain('Broken flow');
  });

  it('exports a flow as a document and imports it, naming plugins that are missing', async () => {
    const created = await editor.post<FlowBody>('/api/flows', { graph: errorFlow('Exported flow') });
    const exported = await viewer.get<string>(`/api/flows/${created.body.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('Exported-flow.flow.json');
    const document = typeof exported.body === 'string' ? JSON.parse(exported.body) : exported.body;
    expect(document).toMatchObject({ format: 'wirehook-flow', requires: {}, graph: { title: 'Exported flow' } });

    const preview = await viewer.post<{ missing: unknown[] }>('/api/flows/import/preview', { document: { ...document, requires: { '@wirehook/plugin-webhook': '^1.0.0' } } });
    expect(preview.status).toBe(200);
    expect(preview.body.missing).toEqual([{ name: '@wirehook/plugin-webhook', range: '^1.0.0', problem: 'not-installed' }]);
    const refused = await editor.post<{ missing: unknown[] }>('/api/flows/import', { document: { ...document, requires: { '@wirehook/plugin-webhook': '^1.0.0' } } });
    expect(refused.status).toBe(422);
    expect(refused.body.missing).toHaveLength(1);

    document.graph.title = 'Imported flow';
    const imported = await editor.post<FlowBody>('/api/flows/import', { document: JSON.stringify(document) });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ name: 'Imported flow', agent: { active: false } });
    expect((await editor.post('/api/flows/import/preview', { document: '{"format":"something-else"}' })).status).toBe(422);
  });

  it('dry-runs an unsaved flow against a capture: every call in order, tied to its item', async () => {
    const captures = await viewer.get<Array<{ name: string }>>('/api/dry-run/captures');
    expect(captures.body.map((c) => c.name)).toEqual(['http-mixed.pcap']);

    const run = await editor.post<DryRunBodyView>('/api/dry-run', { capture: 'http-mixed.pcap', graph: errorFlow('Dry flow') });
    expect(run.status).toBe(200);
    expect(run.body.loaded).toBe(true);
    // What the dissectors make of the capture, to compare with.
    const items: Item[] = [];
    await replayCaptureToItems(join(capturesDir, 'http-mixed.pcap'), { onItem: (item) => items.push(item) });
    const serverErrors = items.filter((i) => ((i.response ?? {}) as { status?: number }).status !== undefined && ((i.response ?? {}) as { status: number }).status >= 500);
    expect(serverErrors.length).toBeGreaterThan(0);
    expect(run.body.items).toBe(items.length);
    expect(run.body.calls).toHaveLength(serverErrors.length);
    const [call] = run.body.calls;
    expect(call).toMatchObject({ helper: 'console.log', context: { hook: 'onItemCaptured' } });
    expect(call.args).toEqual([expect.stringMatching(/^5xx GET \S+ 500$/)]);
    expect(run.body.itemSummaries[call.context.item as string]).toMatch(/→ 500$/);
  });

  it('dry-runs an agent source: console, vendor, hub.action and metric calls in program order, env values hidden', async () => {
    const source = [
      '// Recorder check',
      "console.log('loaded');",
      'function onItemCaptured(data) {',
      '  if (data.response && data.response.status === 404) {',
      "    vendor.webhook('POST', env.HOOK_URL, { path: data.request.path });",
      "    hub.action('not-found', { path: data.request.path });",
      "    prometheus.metric('not_found_total', 'missing pages', 1, 1);",
      "    console.log('after', data.response.status);",
      '  }',
      '}',
    ].join('\n');
    const run = await editor.post<DryRunBodyView>('/api/dry-run', { capture: 'http-mixed.pcap', source });
    expect(run.status).toBe(200);
    const helpers = run.body.calls.map((c) => c.helper);
    expect(helpers[0]).toBe('console.log');
    expect(run.body.calls[0].context.hook).toBe('load');
    const perItem = helpers.slice(1);
    expect(perItem.length).toBeGreaterThan(0);
    expect(perItem.length % 4).toBe(0);
    for (let i = 0; i < perItem.length; i += 4) {
      expect(perItem.slice(i, i + 4)).toEqual(['vendor.webhook', 'hub.action', 'prometheus.metric', 'console.log']);
    }
    expect(run.body.calls[1].args).toEqual(['POST', '<env.HOOK_URL>', { path: expect.any(String) }]);
    expect(JSON.stringify(run.body)).not.toContain('secret.example');
    const seqs = run.body.calls.map((c) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('refuses a dry run of an unknown capture or with two targets', async () => {
    expect((await editor.post('/api/dry-run', { capture: 'nope.pcap', source: '// x\n' })).status).toBe(404);
    expect((await editor.post('/api/dry-run', { capture: '../secret.pcap', source: '// x\n' })).status).toBe(400);
    expect((await editor.post('/api/dry-run', { capture: 'http-mixed.pcap', source: '// x\n', graph: errorFlow('x') })).status).toBe(400);
  });

  it('serves the dashboard at / with a single-page fallback, leaving /api and /metrics to the hub', async () => {
    const page = await fetch(`${hub.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const deep = await fetch(`${hub.url}/flows/1234`);
    expect(deep.headers.get('content-type')).toContain('text/html');
    const asset = await fetch(`${hub.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${hub.url}/assets/missing.js`)).status).toBe(404);
    const api = await fetch(`${hub.url}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('json');
    expect((await fetch(`${hub.url}/metrics`)).headers.get('content-type')).toContain('text/plain');
    const traversal = await fetch(`${hub.url}/..%2f..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
    expect(await traversal.text()).not.toContain('"devDependencies"');
  });
});
