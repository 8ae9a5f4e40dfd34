import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Plugins are versioned one by one (nx.json `release`, independent): releasing one bumps its own
 * package.json and CHANGELOG and leaves Wirehook and the other plugins alone. A dry run proves it
 * without touching the tree.
 */
const root = join(__dirname, '..', '..', '..');
const nxPackage = require.resolve('nx/package.json', { paths: [root] });
const nxBin = join(dirname(nxPackage), (JSON.parse(readFileSync(nxPackage, 'utf8')) as { bin: { nx: string } }).bin.nx);

function pluginVersion(folder: string): string {
  return (JSON.parse(readFileSync(join(root, 'plugins', folder, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('plugin releases', () => {
  it('bumps only the plugin asked for, from its own version', () => {
    const before = pluginVersion('webhook');
    const [major, minor, patch] = before.split('.').map(Number);
    const run = spawnSync(process.execPath, [nxBin, 'release', 'version', 'patch', '-p', 'plugin-webhook', '--dry-run'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' },
      timeout: 120_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ status: run.status, output: run.status === 0 ? "" : output }).toEqual({ status: 0, output: "" });
    expect(output).toContain(`New version ${major}.${minor}.${patch + 1} written to manifest: plugins/webhook/package.json`);
    const others = readdirSync(join(root, 'plugins')).filter((folder) => folder !== 'webhook');
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(output).not.toContain(`plugins/${other}/package.json`);
    expect(output).not.toMatch(/manifest: package\.json/);
    // A dry run writes nothing.
    expect(pluginVersion('webhook')).toBe(before);
  });
});
