import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@wirehook/testing';

function wirehook(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--no-node-snapshot', join(repoRoot(), 'bin', 'wirehook.js'), ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'wirehook-cli-')),
    env: { ...process.env, NATS_URL: '', DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('wirehook CLI', () => {
  it('lists its commands in --help', () => {
    const { status, stdout } = wirehook(['--help']);
    expect(status).toBe(0);
    for (const command of ['start', 'hub', 'worker', 'replay']) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('refuses a bad configuration key at start, naming it, with exit code 2', () => {
    const { status, stderr } = wirehook(['start', '--set', 'tap.interfase=eth0']);
    expect(status).toBe(2);
    expect(stderr).toContain('tap.interfase');
    expect(stderr).toContain('interface');
  });

  it('refuses a value of the wrong type from the environment, naming the variable', () => {
    const { status, stderr } = wirehook(['start'], { HUB_PORT: 'not-a-port' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/hub\.port: .*\(from HUB_PORT\)/);
  });

  it('will not run a worker or hub alone without NATS', () => {
    for (const command of ['hub', 'worker']) {
      const { status, stderr } = wirehook([command]);
      expect(status).toBe(1);
      expect(stderr).toContain('nats.url (NATS_URL)');
    }
  });
});
