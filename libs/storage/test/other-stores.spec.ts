import { randomUUID } from 'node:crypto';
import {
  DuplicateTitleError,
  InvalidInputError,
  NotFoundError,
  RevisionConflictError,
  type Database,
} from '../src';
import { backends, uniqueTitle, type PreparedBackend } from './backends';

const GRAPH = { nodes: [{ id: 'n1', type: 'onItemCaptured' }, { id: 'n2', type: 'console.log' }], edges: [['n1', 'n2']] };
const SCRIPT_1 = 'function onItemCaptured(data) { console.log(data.protocol.name); }\n';
const SCRIPT_2 = 'function onItemCaptured(data) { console.log(data.response.status); }\n';

describe.each(backends)('flows, plugins, settings and tokens on $name', (backend) => {
  let prepared: PreparedBackend;
  let db: Database;

  beforeAll(async () => {
    prepared = await backend.prepare();
    db = await prepared.open();
  }, 60_000); // a fresh PGlite folder runs initdb: seconds

  afterAll(async () => {
    await db?.close();
    await prepared?.remove();
  });

  describe('FlowStore', () => {
    it('creates a flow with its generated agent and saves both together', async () => {
      const name = uniqueTitle('flow');
      const created = await db.flows.create({ name, graph: GRAPH, script: { source: SCRIPT_1 }, author: 'alice' });
      expect(created.flow).toMatchObject({ name, graph: GRAPH, revision: 1, agentId: created.agent?.id });
      expect(created.agent).toMatchObject({ title: name, source: SCRIPT_1, origin: 'flow', active: true, revision: 1 });
      expect(await db.flows.get(created.flow.id)).toEqual(created.flow);

      const graph2 = { ...GRAPH, nodes: [...GRAPH.nodes, { id: 'n3', type: 'vendor.slack' }] };
      const saved = await db.flows.save(
        created.flow.id,
        { graph: graph2, script: { source: SCRIPT_2 } },
        { baseRevision: 1, author: 'bob' },
      );
      expect(saved.flow).toMatchObject({ revision: 2, graph: graph2, agentId: created.agent?.id });
      expect(saved.agent).toMatchObject({ id: created.agent?.id, source: SCRIPT_2, revision: 2 });
      const revision = await db.agents.getRevision(saved.agent!.id, 2);
      expect(revision).toMatchObject({ author: 'bob', message: `generated from flow "${name}" revision 2` });
    });

    it('creates a flow under an id the caller chose (a UUID), refusing anything else', async () => {
      const id = randomUUID();
      const created = await db.flows.create({ id, name: uniqueTitle('flow'), graph: GRAPH, script: { source: SCRIPT_1 }, author: 'a' });
      expect(created.flow).toMatchObject({ id, revision: 1 });
      await expect(db.flows.create({ id: 'not-a-uuid', name: uniqueTitle('flow'), graph: GRAPH, author: 'a' })).rejects.toThrow(/flow id.*must be a UUID/);
    });

    it('rejects a save on a stale flow revision and changes neither flow nor agent', async () => {
      const created = await db.flows.create({ name: uniqueTitle('flow'), graph: GRAPH, script: { source: SCRIPT_1 }, author: 'a' });
      await db.flows.save(created.flow.id, { graph: { v: 2 } }, { baseRevision: 1, author: 'a' });
      const stale = db.flows.save(created.flow.id, { graph: { v: 3 }, script: { source: SCRIPT_2 } }, { baseRevision: 1, author: 'b' });
      await expect(stale).rejects.toBeInstanceOf(RevisionConflictError);
      await expect(stale).rejects.toMatchObject({ kind: 'flow', currentRevision: 2 });
      expect((await db.flows.get(created.flow.id)).graph).toEqual({ v: 2 });
      expect((await db.agents.get(created.agent!.id)).source).toBe(SCRIPT_1);
    });

    it('lets exactly one of two concurrent saves from the same base win', async () => {
      const created = await db.flows.create({ name: uniqueTitle('flow'), graph: GRAPH, script: { source: SCRIPT_1 }, author: 'a' });
      const results = await Promise.allSettled(
        [SCRIPT_2, SCRIPT_1 + '// b\n'].map((source) =>
          db.flows.save(created.flow.id, { graph: { source }, script: { source } }, { baseRevision: 1, author: 'racer' }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(RevisionConflictError);
      const flow = await db.flows.get(created.flow.id);
      const agent = await db.agents.get(created.agent!.id);
      expect(flow.revision).toBe(2);
      expect(agent.revision).toBe(2);
      expect(flow.graph).toEqual({ source: agent.source });
    });

    it('rolls the whole save back when the generated agent title is taken', async () => {
      const taken = await db.agents.create({ title: uniqueTitle('code agent'), source: SCRIPT_1, author: 'a' });
      const created = await db.flows.create({ name: uniqueTitle('flow'), graph: GRAPH, author: 'a' });
      expect(created.agent).toBeUndefined();
      const clash = db.flows.save(
        created.flow.id,
        { graph: { changed: true }, script: { source: SCRIPT_2, title: taken.title } },
        { baseRevision: 1, author: 'a' },
      );
      await expect(clash).rejects.toBeInstanceOf(DuplicateTitleError);
      expect(await db.flows.get(created.flow.id)).toEqual(created.flow);
      await expect(db.flows.create({ name: created.flow.name, graph: GRAPH, author: 'a' })).rejects.toMatchObject({
        name: 'DuplicateTitleError',
        context: { kind: 'flow' },
      });
    });

    it('deletes a flow with its generated agent unless asked to keep it', async () => {
      const one = await db.flows.create({ name: uniqueTitle('flow'), graph: GRAPH, script: { source: SCRIPT_1 }, author: 'a' });
      const two = await db.flows.create({ name: uniqueTitle('flow'), graph: GRAPH, script: { source: SCRIPT_1 }, author: 'a' });
      await db.flows.delete(one.flow.id);
      await db.flows.delete(two.flow.id, { keepAgent: true });
      await expect(db.flows.get(one.flow.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(db.agents.get(one.agent!.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await db.agents.get(two.agent!.id)).origin).toBe('flow');
      expect((await db.flows.list()).map((f) => f.id)).not.toContain(two.flow.id);
    });
  });

  describe('PluginStore', () => {
    it('records install, upgrade, enable/disable, settings and removal', async () => {
      const name = `@wirehook/plugin-${uniqueTitle('p').replace(' ', '-')}`;
      const installed = await db.plugins.recordInstall({ name, version: '1.0.0', settings: { url: 'https://hooks.example' } });
      expect(installed).toMatchObject({ name, version: '1.0.0', enabled: true, settings: { url: 'https://hooks.example' } });

      await db.plugins.setEnabled(name, false);
      const upgraded = await db.plugins.recordInstall({ name, version: '1.1.0' });
      expect(upgraded).toMatchObject({ version: '1.1.0', enabled: false, settings: { url: 'https://hooks.example' } });

      const configured = await db.plugins.updateSettings(name, { url: 'https://other.example', retries: 3 });
      expect(configured.settings).toEqual({ url: 'https://other.example', retries: 3 });
      expect(await db.plugins.list()).toContainEqual(configured);

      expect(await db.plugins.remove(name)).toBe(true);
      expect(await db.plugins.remove(name)).toBe(false);
      await expect(db.plugins.get(name)).rejects.toBeInstanceOf(NotFoundError);
      await expect(db.plugins.setEnabled(name, true)).rejects.toBeInstanceOf(NotFoundError);
      await expect(db.plugins.updateSettings(name, [] as unknown as Record<string, unknown>)).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });
  });

  describe('SettingsStore', () => {
    it('stores any JSON value by key, including bare strings and null', async () => {
      expect(await db.settings.get('missing')).toBeUndefined();
      await db.settings.set('retention.hours', 24);
      await db.settings.set('ui.theme', 'dark');
      await db.settings.set('capture.filter', { ports: [80, 443], exclude: null });
      await db.settings.set('nothing', null);
      await db.settings.set('ui.theme', 'light');
      expect(await db.settings.get('ui.theme')).toBe('light');
      expect(await db.settings.get<{ ports: number[] }>('capture.filter')).toEqual({ ports: [80, 443], exclude: null });
      expect(await db.settings.all()).toMatchObject({ 'retention.hours': 24, 'ui.theme': 'light', nothing: null });
      expect(await db.settings.delete('ui.theme')).toBe(true);
      expect(await db.settings.delete('ui.theme')).toBe(false);
      expect(await db.settings.get('ui.theme')).toBeUndefined();
      await expect(db.settings.set('bad', undefined)).rejects.toBeInstanceOf(InvalidInputError);
    });
  });

  describe('TokenStore', () => {
    it('returns the secret once, stores only its hash, verifies it to a role and revokes it', async () => {
      const { token, secret } = await db.tokens.create({ name: 'ci', role: 'editor' });
      expect(secret).toMatch(/^whk_[A-Za-z0-9_-]{43}$/);
      expect(token).toMatchObject({ name: 'ci', role: 'editor', lastUsedAt: null, revokedAt: null });

      const stored = await db.dataSource.query('SELECT * FROM api_tokens WHERE id = $1', [token.id]);
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(JSON.stringify(stored)).not.toContain(secret.slice(4));

      const verified = await db.tokens.verify(secret);
      expect(verified).toMatchObject({ id: token.id, role: 'editor' });
      expect(verified?.lastUsedAt).not.toBeNull();
      // Real dates on both backends (the raw RETURNING row is mapped by hand).
      expect(Number.isNaN(verified?.createdAt.getTime())).toBe(false);
      expect(verified?.createdAt.getTime()).toBe(token.createdAt.getTime());
      expect(Number.isNaN(verified?.lastUsedAt?.getTime())).toBe(false);
      expect(await db.tokens.verify(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
      expect(await db.tokens.verify('not a token')).toBeUndefined();

      const listed = (await db.tokens.list()).find((t) => t.id === token.id);
      expect(listed?.lastUsedAt).not.toBeNull();

      await db.tokens.revoke(token.id);
      await db.tokens.revoke(token.id);
      expect(await db.tokens.verify(secret)).toBeUndefined();
      expect((await db.tokens.list()).find((t) => t.id === token.id)?.revokedAt).not.toBeNull();
      await expect(db.tokens.revoke('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('keeps roles apart and refuses an unknown role', async () => {
      const viewer = await db.tokens.create({ name: 'dashboard', role: 'viewer' });
      const admin = await db.tokens.create({ name: 'ops', role: 'admin' });
      expect((await db.tokens.verify(viewer.secret))?.role).toBe('viewer');
      expect((await db.tokens.verify(admin.secret))?.role).toBe('admin');
      await expect(db.tokens.create({ name: 'x', role: 'root' as 'admin' })).rejects.toBeInstanceOf(InvalidInputError);
    });
  });
});
