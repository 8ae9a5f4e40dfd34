import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot } from '@wirehook/testing';

/** Boots `wirehook start` as a user would, as a child process, and stops it with Ctrl-C (SIGINT). */
describe('all-in-one process (wirehook start)', () => {
  let child: ChildProcess | undefined;
  let workDir: string;
  let output = '';

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = output.match(pattern);
        if (match) resolve(match);
        return Boolean(match);
      };
      if (check()) return;
      const timer = setTimeout(() => {
        child?.stdout?.off('data', onData);
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; output so far:\n${output}`));
      }, timeoutMs);
      const onData = (): void => {
        if (check()) {
          clearTimeout(timer);
          child?.stdout?.off('data', onData);
        }
      };
      child?.stdout?.on('data', onData);
    });
  }

  function descendants(pid: number): number[] {
    const result = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    const direct = result.stdout.split('\n').map((s) => Number.parseInt(s, 10)).filter((n) => Number.isInteger(n));
    return direct.flatMap((p) => [p, ...descendants(p)]);
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('shows the seed agent counting packets of the bundled capture, serves the API, and stops cleanly on SIGINT', async () => {
    const root = repoRoot();
    workDir = mkdtempSync(join(tmpdir(), 'wirehook-start-'));
    const agentsDir = join(workDir, 'agents');
    mkdirSync(agentsDir);
    copyFileSync(join(root, 'agents', 'packet-counter.js'), join(agentsDir, 'packet-counter.js'));
    const port = await freePort();

    child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'wirehook.js'),
        'start',
        '--config', join(root, 'wirehook.yaml'),
        '--set', `hub.port=${port}`,
        '--set', `database.dataDir=${join(workDir, 'data')}`,
        '--set', `scripting.source=${agentsDir}`,
        '--set', 'scripting.env.PACKET_REPORT_CRON=*/2 * * * * *',
      ],
      { cwd: workDir, env: { ...process.env, NATS_URL: '', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));

    await waitForOutput(/API\s+http:\/\/127\.0\.0\.1:(\d+)\/api/, 60_000);
    const match = await waitForOutput(/\[local\] \[Packet counter[^\]]*\] Captured packets: (\d+), KB: ([\d.]+) on local/, 30_000);
    expect(Number(match[1])).toBeGreaterThan(0);
    expect(Number(match[2])).toBeGreaterThan(0);

    const health = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', bus: 'in-process' });
    const agents = (await (await fetch(`http://127.0.0.1:${port}/api/agents`)).json()) as Array<{ title: string; active: boolean }>;
    expect(agents).toEqual([expect.objectContaining({ title: 'Packet counter: packets and kilobytes per reporting interval', active: true })]);
    const workers = (await (await fetch(`http://127.0.0.1:${port}/api/workers`)).json()) as Array<{ node: string; packets: number }>;
    expect(workers).toEqual([expect.objectContaining({ node: 'local' })]);

    const pid = child.pid as number;
    const spawned = descendants(pid);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const code = await exited;
    expect({ code, errors: code === 0 ? '' : errors }).toEqual({ code: 0, errors: '' });
    expect(spawned.filter(alive)).toEqual([]);
  }, 120_000);
});
