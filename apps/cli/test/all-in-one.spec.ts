import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, repoRoot } from '@wirehook/testing';
import { adminTokenOf, getJson, isAlive, WirehookProcess } from './wirehook-process';

const SEED_TITLE = 'Packet counter: packets and kilobytes per reporting interval';

/** Boots `wirehook start` as a child process on the repository's own config and seed agent, then Ctrl-C. */
describe('all-in-one process (wirehook start)', () => {
  let wirehook: WirehookProcess | undefined;
  let workDir: string;

  afterAll(() => {
    wirehook?.kill();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('shows the seed agent counting packets of the bundled capture, serves the API, and stops cleanly on SIGINT', async () => {
    const root = repoRoot();
    workDir = mkdtempSync(join(tmpdir(), 'wirehook-start-'));
    const agentsDir = join(workDir, 'agents');
    mkdirSync(agentsDir);
    copyFileSync(join(root, 'agents', 'packet-counter.js'), join(agentsDir, 'packet-counter.js'));
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;

    wirehook = new WirehookProcess(
      [
        'start',
        '--config', join(root, 'wirehook.yaml'),
        '--set', `hub.port=${port}`,
        '--set', `database.dataDir=${join(workDir, 'data')}`,
        '--set', `scripting.source=${agentsDir}`,
        '--set', 'scripting.env.PACKET_REPORT_CRON=*/2 * * * * *',
      ],
      { cwd: workDir },
    );

    await wirehook.waitFor(/API\s+http:\/\/127\.0\.0\.1:\d+\/api/, 60_000);
    const token = await adminTokenOf(wirehook);
    const get = (path: string): Promise<unknown> => getJson(`${api}${path}`, token);
    const match = await wirehook.waitFor(/\[local\] \[Packet counter[^\]]*\] Captured packets: (\d+), KB: ([\d.]+) on local/, 30_000);
    expect(Number(match[1])).toBeGreaterThan(0);
    expect(Number(match[2])).toBeGreaterThan(0);

    expect(await (await fetch(`${api}/api/health`)).json()).toMatchObject({ status: 'ok', bus: 'in-process' });
    expect((await fetch(`${api}/api/agents`)).status).toBe(401);
    expect(await get('/api/agents')).toEqual([expect.objectContaining({ title: SEED_TITLE, active: true })]);
    // Heartbeats come every 5 s; the first may predate the agent's load.
    await eventually(async () => {
      const workers = (await get('/api/workers')) as Array<{ node: string; packets: number; agentsLoaded: number }>;
      expect(workers).toEqual([expect.objectContaining({ node: 'local', agentsLoaded: 1 })]);
      expect(workers[0].packets).toBeGreaterThan(0);
    }, 15_000);

    // scripting.watchScripts: a new file is checked, stored and loaded on every node; a bad one is refused with file:line:column.
    writeFileSync(join(agentsDir, 'bad.js'), '// Bad\nvar ok = 1;\nlet broken = 2;\n');
    await wirehook.waitFor(/ERROR agent file refused: \S*bad\.js:3:1 /, 20_000);
    writeFileSync(join(agentsDir, 'hello.js'), '// Hello\njobs.schedule("hello", "*/2 * * * * *", function () { console.log("hello from " + utils.nodeName()); });\n');
    await wirehook.waitFor(/\[local\] \[Hello\] hello from local/, 20_000);
    await wirehook.waitFor(/\[hub\] \[Hello\] hello from hub/, 20_000);

    const spawned = wirehook.descendants();
    const code = await wirehook.stop('SIGINT');
    expect({ code, stderr: code === 0 ? '' : wirehook.stderr }).toEqual({ code: 0, stderr: '' });
    expect(spawned.filter(isAlive)).toEqual([]);
  }, 120_000);
});
