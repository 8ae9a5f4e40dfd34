import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@wirehook/testing';

// The build script plugins run before `npm pack` (plain JS, so `npm run build` needs no TypeScript loader).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPlugin } = require(join(repoRoot(), 'libs', 'plugin-sdk', 'tools', 'build-plugin.js')) as { buildPlugin(dir: string): string[] };

type PackageJson = { name: string; version: string; wirehook: { host: string; helpers: unknown[] } } & Record<string, unknown>;

/**
 * A built copy of one of the repository's plugins in `dest` (its package.json edited by `edit`):
 * what a plugin author has before `npm pack`.
 */
export function builtPlugin(plugin: 'webhook' | 'slack' | 'kinesis' | 'influxdb', dest: string, edit: (pkg: PackageJson) => void = () => undefined): string {
  const source = join(repoRoot(), 'plugins', plugin);
  mkdirSync(dest, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'CHANGELOG.md', 'src']) cpSync(join(source, entry), join(dest, entry), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8')) as PackageJson;
  edit(pkg);
  writeFileSync(join(dest, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  buildPlugin(dest);
  return dest;
}

/** `npm pack` of a built plugin folder into `outDir`; returns the tarball's path. */
export function npmPack(folder: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const stdout = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', outDir], { cwd: folder, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(outDir, filename.replace(/^@/, '').replace('/', '-'));
}

export const WEBHOOK = '@wirehook/plugin-webhook';
export const WEBHOOK_PATH = encodeURIComponent(WEBHOOK);

/** On every pod event, on every node: a webhook to `<url>/pods` once the helper exists. */
export function podNotifier(url: string): string {
  return `// Pod notifier
function onPodEvent(event, pod, change) {
  if (typeof vendor.webhook !== 'function') { console.log('no webhook on ' + utils.nodeName()); return; }
  console.log('answer: ' + vendor.webhook('POST', '${url}/pods', { node: utils.nodeName(), pod: pod.metadata.name, event: event }));
}
`;
}

/** What podNotifier posts. */
export interface PodNotice {
  node: string;
  pod: string;
  event: string;
}
