import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (the folder holding nx.json), found from this file's location. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`nx.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * Path of a capture in the shared fixtures (`../shared/data/pcap` beside the checkout).
 * Fails loudly when the fixtures are missing rather than letting a test pass on nothing.
 */
export function sharedPcap(name: string): string {
  const path = join(repoRoot(), '..', 'shared', 'data', 'pcap', name);
  if (!existsSync(path)) throw new Error(`shared capture ${name} not found at ${path}`);
  return path;
}
