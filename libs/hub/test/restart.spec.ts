import { openDatabase } from '@wirehook/storage';
import { eventually } from '@wirehook/testing';
import { bootstrapAdminToken } from '../src';
import { ApiClient, createTestPlace, startTestHub, type AgentBody, type TestPlace } from './test-hub';

describe('hub restart on the same database', () => {
  let place: TestPlace;

  beforeAll(async () => {
    place = await createTestPlace();
  });

  afterAll(async () => {
    await place?.remove();
  });

  it('keeps agents and revisions created through the API, and runs the active ones again', async () => {
    const first = await startTestHub(place);
    let id: string;
    const firstToken = first.adminToken;
    try {
      const api = new ApiClient(first.url, first.adminToken);
      const created = await api.post<AgentBody>('/api/agents', { source: '// Survivor\nvar generation = 1;\n' });
      id = created.body.id;
      await api.put(`/api/agents/${id}`, { baseRevision: 1, source: '// Survivor\nvar generation = 2;\n' });
      await api.post('/api/agents', { title: 'Sleeper', source: 'var z;\n', active: false });
    } finally {
      await first.close();
    }

    const second = await startTestHub(place);
    try {
      expect(second.adminToken).not.toBe(firstToken);
      // All-in-one policy: a fresh admin token every start, the previous start's one revoked.
      expect((await new ApiClient(second.url, firstToken).get('/api/agents')).status).toBe(401);
      const api = new ApiClient(second.url, second.adminToken);
      const agents = await api.get<AgentBody[]>('/api/agents');
      expect(agents.body.map((a) => [a.title, a.revision, a.active])).toEqual([
        ['Sleeper', 1, false],
        ['Survivor', 2, true],
      ]);
      expect((await api.get<AgentBody>(`/api/agents/${id}`)).body.source).toBe('// Survivor\nvar generation = 2;\n');
      expect((await api.get<Array<{ revision: number }>>(`/api/agents/${id}/revisions`)).body.map((r) => r.revision)).toEqual([2, 1]);
      await eventually(async () => expect((await api.get<AgentBody>(`/api/agents/${id}`)).body.stats.hub?.state).toBe('loaded'));
    } finally {
      await second.close();
    }
  });

  it('with the cluster policy creates an admin token only while none is left', async () => {
    const database = await openDatabase({ url: place.databaseUrl, dataDir: place.dataDir });
    try {
      // The earlier starts left one live all-in-one admin token: a cluster hub creates none.
      expect(await bootstrapAdminToken(database.tokens, 'when-missing')).toBeUndefined();
      for (const token of await database.tokens.list()) await database.tokens.revoke(token.id);
      const secret = await bootstrapAdminToken(database.tokens, 'when-missing');
      expect(secret).toMatch(/^whk_/);
      expect(await database.tokens.verify(secret as string)).toMatchObject({ role: 'admin', name: 'initial admin (created at hub start)' });
      expect(await bootstrapAdminToken(database.tokens, 'when-missing')).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
