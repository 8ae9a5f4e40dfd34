import {
  DuplicateTitleError,
  InvalidInputError,
  NotFoundError,
  RevisionConflictError,
  type Agent,
  type Database,
} from '../src';
import { backends, uniqueTitle, type PreparedBackend } from './backends';

const V1 = 'function onItemCaptured(data) {\n  console.log(data.request.path);\n}\n';
const V2 = 'function onItemCaptured(data) {\n  console.log(data.response.status);\n}\n';
const V3 = 'function onItemCaptured(data) {\n  console.log("third");\n}\n';

describe.each(backends)('AgentStore on $name', (backend) => {
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

  async function createAgent(title = uniqueTitle('agent')): Promise<Agent> {
    return db.agents.create({ title, source: V1, author: 'alice' });
  }

  it('creates an agent at revision 1 with a first revision entry', async () => {
    const agent = await createAgent();
    expect(agent).toMatchObject({ source: V1, active: true, origin: 'code', revision: 1 });
    expect(await db.agents.get(agent.id)).toEqual(agent);
    expect(await db.agents.getByTitle(agent.title)).toEqual(agent);
    const revisions = await db.agents.listRevisions(agent.id);
    expect(revisions).toEqual([
      expect.objectContaining({ agentId: agent.id, revision: 1, source: V1, author: 'alice', message: 'created' }),
    ]);
  });

  it('refuses a second agent with the same title', async () => {
    const agent = await createAgent();
    const duplicate = db.agents.create({ title: agent.title, source: V2, author: 'bob' });
    await expect(duplicate).rejects.toBeInstanceOf(DuplicateTitleError);
    await expect(duplicate).rejects.toMatchObject({ context: { kind: 'agent', title: agent.title } });
  });

  it('refuses a rename onto a taken title and keeps the agent as it was', async () => {
    const first = await createAgent();
    const second = await createAgent();
    await expect(
      db.agents.update(second.id, { title: first.title }, { baseRevision: 1, author: 'bob' }),
    ).rejects.toBeInstanceOf(DuplicateTitleError);
    expect(await db.agents.get(second.id)).toEqual(second);
  });

  it('keeps every saved version as a revision, newest first', async () => {
    const agent = await createAgent();
    const r2 = await db.agents.update(agent.id, { source: V2 }, { baseRevision: 1, author: 'bob', message: 'status' });
    const newTitle = uniqueTitle('renamed');
    const r3 = await db.agents.update(agent.id, { title: newTitle, source: V3 }, { baseRevision: 2, author: 'carol' });
    expect(r2.revision).toBe(2);
    expect(r3).toMatchObject({ revision: 3, title: newTitle, source: V3 });
    expect(r3.updatedAt.getTime()).toBeGreaterThanOrEqual(agent.updatedAt.getTime());

    const revisions = await db.agents.listRevisions(agent.id);
    expect(revisions.map((r) => [r.revision, r.author, r.message])).toEqual([
      [3, 'carol', `renamed from "${agent.title}"; source changed`],
      [2, 'bob', 'status'],
      [1, 'alice', 'created'],
    ]);
    expect((await db.agents.getRevision(agent.id, 2)).source).toBe(V2);
    expect((await db.agents.getRevision(agent.id, 3)).title).toBe(newTitle);
    await expect(db.agents.getRevision(agent.id, 4)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes no revision when an update changes nothing', async () => {
    const agent = await createAgent();
    const same = await db.agents.update(agent.id, { source: V1, active: true }, { baseRevision: 1, author: 'bob' });
    expect(same.revision).toBe(1);
    expect(await db.agents.listRevisions(agent.id)).toHaveLength(1);
  });

  it('rejects an update based on a stale revision with the current revision in the error', async () => {
    const agent = await createAgent();
    await db.agents.update(agent.id, { source: V2 }, { baseRevision: 1, author: 'bob' });
    const stale = db.agents.update(agent.id, { source: V3 }, { baseRevision: 1, author: 'carol' });
    await expect(stale).rejects.toBeInstanceOf(RevisionConflictError);
    await expect(stale).rejects.toMatchObject({ id: agent.id, baseRevision: 1, currentRevision: 2 });
    expect((await db.agents.get(agent.id)).source).toBe(V2);
  });

  it('lets exactly one of several concurrent updates from the same base win', async () => {
    const agent = await createAgent();
    const sources = Array.from({ length: 6 }, (_, i) => `function onItemCaptured(d) { var n = ${i}; }\n`);
    const results = await Promise.allSettled(
      sources.map((source) => db.agents.update(agent.id, { source }, { baseRevision: 1, author: 'racer' })),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<Agent> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(5);
    for (const loss of lost) {
      expect(loss.reason).toBeInstanceOf(RevisionConflictError);
      expect((loss.reason as RevisionConflictError).currentRevision).toBe(2);
    }
    const current = await db.agents.get(agent.id);
    expect(current).toMatchObject({ revision: 2, source: won[0].value.source });
    expect((await db.agents.listRevisions(agent.id)).map((r) => r.revision)).toEqual([2, 1]);
  });

  it('activates and deactivates with optimistic locking, and lists active agents only when asked', async () => {
    const agent = await createAgent();
    const off = await db.agents.deactivate(agent.id, { baseRevision: 1, author: 'bob' });
    expect(off).toMatchObject({ active: false, revision: 2 });
    await expect(db.agents.activate(agent.id, { baseRevision: 1, author: 'bob' })).rejects.toBeInstanceOf(
      RevisionConflictError,
    );
    expect((await db.agents.list({ activeOnly: true })).map((a) => a.id)).not.toContain(agent.id);
    expect((await db.agents.list()).map((a) => a.id)).toContain(agent.id);
    expect((await db.agents.activeDefinitions()).map((a) => a.id)).not.toContain(agent.id);

    const on = await db.agents.activate(agent.id, { baseRevision: 2, author: 'bob' });
    expect(on).toMatchObject({ active: true, revision: 3 });
    expect(await db.agents.activeDefinitions()).toContainEqual({ id: agent.id, title: agent.title, source: V1, revision: 3 });
    expect((await db.agents.getRevision(agent.id, 2)).message).toBe('deactivated');
  });

  it('rolls back to an old source as a new revision', async () => {
    const agent = await createAgent();
    await db.agents.update(agent.id, { source: V2 }, { baseRevision: 1, author: 'bob' });
    await db.agents.update(agent.id, { source: V3 }, { baseRevision: 2, author: 'bob' });
    await expect(db.agents.rollback(agent.id, 1, { baseRevision: 2, author: 'carol' })).rejects.toBeInstanceOf(
      RevisionConflictError,
    );
    const rolled = await db.agents.rollback(agent.id, 1, { baseRevision: 3, author: 'carol' });
    expect(rolled).toMatchObject({ revision: 4, source: V1 });
    const latest = await db.agents.getRevision(agent.id, 4);
    expect(latest).toMatchObject({ source: V1, author: 'carol', message: 'rollback to revision 1' });
    await expect(db.agents.rollback(agent.id, 9, { baseRevision: 4, author: 'carol' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('diffs two revisions as a unified diff', async () => {
    const agent = await createAgent();
    await db.agents.update(agent.id, { source: V2 }, { baseRevision: 1, author: 'bob' });
    const diff = await db.agents.diff(agent.id, 1, 2);
    const lines = diff.split('\n');
    expect(lines).toContain(`--- ${agent.title}.js\trevision 1`);
    expect(lines).toContain(`+++ ${agent.title}.js\trevision 2`);
    expect(lines).toContain('-  console.log(data.request.path);');
    expect(lines).toContain('+  console.log(data.response.status);');
    expect(lines).toContain(' function onItemCaptured(data) {');
    expect(await db.agents.diff(agent.id, 1, 1)).not.toMatch(/^[-+] /m);
  });

  it('upserts by title for folder sync: created, then unchanged, then updated', async () => {
    const title = uniqueTitle('synced');
    const created = await db.agents.upsertByTitle(title, V1, 'folder');
    expect(created.change).toBe('created');
    expect(created.agent).toMatchObject({ title, source: V1, revision: 1, active: true, origin: 'code' });

    const unchanged = await db.agents.upsertByTitle(title, V1, 'folder');
    expect(unchanged).toEqual({ change: 'unchanged', agent: created.agent });

    const updated = await db.agents.upsertByTitle(title, V2, 'folder');
    expect(updated.change).toBe('updated');
    expect(updated.agent).toMatchObject({ id: created.agent.id, source: V2, revision: 2 });
    expect(await db.agents.listRevisions(created.agent.id)).toHaveLength(2);
  });

  it('upserts the same new title concurrently into exactly one agent', async () => {
    const title = uniqueTitle('raced');
    const results = await Promise.all([1, 2, 3, 4].map(() => db.agents.upsertByTitle(title, V1, 'folder')));
    expect(results.filter((r) => r.change === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.change === 'unchanged')).toHaveLength(3);
    expect(new Set(results.map((r) => r.agent.id)).size).toBe(1);
    expect(await db.agents.listRevisions(results[0].agent.id)).toHaveLength(1);
  });

  it('deletes an agent with its revisions, honouring the base revision', async () => {
    const agent = await createAgent();
    await db.agents.update(agent.id, { source: V2 }, { baseRevision: 1, author: 'bob' });
    await expect(db.agents.delete(agent.id, { baseRevision: 1 })).rejects.toBeInstanceOf(RevisionConflictError);
    await db.agents.delete(agent.id, { baseRevision: 2 });
    await expect(db.agents.get(agent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.agents.listRevisions(agent.id)).rejects.toBeInstanceOf(NotFoundError);
    const leftover = await db.dataSource.query('SELECT count(*)::int AS n FROM agent_revisions WHERE agent_id = $1', [
      agent.id,
    ]);
    expect(leftover[0].n).toBe(0);
  });

  it('reports unknown and malformed ids as not found and refuses empty titles', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(db.agents.get(missing)).rejects.toMatchObject({ name: 'NotFoundError', context: { kind: 'agent', key: missing } });
    await expect(db.agents.get('../etc/passwd')).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.agents.update(missing, { source: V2 }, { baseRevision: 1, author: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(db.agents.getByTitle('no such agent')).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.agents.findByTitle('no such agent')).toBeUndefined();
    await expect(db.agents.create({ title: '  ', source: V1, author: 'x' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(db.agents.create({ title: 'ok', source: V1, author: '' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
