import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as PgliteModule from '@electric-sql/pglite';
import { describeError } from './describe-error';
import type { StorageLogger } from './open-database';

type PgliteClass = typeof PgliteModule.PGlite;
type PgliteInstance = PgliteModule.PGlite;

/**
 * Where fresh-cluster templates are kept: `WIREHOOK_CACHE_DIR`, else `$XDG_CACHE_HOME/wirehook`,
 * else `~/.cache/wirehook`.
 */
export function defaultTemplateCacheDir(): string {
  if (process.env.WIREHOOK_CACHE_DIR) return process.env.WIREHOOK_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wirehook');
}

/** The template file for one PGlite release: a dump taken by another release may not load. */
export function templatePath(cacheDir: string, pgliteVersion: string): string {
  return join(cacheDir, `pglite-${pgliteVersion}-fresh-cluster.tar.gz`);
}

/** How the cluster in the folder came to be: it was there, loaded from the template, or made by initdb. */
export type ClusterOrigin = 'existing' | 'template' | 'initdb';

export interface CreatePgliteOptions {
  PGlite: PgliteClass;
  pgliteVersion: string;
  /** The data folder (exists). */
  folder: string;
  /** `false`: never read or write a template. */
  templateCacheDir: string | false;
  logger?: StorageLogger;
}

/**
 * Opens PGlite on `folder`. A folder without a cluster costs an initdb in WebAssembly (~5 s and
 * ~800 MB of memory on the CI machine); one loaded from a dump of a pristine cluster opens in
 * ~1.3 s with half the memory. So the first fresh open on a machine dumps its new, still empty
 * cluster (before any migration) to the template cache, and later fresh opens start from that
 * dump. Templates are an optimisation only: one that cannot be read, written or loaded is dropped
 * with a warning and the folder is initialised as before.
 */
export async function createPglite(options: CreatePgliteOptions): Promise<{ pglite: PgliteInstance; origin: ClusterOrigin }> {
  const { PGlite, folder, templateCacheDir, logger } = options;
  // PG_VERSION is the first file initdb writes and what PostgreSQL itself checks on start.
  if (existsSync(join(folder, 'PG_VERSION'))) return { pglite: await PGlite.create({ dataDir: folder }), origin: 'existing' };
  if (templateCacheDir === false) return { pglite: await PGlite.create({ dataDir: folder }), origin: 'initdb' };
  const template = templatePath(templateCacheDir, options.pgliteVersion);
  const dump = readTemplate(template, logger);
  if (dump) {
    try {
      return { pglite: await PGlite.create({ dataDir: folder, loadDataDir: new Blob([Uint8Array.from(dump)]) }), origin: 'template' };
    } catch (error) {
      logger?.warn(`storage: the PGlite template ${template} did not load (${describeError(error)}); removing it and initialising ${folder}`);
      rmSync(template, { force: true });
      // The folder held no cluster before; what the failed load left there goes.
      for (const entry of readdirSync(folder)) rmSync(join(folder, entry), { recursive: true, force: true });
    }
  }
  const pglite = await PGlite.create({ dataDir: folder });
  await saveTemplate(pglite, template, templateCacheDir, logger);
  return { pglite, origin: 'initdb' };
}

function readTemplate(template: string, logger: StorageLogger | undefined): Buffer | undefined {
  try {
    return existsSync(template) ? readFileSync(template) : undefined;
  } catch (error) {
    logger?.warn(`storage: cannot read the PGlite template ${template}: ${describeError(error)}`);
    return undefined;
  }
}

async function saveTemplate(pglite: PgliteInstance, template: string, cacheDir: string, logger: StorageLogger | undefined): Promise<void> {
  try {
    const dump = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: processes starting at the same time never read half a template.
    const partial = `${template}.${process.pid}.${Date.now()}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, template);
  } catch (error) {
    logger?.warn(`storage: cannot save a PGlite template in ${cacheDir} (fresh data folders will initialise from scratch): ${describeError(error)}`);
  }
}
