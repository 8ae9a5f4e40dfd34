import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createTempPostgresDatabase, freePort } from '@wirehook/testing';
import { DatabaseOpenError, openDatabase, storageMigrations, type Database } from '../src';
import { templatePath } from '../src/database/pglite-template';
import { backends, type PreparedBackend } from './backends';

const ALL_MIGRATIONS = storageMigrations.map((migration) => migration.name);
const TABLES = ['agent_revisions', 'agents', 'api_tokens', 'flows', 'migrations', 'plugins', 'settings'];

describe.each(backends)('database on $name', (backend) => {
  let prepared: PreparedBackend;
  let db: Database | undefined;

  beforeAll(async () => {
    prepared = await backend.prepare();
  });

  afterAll(async () => {
    await db?.close();
    await prepared?.remove();
  });

  it('applies every migration to an empty database, giving exactly the schema of the entities', async () => {
    db = await prepared.open();
    expect(db.kind).toBe(backend.name);
    expect(db.appliedMigrations).toEqual(ALL_MIGRATIONS);
    const tables: Array<{ table_name: string }> = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(TABLES);
    // What TypeORM would change to make the database match the entities: nothing.
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  }, 60_000);

  it('applies nothing when reopened and keeps every kind of data across close and reopen', async () => {
    const database = db!;
    const agent = await database.agents.create({ title: 'survivor', source: 'var a = 1;\n', author: 'alice' });
    await database.agents.update(agent.id, { source: 'var a = 2;\n' }, { baseRevision: 1, author: 'bob' });
    const flow = await database.flows.create({ name: 'survivor flow', graph: { nodes: [] }, author: 'alice' });
    await database.plugins.recordInstall({ name: 'wirehook-plugin-webhook', version: '2.0.0' });
    await database.settings.set('ui.theme', 'dark');
    const { secret } = await database.tokens.create({ name: 'ci', role: 'admin' });
    await database.close();
    await database.close(); // second close is harmless
    await expect(database.ping()).rejects.toThrow();

    db = await prepared.open();
    expect(db.appliedMigrations).toEqual([]);
    const migrations: unknown[] = await db.dataSource.query('SELECT name FROM migrations');
    expect(migrations).toHaveLength(ALL_MIGRATIONS.length);
    await db.ping();
    expect(await db.agents.get(agent.id)).toMatchObject({ revision: 2, source: 'var a = 2;\n' });
    expect((await db.agents.listRevisions(agent.id)).map((r) => r.author)).toEqual(['bob', 'alice']);
    expect(await db.flows.get(flow.flow.id)).toEqual(flow.flow);
    expect((await db.plugins.get('wirehook-plugin-webhook')).version).toBe('2.0.0');
    expect(await db.settings.get('ui.theme')).toBe('dark');
    expect((await db.tokens.verify(secret))?.role).toBe('admin');
  }, 60_000);

  it('keeps concurrent transactions apart: a rollback never undoes a concurrent commit', async () => {
    const database = db!;
    const committing = database.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO settings (key, value, updated_at) VALUES ('tx.committed', '1', now())`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const failing = database.dataSource.transaction(async (manager) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await manager.query(`INSERT INTO settings (key, value, updated_at) VALUES ('tx.rolled-back', '2', now())`);
      throw new Error('fails on purpose');
    });
    const outcome = await Promise.allSettled([committing, failing]);
    expect(outcome.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(await database.settings.get('tx.committed')).toBe(1);
    expect(await database.settings.get('tx.rolled-back')).toBeUndefined();
  });
});

describe('PostgreSQL', () => {
  it('applies migrations once when two hubs open a new database at the same time', async () => {
    const place = await createTempPostgresDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-storage-unused-'));
    try {
      const [a, b] = await Promise.all([
        openDatabase({ url: place.url, dataDir }),
        openDatabase({ url: place.url, dataDir }),
      ]);
      expect([...a.appliedMigrations, ...b.appliedMigrations]).toEqual(ALL_MIGRATIONS);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await place.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says which server could not be reached and why, without the password', async () => {
    const port = await freePort();
    const url = `postgres://wirehook:s3cret-pass@127.0.0.1:${port}/wirehook`;
    const opening = openDatabase({ url, dataDir: tmpdir() });
    await expect(opening).rejects.toBeInstanceOf(DatabaseOpenError);
    const error = (await opening.catch((e: unknown) => e)) as DatabaseOpenError;
    expect(error.message).toContain(`postgres://wirehook:***@127.0.0.1:${port}/wirehook`);
    expect(error.message).toMatch(/ECONNREFUSED|refused/);
    expect(error.message).not.toContain('s3cret-pass');
    expect(JSON.stringify(error.context)).not.toContain('s3cret-pass');
  });

  it('says when the database does not exist, and refuses a URL that is not PostgreSQL', async () => {
    await expect(
      openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/wirehook_no_such_database', dataDir: tmpdir() }),
    ).rejects.toThrow(/wirehook_no_such_database.*does not exist/);
    await expect(openDatabase({ url: 'mysql://root:pw@127.0.0.1/x', dataDir: tmpdir() })).rejects.toThrow(
      'cannot open database mysql://root:***@127.0.0.1/x: the URL must start with postgres:// or postgresql://',
    );
  });
});

describe('PGlite data folder', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wirehook-storage-lock-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is opened by one database at a time, and taken over from a process that died', async () => {
    const first = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir })).rejects.toThrow(`in use by process ${process.pid}`);
    } finally {
      await first.close();
    }
    // A lock left behind by a process that is gone (crash, kill -9) does not block the next start.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dataDir, 'pglite.lock'), `${gone}\n`);
    const second = await openDatabase({ dataDir });
    expect(second.appliedMigrations).toEqual([]);
    await second.close();
  }, 60_000);

  it('reports a data folder that cannot be created', async () => {
    const file = join(dataDir, 'a-file');
    writeFileSync(file, '');
    await expect(openDatabase({ dataDir: join(file, 'sub') })).rejects.toThrow(/cannot create the data folder/);
  });
});

describe('PGlite fresh-cluster template', () => {
  let root: string;
  let cacheDir: string;
  const pgliteVersion = (): string => {
    const file = readdirSync(cacheDir).find((name) => name.endsWith('-fresh-cluster.tar.gz'));
    if (!file) throw new Error(`no template in ${cacheDir}`);
    return file.slice('pglite-'.length, -'-fresh-cluster.tar.gz'.length);
  };
  const open = async (name: string, templateCacheDir: string | false = cacheDir) => {
    const lines: string[] = [];
    const logger = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(`WARN ${line}`) };
    const db = await openDatabase({ dataDir: join(root, name), templateCacheDir, logger });
    return { db, log: lines.join('\n') };
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wirehook-storage-template-'));
    cacheDir = join(root, 'cache');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('makes the first fresh folder by initdb and saves it; later fresh folders start from it and keep their data', async () => {
    const first = await open('first');
    await first.db.close();
    expect(first.log).toMatch(/\(new cluster by initdb\)/);
    expect(existsSync(templatePath(cacheDir, pgliteVersion()))).toBe(true);

    const second = await open('second');
    expect(second.log).toMatch(/\(new cluster from the template\)/);
    expect(second.db.appliedMigrations).toEqual(ALL_MIGRATIONS);
    await second.db.agents.create({ title: 'made on a template', source: 'var a = 1;\n', author: 'alice' });
    await second.db.close();

    const reopened = await open('second');
    expect(reopened.log).not.toMatch(/new cluster/);
    expect(reopened.db.appliedMigrations).toEqual([]);
    expect((await reopened.db.agents.list()).map((agent) => agent.title)).toEqual(['made on a template']);
    // The template is the pristine cluster: a third fresh folder does not see the second one's agent.
    const third = await open('third');
    expect(third.log).toMatch(/from the template/);
    expect(await third.db.agents.list()).toEqual([]);
    await Promise.all([reopened.db.close(), third.db.close()]);
  }, 180_000);

  it('drops a template that does not load, initialises the folder and saves a good one', async () => {
    const template = templatePath(cacheDir, pgliteVersion());
    writeFileSync(template, 'not a tarball');
    const repaired = await open('after-corrupt-template');
    expect(repaired.log).toMatch(/WARN storage: the PGlite template .* did not load/);
    expect(repaired.log).toMatch(/\(new cluster by initdb\)/);
    expect(repaired.db.appliedMigrations).toEqual(ALL_MIGRATIONS);
    await repaired.db.close();
    const next = await open('after-repair');
    expect(next.log).toMatch(/from the template/);
    await next.db.close();
  }, 180_000);

  it('reads and writes no template when disabled', async () => {
    // A good template is in the cache (previous test); disabled, the fresh folder still gets initdb.
    const template = templatePath(cacheDir, pgliteVersion());
    const before = statSync(template).mtimeMs;
    const { db, log } = await open('no-template', false);
    expect(log).toMatch(/\(new cluster by initdb\)/);
    await db.close();
    expect(statSync(template).mtimeMs).toBe(before);
    expect(readdirSync(cacheDir)).toEqual([basename(template)]);
  }, 180_000);
});
