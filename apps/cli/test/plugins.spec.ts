import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema } from '@wirehook/contracts';
import { startHub, type RunningHub } from '@wirehook/hub';
import { openDatabase, type Database } from '@wirehook/storage';
import { createTempPostgresDatabase, repoRoot } from '@wirehook/testing';
import { WirehookProcess } from './wirehook-process';

// The build script plugins run before `npm pack`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPlugin } = require(join(repoRoot(), 'libs', 'plugin-sdk', 'tools', 'build-plugin.js')) as { buildPlugin(dir: string): string[] };

/** A built copy of plugins/webhook with another version: what its author has before publishing. */
function webhookFolder(dest: string, version: string): string {
  const source = join(repoRoot(), 'plugins', 'webhook');
  mkdirSync(dest, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'CHANGELOG.md', 'src']) cpSync(join(source, entry), join(dest, entry), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8')) as { version: string };
  pkg.version = version;
  writeFileSync(join(dest, 'package.json'), JSON.stringify(pkg, null, 2));
  buildPlugin(dest);
  return dest;
}

/** `wirehook plugins …` as a child process against a hub running in this process. */
describe('wirehook plugins', () => {
  let work: string;
  let drop: () => Promise<void>;
  let database: Database;
  let bus: InProcessBus;
  let hub: RunningHub;

  const plugins = async (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const child = new WirehookProcess(['plugins', ...args, '--set', `hub.url=${hub.url}`], { cwd: work, env: { WIREHOOK_TOKEN: hub.adminToken } });
    const code = await child.exitCode();
    return { code, stdout: child.stdout, stderr: child.stderr };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wirehook-plugins-cli-'));
    const temp = await createTempPostgresDatabase();
    drop = temp.drop;
    const config = configSchema.parse({
      hub: { host: '127.0.0.1', port: 0 },
      database: { url: temp.url, dataDir: join(work, 'data') },
      plugins: { dir: join(work, 'plugins') },
      scripting: { source: '', watchScripts: false, consoleToStdout: false },
    });
    database = await openDatabase({ url: temp.url, dataDir: config.database.dataDir });
    bus = new InProcessBus();
    hub = await startHub({ config, bus, database, metrics: new Registry() });
    await database.agents.create({ title: 'Uses webhook', source: "// Uses webhook\nfunction onHubAction(a, o) { vendor.webhook('POST', 'http://127.0.0.1:9/x', o); }\n", author: 'test' });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await bus?.close();
    await database?.close();
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs a folder (packed and uploaded), lists it, refuses a major upgrade without --yes, upgrades with it, removes it', async () => {
    const install = await plugins(['install', webhookFolder(join(work, 'webhook-1'), '1.0.0')]);
    expect(install).toMatchObject({ code: 0, stdout: 'installed @wirehook/plugin-webhook@1.0.0; every node loads it now\n' });

    const list = await plugins(['list']);
    expect(list.stdout).toBe('@wirehook/plugin-webhook@1.0.0  loaded  vendor.webhook\n');

    const folder2 = webhookFolder(join(work, 'webhook-2'), '2.0.0');
    const refused = await plugins(['upgrade', '@wirehook/plugin-webhook', folder2]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('1.0.0 → 2.0.0 (major)\n  agent "Uses webhook" calls vendor.webhook\n');
    expect(refused.stderr).toContain('warning: major version change 1.0.0 → 2.0.0: 1 agent(s) and 0 flow(s) call its helpers');
    expect(refused.stderr).toContain('is a major version change: check the agents and flows above, then repeat with --yes');

    const upgraded = await plugins(['upgrade', '@wirehook/plugin-webhook', folder2, '--yes']);
    expect(upgraded.code).toBe(0);
    expect(upgraded.stdout).toContain('upgraded @wirehook/plugin-webhook to 2.0.0\n');

    const removed = await plugins(['remove', '@wirehook/plugin-webhook']);
    expect(removed).toMatchObject({ code: 0, stdout: 'removed @wirehook/plugin-webhook@2.0.0\n' });
    expect(removed.stderr).toBe('these agents still call its helpers: Uses webhook\n');
    expect((await plugins(['list'])).stdout).toBe('no plugins installed\n');
  }, 120_000);

  it('shows the hub’s refusal with every reason', async () => {
    const future = webhookFolder(join(work, 'webhook-future'), '3.0.0');
    const pkg = JSON.parse(readFileSync(join(future, 'package.json'), 'utf8')) as { wirehook: { host: string; apiVersion: number } };
    pkg.wirehook.host = '>=42.0.0';
    pkg.wirehook.apiVersion = 7;
    writeFileSync(join(future, 'package.json'), JSON.stringify(pkg));
    const refused = await plugins(['install', future]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('POST /api/plugins/upload: 422 @wirehook/plugin-webhook@3.0.0 is not compatible with this host');
    expect(refused.stderr).toContain('\n  - plugin API version 7 is not supported: this host implements plugin API version 1\n  - needs Wirehook >=42.0.0, this host is Wirehook');
  }, 60_000);
});
