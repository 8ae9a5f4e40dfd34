import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@wirehook/testing';

/** A `wirehook` command run as a user would run it: a child process whose output tests wait on. */
export class WirehookProcess {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.child = spawn(process.execPath, ['--no-node-snapshot', join(repoRoot(), 'bin', 'wirehook.js'), ...args], {
      cwd: options.cwd,
      env: { ...process.env, NATS_URL: '', DATABASE_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects with all output so far on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.off('close', onExit);
      };
      const check = (): void => {
        const match = this.stdout.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const fail = (why: string): void => {
        cleanup();
        reject(new Error(`${why} waiting for ${pattern}\n--- stdout:\n${this.stdout}\n--- stderr:\n${this.stderr}`));
      };
      // 'close' comes after the output pipes are drained, so the last lines are checked first.
      const onExit = (code: number | null): void => {
        check();
        if (!this.stdout.match(pattern)) fail(`process exited with ${code}`);
      };
      const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
      this.child.stdout?.on('data', check);
      this.child.once('close', onExit);
      check();
    });
  }

  /** Every process this one started, recursively (there should be none left after it exits). */
  descendants(pid = this.pid): number[] {
    const result = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    const direct = result.stdout
      .split('\n')
      .map((s) => Number.parseInt(s, 10))
      .filter((n) => Number.isInteger(n));
    return direct.flatMap((p) => [p, ...this.descendants(p)]);
  }

  /** Resolves with the exit code once the process ends by itself. */
  exitCode(): Promise<number | null> {
    return this.exited;
  }

  /** Sends the signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The admin token a hub prints at start (all-in-one banner or `wirehook hub`). */
export async function adminTokenOf(hub: WirehookProcess): Promise<string> {
  const [, token] = await hub.waitFor(/Admin token[^\n]*?(whk_\S+)/, 60_000);
  return token;
}

export async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
