import { randomUUID } from 'node:crypto';
import { Subjects, type ScriptsChangedMessage } from '@wirehook/contracts';
import { eventually } from '@wirehook/testing';
import { ApiClient, createTestPlace, startTestHub, type AgentBody, type TestHub, type TestPlace } from './test-hub';

const COUNTER = '// Counter\nvar n = 0;\nfunction onItemCaptured(data) { n++; }\n';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
  currentRevision?: number;
  diagnostics?: Array<{ line: number; column: number; message: string }>;
  field?: string;
}

/** The REST API through real HTTP against a hub on a temporary PostgreSQL database. */
describe('hub REST API: agents, revisions, validation, examples, settings, tokens', () => {
  let place: TestPlace;
  let hub: TestHub;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let viewer: ApiClient;
  let editor: ApiClient;
  const announcements: ScriptsChangedMessage[] = [];

  beforeAll(async () => {
    place = await createTestPlace();
    hub = await startTestHub(place, { config: { scripting: { env: { SLACK_WEBHOOK: 'https://hooks.example/very-secret', MODE: 'test' } } } });
    hub.bus.subscribe<ScriptsChangedMessage>(Subjects.scriptsChanged, (m) => void announcements.push(m));
    anonymous = new ApiClient(hub.url);
    admin = anonymous.withToken(hub.adminToken);
    const made = async (name: string, role: string): Promise<ApiClient> => {
      const created = await admin.post<{ secret: string }>('/api/tokens', { name, role });
      expect(created.status).toBe(201);
      return anonymous.withToken(created.body.secret);
    };
    viewer = await made('viewer', 'viewer');
    editor = await made('editor', 'editor');
  });

  afterAll(async () => {
    await hub?.close();
    await place?.remove();
  });

  const lastAnnouncedTitles = (): string[] => (announcements.at(-1)?.agents ?? []).map((a) => a.title);

  it('serves health and metrics without a token, and the OpenAPI document at /api/docs and /api/docs-json', async () => {
    const health = await anonymous.get<{ status: string; bus: string }>('/api/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', bus: 'in-process' } });
    const metrics = await anonymous.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');

    const doc = await anonymous.get<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: object } }>(
      '/api/docs-json',
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/agents',
      '/api/agents/{id}',
      '/api/agents/{id}/activate',
      '/api/agents/{id}/revisions/diff',
      '/api/agents/{id}/revisions/{revision}/rollback',
      '/api/agents/validate',
      '/api/examples/{name}/agents',
      '/api/logs',
      '/api/jobs/{node}',
      '/api/jobs/{node}/scheduler/{action}',
      '/api/workers',
      '/api/settings/env',
      '/api/tokens',
    ]) {
      expect({ path, documented: path in doc.body.paths }).toEqual({ path, documented: true });
    }
    expect(Object.keys(doc.body.paths['/api/agents/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.body.components.securitySchemes).toHaveProperty('bearer');
    const ui = await anonymous.get<string>('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('answers 401 without a token or with a bad or revoked one, and 403 when the role is too weak', async () => {
    const none = await anonymous.get<ErrorBody>('/api/agents');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await anonymous.withToken(`whk_${'A'.repeat(43)}`).get('/api/agents')).status).toBe(401);
    expect((await anonymous.get('/api/agents', { Authorization: 'Basic YWRtaW46YWRtaW4=' })).status).toBe(401);
    expect((await anonymous.get('/api/workers')).status).toBe(401);
    expect((await anonymous.get('/api/settings/env')).status).toBe(401);

    expect((await viewer.get('/api/agents')).status).toBe(200);
    const weak = await viewer.post<ErrorBody>('/api/agents', { source: COUNTER });
    expect(weak.status).toBe(403);
    expect(weak.body.message).toContain('editor');
    expect((await viewer.post('/api/agents/validate', { source: COUNTER })).status).toBe(200);
    expect((await editor.get('/api/tokens')).status).toBe(403);
    expect((await editor.post('/api/tokens', { name: 'x', role: 'admin' })).status).toBe(403);

    const temporary = await admin.post<{ token: { id: string }; secret: string }>('/api/tokens', { name: 'short-lived', role: 'editor' });
    const client = anonymous.withToken(temporary.body.secret);
    expect((await client.get('/api/agents')).status).toBe(200);
    expect((await admin.delete(`/api/tokens/${temporary.body.token.id}`)).status).toBe(204);
    expect((await client.get('/api/agents')).status).toBe(401);
  });

  it('creates, reads, updates and deletes an agent, announcing every change to the nodes', async () => {
    const created = await editor.post<AgentBody>('/api/agents', { source: COUNTER });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Counter', revision: 1, active: true, running: true, origin: 'code', source: COUNTER });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/api/agents/${created.body.id}`);
    const id = created.body.id;
    await eventually(() => expect(lastAnnouncedTitles()).toContain('Counter'));

    // The hub's own runtime loads it: its counters show in the agent's stats.
    const loaded = await eventually(async () => {
      const got = await viewer.get<AgentBody>(`/api/agents/${id}`);
      expect(got.body.stats.hub).toMatchObject({ state: 'loaded', title: 'Counter' });
      return got;
    });
    expect(loaded.headers.get('etag')).toBe('"1"');
    const listed = await viewer.get<AgentBody[]>('/api/agents');
    const summary = listed.body.find((a) => a.id === id);
    expect(summary).toMatchObject({ title: 'Counter', active: true, running: true, revision: 1 });
    expect(summary).not.toHaveProperty('source');

    const v2 = COUNTER.replace('n++', 'n += 2');
    const updated = await editor.put<AgentBody>(`/api/agents/${id}`, { baseRevision: 1, source: v2 });
    expect(updated).toMatchObject({ status: 200, body: { revision: 2, source: v2 } });
    const renamed = await editor.put<AgentBody>(`/api/agents/${id}`, { title: 'Counter 2' }, { 'If-Match': '"2"' });
    expect(renamed).toMatchObject({ status: 200, body: { revision: 3, title: 'Counter 2' } });
    expect(renamed.headers.get('etag')).toBe('"3"');
    await eventually(() => expect(lastAnnouncedTitles()).toContain('Counter 2'));

    const stale = await editor.put<ErrorBody>(`/api/agents/${id}`, { baseRevision: 1, source: COUNTER });
    expect(stale.status).toBe(409);
    expect(stale.body.currentRevision).toBe(3);
    expect(stale.headers.get('etag')).toBe('"3"');

    const unconditional = await editor.put<ErrorBody>(`/api/agents/${id}`, { source: COUNTER });
    expect(unconditional.status).toBe(428);
    expect(unconditional.body.field).toBe('baseRevision');
    expect((await editor.put(`/api/agents/${id}`, { baseRevision: 3, source: COUNTER }, { 'If-Match': '"2"' })).status).toBe(400);
    expect((await editor.put(`/api/agents/${id}`, { source: COUNTER }, { 'If-Match': 'three' })).status).toBe(400);

    const same = await editor.put<AgentBody>(`/api/agents/${id}`, { baseRevision: 3, source: v2 });
    expect(same).toMatchObject({ status: 200, body: { revision: 3 } });

    expect((await editor.delete(`/api/agents/${id}`)).status).toBe(428);
    expect((await editor.delete<ErrorBody>(`/api/agents/${id}?baseRevision=2`)).body.currentRevision).toBe(3);
    expect((await editor.delete(`/api/agents/${id}`, undefined, { 'If-Match': '"3"' })).status).toBe(204);
    expect((await viewer.get(`/api/agents/${id}`)).status).toBe(404);
    await eventually(() => expect(lastAnnouncedTitles()).not.toContain('Counter 2'));
    await eventually(async () => expect((await viewer.get<AgentBody[]>('/api/agents')).body.map((a) => a.id)).not.toContain(id));
  });

  it('validates request bodies and answers 400 naming the field', async () => {
    const wrongType = await editor.post<ErrorBody>('/api/agents', { source: 5 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('source must be a string');
    const unknownField = await editor.post<ErrorBody>('/api/agents', { source: COUNTER, colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain('property colour should not exist');
    const notBoolean = await editor.post<ErrorBody>('/api/agents', { source: COUNTER, active: 'yes' });
    expect(notBoolean.body.message).toContain('active must be a boolean value');
    const untitled = await editor.post<ErrorBody>('/api/agents', { source: 'var x = 1;\n' });
    expect(untitled).toMatchObject({ status: 400, body: { field: 'title' } });
    const badBase = await editor.put<ErrorBody>(`/api/agents/${randomUUID()}`, { baseRevision: 0 });
    expect(badBase.status).toBe(400);
    expect(badBase.body.message).toContain('baseRevision must not be less than 1');
    const notJson = await editor.post<ErrorBody>('/api/agents', '{"source": ', { 'Content-Type': 'application/json' });
    expect(notJson.status).toBe(400);
  });

  it('refuses a source that is not ES5 with 422 giving line and column, on create and on update', async () => {
    const arrow = 'var ok = 1;\nvar twice = (x) => x * 2;\n';
    const refused = await editor.post<ErrorBody>('/api/agents', { title: 'Arrow', source: arrow });
    expect(refused.status).toBe(422);
    expect(refused.body.diagnostics).toEqual([{ line: 2, column: 13, message: expect.stringContaining('arrow functions are not ES5') }]);
    expect(refused.body.message).toContain('Arrow.js:2:13');
    expect((await viewer.get<AgentBody[]>('/api/agents')).body.map((a) => a.title)).not.toContain('Arrow');

    const created = await editor.post<AgentBody>('/api/agents', { title: 'Fine', source: 'var ok = 1;\n' });
    const letSource = 'var ok = 1;\nlet bad = 2;\n';
    const update = await editor.put<ErrorBody>(`/api/agents/${created.body.id}`, { baseRevision: 1, source: letSource });
    expect(update.status).toBe(422);
    expect(update.body.diagnostics?.[0]).toMatchObject({ line: 2, column: 1 });
    expect((await viewer.get<AgentBody>(`/api/agents/${created.body.id}`)).body).toMatchObject({ revision: 1, source: 'var ok = 1;\n' });

    const check = await viewer.post<{ valid: boolean; title: string; diagnostics: unknown[] }>('/api/agents/validate', { source: arrow, fileName: 'x.js' });
    expect(check.body).toEqual({ valid: false, title: 'x', diagnostics: [{ line: 2, column: 13, message: expect.stringContaining('x.js:2:13') }] });
    const good = await viewer.post('/api/agents/validate', { source: COUNTER });
    expect(good.body).toEqual({ valid: true, title: 'Counter', diagnostics: [] });
    expect((await viewer.post('/api/agents/validate', { source: COUNTER, fileName: '../x.js' })).status).toBe(400);
  });

  it('activates and deactivates with the base revision, and the hub runtime follows', async () => {
    const created = await editor.post<AgentBody>('/api/agents', { title: 'Switch', source: 'var on = true;\n', active: false });
    expect(created.body).toMatchObject({ active: false, running: false, revision: 1 });
    const id = created.body.id;
    expect(lastAnnouncedTitles()).not.toContain('Switch');

    const on = await editor.post<AgentBody>(`/api/agents/${id}/activate`, { baseRevision: 1 });
    expect(on).toMatchObject({ status: 200, body: { active: true, running: true, revision: 2 } });
    await eventually(async () => expect((await viewer.get<AgentBody>(`/api/agents/${id}`)).body.stats.hub?.state).toBe('loaded'));
    expect(lastAnnouncedTitles()).toContain('Switch');

    expect((await editor.post<ErrorBody>(`/api/agents/${id}/deactivate`, { baseRevision: 1 })).body).toMatchObject({ statusCode: 409, currentRevision: 2 });
    expect((await editor.post(`/api/agents/${id}/deactivate`, {})).status).toBe(428);
    const off = await editor.post<AgentBody>(`/api/agents/${id}/deactivate`, {}, { 'If-Match': '2' });
    expect(off).toMatchObject({ status: 200, body: { active: false, running: false, revision: 3 } });
    await eventually(async () => expect((await viewer.get<AgentBody>(`/api/agents/${id}`)).body.stats).toEqual({}));
    expect(lastAnnouncedTitles()).not.toContain('Switch');
  });

  it('lists revisions, gets one with its source, diffs two and rolls back as a new revision', async () => {
    const v1 = '// History\nvar version = 1;\n';
    const v2 = '// History\nvar version = 2;\n';
    const v3 = '// History\nvar version = 3;\nvar extra = true;\n';
    const { body: created } = await editor.post<AgentBody>('/api/agents', { source: v1, message: 'first' });
    const id = created.id;
    await editor.put(`/api/agents/${id}`, { baseRevision: 1, source: v2, message: 'second' });
    await editor.put(`/api/agents/${id}`, { baseRevision: 2, source: v3 });

    const revisions = await viewer.get<Array<{ revision: number; author: string; message: string; source?: string }>>(`/api/agents/${id}/revisions`);
    expect(revisions.body.map((r) => [r.revision, r.author, r.message])).toEqual([
      [3, 'api:editor', 'source changed'],
      [2, 'api:editor', 'second'],
      [1, 'api:editor', 'first'],
    ]);
    expect(revisions.body[0]).not.toHaveProperty('source');
    expect((await viewer.get(`/api/agents/${id}/revisions/1`)).body).toMatchObject({ revision: 1, source: v1, title: 'History' });

    const diff = await viewer.get<{ from: number; to: number; patch: string }>(`/api/agents/${id}/revisions/diff?from=1&to=3`);
    expect(diff.body).toMatchObject({ from: 1, to: 3 });
    expect(diff.body.patch).toContain('-var version = 1;');
    expect(diff.body.patch).toContain('+var version = 3;');
    expect(diff.body.patch).toContain('+var extra = true;');
    expect((await viewer.get(`/api/agents/${id}/revisions/diff?from=1`)).status).toBe(400);
    expect((await viewer.get(`/api/agents/${id}/revisions/diff?from=1&to=9`)).status).toBe(404);

    const rolledBack = await editor.post<AgentBody>(`/api/agents/${id}/revisions/1/rollback`, { baseRevision: 3 });
    expect(rolledBack.body).toMatchObject({ revision: 4, source: v1 });
    expect((await editor.post<ErrorBody>(`/api/agents/${id}/revisions/2/rollback`, { baseRevision: 3 })).body).toMatchObject({ statusCode: 409, currentRevision: 4 });
    const latest = await viewer.get<Array<{ revision: number; message: string }>>(`/api/agents/${id}/revisions`);
    expect(latest.body[0]).toEqual(expect.objectContaining({ revision: 4, message: 'rollback to revision 1' }));
    expect((await viewer.get(`/api/agents/${id}/revisions/99`)).status).toBe(404);
    expect((await viewer.get(`/api/agents/${id}/revisions/first`)).status).toBe(400);
  });

  it('answers 404 for an agent that does not exist, whatever the id looks like, and 409 for a taken title', async () => {
    const missing = randomUUID();
    expect((await viewer.get<ErrorBody>(`/api/agents/${missing}`)).status).toBe(404);
    expect((await viewer.get('/api/agents/not-a-uuid')).status).toBe(404);
    expect((await viewer.get(`/api/agents/${missing}/revisions`)).status).toBe(404);
    expect((await editor.put(`/api/agents/${missing}`, { baseRevision: 1, source: COUNTER })).status).toBe(404);
    expect((await editor.delete(`/api/agents/${missing}?baseRevision=1`)).status).toBe(404);
    expect((await editor.post(`/api/agents/${missing}/activate`, { baseRevision: 1 })).status).toBe(404);

    await editor.post('/api/agents', { title: 'Taken', source: 'var a;\n' });
    const duplicate = await editor.post<ErrorBody>('/api/agents', { title: 'Taken', source: 'var b;\n' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toContain('"Taken"');
  });

  it('lists the example agents and creates an inactive agent from one', async () => {
    const examples = await viewer.get<Array<{ name: string; title: string; source: string }>>('/api/examples');
    expect(examples.status).toBe(200);
    expect(examples.body.length).toBeGreaterThan(5);
    const jobs = examples.body.find((e) => e.name === 'jobs');
    expect(jobs).toMatchObject({ title: 'Requests per period' });
    expect((await viewer.get('/api/examples/jobs')).body).toEqual(jobs);

    const created = await editor.post<AgentBody>('/api/examples/jobs/agents', {});
    expect(created).toMatchObject({ status: 201, body: { title: 'Requests per period', active: false, source: jobs?.source } });
    expect((await editor.post('/api/examples/jobs/agents', {})).status).toBe(409);
    const second = await editor.post<AgentBody>('/api/examples/jobs/agents', { title: 'Requests per period (copy)', active: true });
    expect(second.body).toMatchObject({ title: 'Requests per period (copy)', active: true, running: true });
    expect((await editor.post('/api/examples/no-such-example/agents', {})).status).toBe(404);
    expect((await viewer.get('/api/examples/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await viewer.post('/api/examples/jobs/agents', {})).status).toBe(403);
  });

  it('gives the names of scripting.env and never their values', async () => {
    const env = await viewer.get<{ names: string[] }>('/api/settings/env');
    expect(env.body).toEqual({ names: ['MODE', 'SLACK_WEBHOOK'] });
    expect(JSON.stringify(env.body)).not.toContain('very-secret');
  });

  it('lets only admins create, list and revoke tokens; the secret is shown once', async () => {
    const created = await admin.post<{ token: { id: string; name: string; role: string }; secret: string }>('/api/tokens', { name: 'ci', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whk_/);
    expect(created.body.token).toMatchObject({ name: 'ci', role: 'viewer' });
    const listed = await admin.get<Array<{ id: string; name: string; role: string; revokedAt: string | null }>>('/api/tokens');
    expect(listed.body.map((t) => t.name)).toEqual(expect.arrayContaining(['ci', 'viewer', 'editor', 'all-in-one admin (created at start)']));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const ci = anonymous.withToken(created.body.secret);
    expect((await ci.get('/api/tokens/me')).body).toMatchObject({ name: 'ci', role: 'viewer' });
    expect((await ci.get('/api/tokens')).status).toBe(403);

    expect((await admin.post<ErrorBody>('/api/tokens', { name: 'x', role: 'root' })).body.message).toEqual([
      expect.stringContaining('role must be one of the following values'),
    ]);
    expect((await admin.delete(`/api/tokens/${created.body.token.id}`)).status).toBe(204);
    expect((await ci.get('/api/agents')).status).toBe(401);
    const after = await admin.get<Array<{ id: string; revokedAt: string | null }>>('/api/tokens');
    expect(after.body.find((t) => t.id === created.body.token.id)?.revokedAt).toEqual(expect.any(String));
    expect((await admin.delete(`/api/tokens/${randomUUID()}`)).status).toBe(404);
  });

  it('lists workers (none in this hub-only test)', async () => {
    expect(await viewer.get('/api/workers')).toMatchObject({ status: 200, body: [] });
  });
});
