import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema } from '@wirehook/contracts';
import { startHub, type RunningHub } from '@wirehook/hub';
import { openDatabase, type Database } from '@wirehook/storage';
import { createTempPostgresDatabase, eventually } from '@wirehook/testing';
import { WirehookProcess } from './wirehook-process';

interface Agent {
  id: string;
  title: string;
  revision: number;
  active: boolean;
}

/** `wirehook scripts` as a child process against a hub running in this process. */
describe('wirehook scripts (folder sync)', () => {
  let work: string;
  let agentsDir: string;
  let drop: () => Promise<void>;
  let database: Database;
  let bus: InProcessBus;
  let hub: RunningHub;
  let editorToken: string;
  const processes: WirehookProcess[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(hub.url + path, { headers: { Authorization: `Bearer ${editorToken}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const agents = (): Promise<Agent[]> => api<Agent[]>('/api/agents');
  const byTitle = async (title: string): Promise<Agent | undefined> => (await agents()).find((a) => a.title === title);
  const titles = async (): Promise<string[]> => (await agents()).map((a) => a.title).sort();
  const revisionsOf = async (id: string): Promise<number[]> => (await api<Array<{ revision: number }>>(`/api/agents/${id}/revisions`)).map((r) => r.revision);
  const sourceOf = async (id: string): Promise<string> => (await api<{ source: string }>(`/api/agents/${id}`)).source;
  const file = (name: string, source: string): void => writeFileSync(join(agentsDir, name), source);
  const scripts = (args: string[], env: NodeJS.ProcessEnv = { WIREHOOK_TOKEN: editorToken }): WirehookProcess => {
    const child = new WirehookProcess(['scripts', '--set', `hub.url=${hub.url}`, ...args], { cwd: work, env });
    processes.push(child);
    return child;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wirehook-scripts-'));
    agentsDir = join(work, 'agents');
    mkdirSync(agentsDir);
    const temp = await createTempPostgresDatabase();
    drop = temp.drop;
    const config = configSchema.parse({
      hub: { host: '127.0.0.1', port: 0 },
      database: { url: temp.url, dataDir: join(work, 'data') },
      scripting: { source: '', watchScripts: false, consoleToStdout: false },
    });
    database = await openDatabase({ url: temp.url, dataDir: config.database.dataDir });
    bus = new InProcessBus();
    hub = await startHub({ config, bus, database, metrics: new Registry() });
    const created = await fetch(`${hub.url}/api/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hub.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'scripts-sync', role: 'editor' }),
    });
    editorToken = ((await created.json()) as { secret: string }).secret;
  });

  afterAll(async () => {
    for (const p of processes) p.kill();
    await hub?.close();
    await bus?.close();
    await database?.close();
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('upserts the folder, then follows creates, edits, renames and deletes; a bad file is reported and the watch goes on', async () => {
    file('alpha.js', '// Alpha\nvar seen = 0;\nfunction onItemCaptured(data) { seen++; }\n');
    file('beta.js', 'var beta = 1;\n');
    file('notes.txt', 'not an agent');

    const sync = scripts(['--set', `scripting.source=${agentsDir}`]);
    await sync.waitFor(/watching .* for changes/, 60_000);
    expect(sync.stdout).toContain('2 added');
    expect(await titles()).toEqual(['Alpha', 'beta']);
    const alpha = (await byTitle('Alpha')) as Agent;
    expect(alpha).toMatchObject({ revision: 1, active: true });

    // create → add
    file('gamma.js', '// Gamma\nvar g = 1;\n');
    await sync.waitFor(/added "Gamma" from agents\/gamma\.js \(revision 1\)/, 20_000);
    expect(await titles()).toEqual(['Alpha', 'Gamma', 'beta']);

    // change → new revision
    const alpha2 = '// Alpha\nvar seen = 0;\nfunction onItemCaptured(data) { seen += 2; }\n';
    file('alpha.js', alpha2);
    await sync.waitFor(/updated "Alpha" from agents\/alpha\.js \(revision 2\)/, 20_000);
    expect(await revisionsOf(alpha.id)).toEqual([2, 1]);
    expect(await sourceOf(alpha.id)).toBe(alpha2);

    // An invalid file is named with line and column, is not synced, and the watch goes on.
    file('broken.js', '// Broken\nvar twice = (x) => x * 2;\n');
    await eventually(() => expect(sync.stderr).toMatch(/refused agents\/broken\.js:2:13: arrow functions are not ES5/), 20_000);
    expect(await titles()).not.toContain('Broken');
    // An agent whose file turns invalid keeps its last good version.
    file('alpha.js', '// Alpha\nlet seen = 0;\n');
    await eventually(() => expect(sync.stderr).toMatch(/refused agents\/alpha\.js:2:1: 'let' is not ES5/), 20_000);
    const alpha3 = '// Alpha\nvar seen = 3;\n';
    file('alpha.js', alpha3);
    await sync.waitFor(/updated "Alpha" from agents\/alpha\.js \(revision 3\)/, 20_000);
    expect(await revisionsOf(alpha.id)).toEqual([3, 2, 1]);
    expect(await sourceOf(alpha.id)).toBe(alpha3);

    // rename → the old agent is removed (its title came from the file name), the new one added
    renameSync(join(agentsDir, 'beta.js'), join(agentsDir, 'beta-two.js'));
    await sync.waitFor(/removed "beta" \(agents\/beta\.js was deleted or renamed\)/, 20_000);
    await eventually(async () => expect(await titles()).toEqual(['Alpha', 'Gamma', 'beta-two']), 20_000);
    // A rename that keeps the title comment keeps the agent, unchanged.
    const gamma = (await byTitle('Gamma')) as Agent;
    renameSync(join(agentsDir, 'gamma.js'), join(agentsDir, 'gamma-renamed.js'));
    file('delta.js', '// Delta\nvar d = 1;\n'); // something to wait for after the rename was seen
    await sync.waitFor(/added "Delta"/, 20_000);
    expect(await byTitle('Gamma')).toMatchObject({ id: gamma.id, revision: 1 });

    // delete → remove
    unlinkSync(join(agentsDir, 'gamma-renamed.js'));
    await sync.waitFor(/removed "Gamma"/, 20_000);
    await eventually(async () => expect(await titles()).toEqual(['Alpha', 'Delta', 'beta-two']), 20_000);

    // Ctrl-C stops the watch at once, cleanly.
    const code = await sync.stop('SIGINT');
    expect({ code, stderrWithoutRefusals: sync.stderr.split('\n').filter((l) => l && !l.startsWith('refused ')) }).toEqual({
      code: 0,
      stderrWithoutRefusals: [],
    });
    expect(sync.stdout).toContain('stopped watching');
  }, 180_000);

  it('with --once syncs and exits; without a token or a reachable hub it says why and exits non-zero', async () => {
    // These runs end by themselves: stop('SIGCONT') sends a harmless signal and waits for the exit code.
    const extra = join(work, 'more');
    mkdirSync(extra);
    writeFileSync(join(extra, 'epsilon.js'), '// Epsilon\nvar e = 1;\n');
    const once = scripts(['--once', '--set', `scripting.source=${extra}`]);
    expect(await once.stop('SIGCONT')).toBe(0);
    expect(once.stdout).toMatch(/synced 1 agent file\(s\) .* 1 added/);
    expect(await byTitle('Epsilon')).toMatchObject({ revision: 1 });

    const noToken = scripts(['--once', '--set', `scripting.source=${extra}`], { WIREHOOK_TOKEN: '' });
    expect(await noToken.stop('SIGCONT')).not.toBe(0);
    expect(noToken.stderr).toContain('needs an API token');

    const badToken = scripts(['--once', '--token', `whk_${'B'.repeat(43)}`, '--set', `scripting.source=${extra}`]);
    expect(await badToken.stop('SIGCONT')).not.toBe(0);
    expect(badToken.stderr).toContain('the hub refused the token (401): the API token is unknown or revoked');

    const nowhere = new WirehookProcess(['scripts', '--once', '--set', 'hub.url=http://127.0.0.1:9', '--set', `scripting.source=${extra}`], {
      cwd: work,
      env: { WIREHOOK_TOKEN: editorToken },
    });
    processes.push(nowhere);
    expect(await nowhere.stop('SIGCONT')).not.toBe(0);
    expect(nowhere.stderr).toContain('cannot reach the hub at http://127.0.0.1:9');
  }, 120_000);
});
