import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { pluginPackageKey } from '@wirehook/contracts';
import type { AnyHelperFunction, AnyPluginHelper, PluginModule } from '../helper-contract';
import type { PluginPackage } from '../manifest';
import { helperExportName } from '../read-manifest';

/** A plugin whose code cannot be loaded or does not provide what its manifest declares. */
export class PluginLoadError extends Error {
  constructor(
    readonly plugin: string,
    readonly version: string,
    readonly problems: string[],
  ) {
    super(`${plugin}@${version} cannot be loaded: ${problems.join('; ')}`);
    this.name = 'PluginLoadError';
  }
}

/** Where a plugin version lives under the plugins folder: `<dir>/packages/<name with / as +>@<version>`. */
export function pluginPackagePath(pluginsDir: string, name: string, version: string): string {
  return join(resolve(pluginsDir), 'packages', pluginPackageKey(name, version));
}

/** A helper implementation in the one shape the host calls. */
export interface HelperImplementation {
  run: AnyHelperFunction;
  idempotent?: (args: unknown[]) => boolean;
}

/**
 * Loads a plugin's entry module from its unpacked folder with Node's own require (not a bundler's
 * or a test runner's), after dropping any earlier copy of that folder from the require cache, and
 * checks it exports every helper the manifest declares.
 */
export function loadPluginModule(dir: string, pkg: PluginPackage): PluginModule {
  const root = resolve(dir);
  const entry = resolve(root, pkg.main);
  if (entry !== root && !entry.startsWith(root + sep)) throw new PluginLoadError(pkg.name, pkg.version, [`"main" (${pkg.main}) points outside the package`]);
  const candidates = [entry, `${entry}.js`, join(entry, 'index.js')];
  if (!candidates.some((file) => existsSync(file))) {
    throw new PluginLoadError(pkg.name, pkg.version, [`entry file ${relative(root, entry) || pkg.main} is missing (was the plugin built before packing?)`]);
  }
  const nodeRequire = createRequire(join(root, 'package.json'));
  for (const key of Object.keys(nodeRequire.cache)) {
    if (key.startsWith(root + sep)) delete nodeRequire.cache[key];
  }
  let loaded: unknown;
  try {
    loaded = nodeRequire(entry);
  } catch (error) {
    throw new PluginLoadError(pkg.name, pkg.version, [`loading ${pkg.main} failed: ${(error as Error).message}`]);
  }
  return checkPluginModule(loaded, pkg);
}

/** Checks an already loaded module (in tests: the plugin's source imported directly). */
export function checkPluginModule(loaded: unknown, pkg: PluginPackage): PluginModule {
  const candidate = pickModule(loaded);
  if (!candidate) throw new PluginLoadError(pkg.name, pkg.version, ['the entry module exports no "helpers" object']);
  const problems: string[] = [];
  for (const helper of pkg.manifest.helpers) {
    const key = helperExportName(helper);
    if (!toImplementation(candidate.helpers[key])) problems.push(`${helper.name}: helpers.${key} is not exported as a function (or { run })`);
  }
  if (candidate.close !== undefined && typeof candidate.close !== 'function') problems.push('"close" must be a function');
  if (problems.length > 0) throw new PluginLoadError(pkg.name, pkg.version, problems);
  return candidate;
}

/** The implementation behind an export, or undefined when it is neither a function nor `{ run }`. */
export function toImplementation(exported: AnyPluginHelper | undefined): HelperImplementation | undefined {
  if (typeof exported === 'function') return { run: exported };
  if (exported && typeof exported === 'object' && typeof exported.run === 'function') {
    const idempotent = exported.idempotent;
    return { run: exported.run.bind(exported), idempotent: typeof idempotent === 'function' ? (args) => idempotent.call(exported, args) : undefined };
  }
  return undefined;
}

function pickModule(loaded: unknown): PluginModule | undefined {
  const isModule = (value: unknown): value is PluginModule =>
    typeof value === 'object' && value !== null && typeof (value as { helpers?: unknown }).helpers === 'object' && (value as { helpers: unknown }).helpers !== null;
  if (isModule(loaded)) return loaded;
  const fallback = (loaded as { default?: unknown } | null)?.default;
  return isModule(fallback) ? fallback : undefined;
}
