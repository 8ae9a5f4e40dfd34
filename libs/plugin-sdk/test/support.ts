import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ECHO_FIXTURE = join(__dirname, 'fixtures', 'echo-plugin');

export type Json = Record<string, unknown>;

/** The echo fixture's package.json, parsed (a fresh copy each time). */
export function echoPackageJson(): Json & { wirehook: Json & { helpers: Json[] } } {
  return JSON.parse(readFileSync(join(ECHO_FIXTURE, 'package.json'), 'utf8'));
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `wirehook-sdk-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the echo fixture to `dest`, with its package.json changed by `edit`. */
export function echoCopy(dest: string, edit: (pkg: ReturnType<typeof echoPackageJson>) => void = () => undefined): string {
  cpSync(ECHO_FIXTURE, dest, { recursive: true });
  const pkg = echoPackageJson();
  edit(pkg);
  writeFileSync(join(dest, 'package.json'), JSON.stringify(pkg, null, 2));
  return dest;
}
