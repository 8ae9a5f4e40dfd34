import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@wirehook/testing';

/**
 * A built copy of the repository's webhook plugin in `dest` (what a plugin author has before
 * `npm pack`), with another version number when given: the hub installs it from this folder.
 */
export function builtWebhookPlugin(dest: string, version?: string): string {
  const source = join(repoRoot(), 'plugins', 'webhook');
  mkdirSync(dest, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'CHANGELOG.md', 'src']) cpSync(join(source, entry), join(dest, entry), { recursive: true });
  if (version) {
    const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8')) as { version: string };
    pkg.version = version;
    writeFileSync(join(dest, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  }
  // The plugins' own build script (plain JS): src/**/*.ts → dist/**/*.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildPlugin } = require(join(repoRoot(), 'libs', 'plugin-sdk', 'tools', 'build-plugin.js')) as { buildPlugin(dir: string): string[] };
  buildPlugin(dest);
  return dest;
}
