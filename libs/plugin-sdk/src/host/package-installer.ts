import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import semver from 'semver';
import { extract } from 'tar-fs';
import { pluginPackageKey } from '@wirehook/contracts';
import { assertCompatible, type HostInfo } from '../compatibility';
import type { PluginPackage } from '../manifest';
import { readPluginPackageDir } from '../read-manifest';
import { loadPluginModule, pluginPackagePath } from './plugin-module';

/** Where a plugin comes from. */
export type PluginSource =
  | { kind: 'folder'; path: string }
  | { kind: 'tarball'; path: string }
  /** `name@version` (or any spec `npm pack` accepts) from the npm registry. */
  | { kind: 'registry'; spec: string };

export interface InstallerOptions {
  /** The node's plugins folder. */
  pluginsDir: string;
  host: HostInfo;
  /**
   * When a dependency is neither bundled in the tarball nor present on the host in a matching
   * version, run `npm install --omit=dev` in the plugin folder (needs the registry). Default false.
   */
  installDependencies?: boolean;
  /** The npm executable; default `npm`. */
  npm?: string;
}

/** A plugin unpacked and checked in a staging folder, not yet visible to any node. */
export interface StagedPlugin {
  pkg: PluginPackage;
  /** The unpacked package (staging). */
  dir: string;
  /** The tarball it came from (staging). */
  tarball: string;
  /** Dependencies linked from the host (name → folder) and the ones installed with npm. */
  linked: Record<string, string>;
  installed: boolean;
  /** Moves it to `<pluginsDir>/packages/<name>@<version>` (replacing that version) and keeps the tarball; returns the folder. */
  commit(): Promise<string>;
  /** Removes the staging folder. */
  discard(): Promise<void>;
}

/** The source cannot be read: no such folder or tarball, `npm pack` failed, not an npm tarball. */
export class PluginSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginSourceError';
  }
}

/** A dependency the plugin needs that the host cannot provide. */
export class PluginDependencyError extends Error {
  constructor(
    readonly plugin: string,
    readonly missing: string[],
  ) {
    super(`${plugin}: dependencies not available: ${missing.join(', ')} (bundle them in the tarball, install them on the host, or set plugins.installDependencies)`);
    this.name = 'PluginDependencyError';
  }
}

/**
 * Turns any source into a tarball (`npm pack` for a folder, `npm pack name@version` for the
 * registry), unpacks it into a staging folder under the plugins folder, reads and checks the
 * manifest, checks compatibility, makes every runtime dependency resolvable (bundled, linked from
 * the host's node_modules when the version matches, or `npm install` if allowed) and loads the
 * code once to see it exports what the manifest declares. Throws ManifestError,
 * IncompatiblePluginError, PluginDependencyError or PluginLoadError with the reasons.
 */
export async function stagePlugin(source: PluginSource, options: InstallerOptions): Promise<StagedPlugin> {
  const pluginsDir = resolve(options.pluginsDir);
  await mkdir(pluginsDir, { recursive: true });
  const staging = await mkdtemp(join(pluginsDir, '.staging-'));
  const discard = () => rm(staging, { recursive: true, force: true });
  try {
    const tarball = await obtainTarball(source, staging, options.npm ?? 'npm');
    const dir = join(staging, 'package');
    await unpackTarball(tarball, dir);
    const pkg = readPluginPackageDir(dir);
    assertCompatible(pkg, options.host);
    const { linked, installed } = await provideDependencies(dir, pkg, options);
    loadPluginModule(dir, pkg);
    return {
      pkg,
      dir,
      tarball,
      linked,
      installed,
      discard,
      commit: async () => {
        const target = pluginPackagePath(pluginsDir, pkg.name, pkg.version);
        await mkdir(dirname(target), { recursive: true });
        if (existsSync(target)) {
          // Same version again: the old files move aside first so the swap is one rename.
          const aside = join(staging, 'replaced');
          await rename(target, aside);
        }
        await rename(dir, target);
        const tarballs = join(pluginsDir, 'tarballs');
        await mkdir(tarballs, { recursive: true });
        await copyFile(tarball, join(tarballs, `${basename(target)}.tgz`));
        await discard();
        return target;
      },
    };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** Removes every unpacked version and kept tarball of a plugin from the plugins folder. */
export async function removePluginFiles(pluginsDir: string, name: string, keepVersion?: string): Promise<void> {
  const prefix = pluginPackageKey(name, '');
  for (const [folder, suffix] of [['packages', ''], ['tarballs', '.tgz']] as const) {
    const dir = join(resolve(pluginsDir), folder);
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.startsWith(prefix) || !entry.endsWith(suffix)) continue;
      const version = entry.slice(prefix.length, entry.length - suffix.length);
      if (version === keepVersion) continue;
      await rm(join(dir, entry), { recursive: true, force: true });
    }
  }
}

async function obtainTarball(source: PluginSource, staging: string, npm: string): Promise<string> {
  if (source.kind === 'tarball') {
    const file = resolve(source.path);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new PluginSourceError(`tarball ${file} does not exist`);
    const copy = join(staging, basename(file));
    await copyFile(file, copy);
    return copy;
  }
  if (source.kind === 'folder') {
    const folder = resolve(source.path);
    if (!existsSync(join(folder, 'package.json'))) throw new PluginSourceError(`folder ${folder} has no package.json`);
    // Scripts are not run: the folder must hold what it publishes (a built plugin).
    return npmPack(npm, folder, staging);
  }
  return npmPack(npm, source.spec, staging);
}

async function npmPack(npm: string, spec: string, destination: string): Promise<string> {
  let stdout: string;
  try {
    stdout = await run(npm, ['pack', spec, '--ignore-scripts', '--json', '--pack-destination', destination], destination);
  } catch (error) {
    throw new PluginSourceError((error as Error).message);
  }
  let files: Array<{ filename: string }>;
  try {
    files = JSON.parse(stdout) as Array<{ filename: string }>;
  } catch {
    throw new PluginSourceError(`npm pack ${spec} printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const filename = files[0]?.filename;
  if (!filename) throw new PluginSourceError(`npm pack ${spec} produced no tarball`);
  // npm names scoped tarballs `scope-name-1.0.0.tgz` and reports the same.
  return join(destination, basename(filename.replace(/^@/, '').replace('/', '-')));
}

/** Unpacks an npm tarball (root folder, usually `package/`, stripped); only files and folders. */
async function unpackTarball(tarball: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  try {
    await pipeline(
      createReadStream(tarball),
      createGunzip(),
      extract(dir, {
        strip: 1,
        ignore: (_name, header) => header !== undefined && header.type !== 'file' && header.type !== 'directory',
        dmode: 0o755,
        fmode: 0o644,
      }),
    );
  } catch (error) {
    throw new PluginSourceError(`${basename(tarball)} is not a readable npm tarball: ${(error as Error).message}`);
  }
  if (!existsSync(join(dir, 'package.json'))) throw new PluginSourceError(`${basename(tarball)} has no package.json at its root`);
}

async function provideDependencies(dir: string, pkg: PluginPackage, options: InstallerOptions): Promise<{ linked: Record<string, string>; installed: boolean }> {
  const linked: Record<string, string> = {};
  const missing: string[] = [];
  const hostRequire = createRequire(__filename);
  for (const [dependency, range] of Object.entries(pkg.dependencies)) {
    if (existsSync(join(dir, 'node_modules', dependency, 'package.json'))) continue; // bundled
    const found = findHostPackage(hostRequire, dependency);
    if (found && (semver.satisfies(found.version, range, { includePrerelease: true }) || !semver.validRange(range))) {
      const link = join(dir, 'node_modules', dependency);
      await mkdir(dirname(link), { recursive: true });
      await symlink(found.dir, link, 'junction');
      linked[dependency] = found.dir;
    } else {
      missing.push(found ? `${dependency}@${range} (the host has ${found.version})` : `${dependency}@${range}`);
    }
  }
  if (missing.length === 0) return { linked, installed: false };
  if (!options.installDependencies) throw new PluginDependencyError(pkg.name, missing);
  // npm rebuilds node_modules from package.json: the host links made above are replaced by installs.
  await run(options.npm ?? 'npm', ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], dir);
  return { linked: {}, installed: true };
}

/** A package folder the host itself would load, with its version. */
function findHostPackage(hostRequire: NodeJS.Require, name: string): { dir: string; version: string } | undefined {
  for (const base of hostRequire.resolve.paths(name) ?? []) {
    const manifest = join(base, name, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '0.0.0';
      return { dir: join(base, name), version };
    } catch {
      continue;
    }
  }
  return undefined;
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout: 300_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${(stderr || error.message).trim().split('\n').slice(-5).join(' | ')}`));
        else resolveRun(stdout);
      },
    );
  });
}
