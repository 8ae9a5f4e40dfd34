import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runInThisContext } from 'node:vm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { storageEntities } from '../entities';
import { DatabaseOpenError } from '../errors';
import { storageMigrations } from '../migrations';
import { AgentStore } from '../stores/agent-store';
import { FlowStore } from '../stores/flow-store';
import { PluginStore } from '../stores/plugin-store';
import { SettingsStore } from '../stores/settings-store';
import { TokenStore } from '../stores/token-store';
import type * as PgliteModule from '@electric-sql/pglite';
import { acquireDataDirLock } from './data-dir-lock';
import { describeError } from './describe-error';
import { pgliteDriverModule } from './pglite-pool';
import { createPglite, defaultTemplateCacheDir } from './pglite-template';
import { redactUrl } from './redact-url';
import { runMigrations } from './run-migrations';

/** What storage logs: where it opened, how long it took, which migrations it applied. pino fits. */
export interface StorageLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface OpenDatabaseOptions {
  /** `postgres://…` — use this PostgreSQL server. Absent or empty: PGlite under `dataDir`. */
  url?: string;
  /** Folder for the embedded database (`<dataDir>/pglite`); created if missing. */
  dataDir: string;
  logger?: StorageLogger;
  /**
   * PGlite only: where a dump of a pristine cluster is kept so that fresh data folders need no
   * initdb (see createPglite); `false` disables it. Default: defaultTemplateCacheDir().
   */
  templateCacheDir?: string | false;
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data is, safe to log: the URL with its password hidden, or the PGlite folder. */
  readonly location: string;
  /** Migrations applied by this open (empty when the schema was already current). */
  readonly appliedMigrations: readonly string[];
  /** For health checks and tools; application code goes through the stores. */
  readonly dataSource: DataSource;
  readonly agents: AgentStore;
  readonly flows: FlowStore;
  readonly plugins: PluginStore;
  readonly settings: SettingsStore;
  readonly tokens: TokenStore;
  /** Throws if the database stopped answering. */
  ping(): Promise<void>;
  /** Closes the connections (PGlite: flushes to disk and releases the data folder). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL (when `url` is given) or the embedded PGlite, then applies pending migrations —
 * the same migrations for both; the schema is never synchronised from the entities.
 * Failures are DatabaseOpenError naming the place and the reason, never the password.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const started = Date.now();
  const opened = options.url
    ? await openPostgres(options.url, options.logger)
    : await openPglite(options.dataDir, options.templateCacheDir ?? defaultTemplateCacheDir(), options.logger);
  const { dataSource, location } = opened;
  let appliedMigrations: string[];
  try {
    appliedMigrations = await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    opened.release();
    throw new DatabaseOpenError(location, `migrations failed: ${describeError(error)}`, error);
  }
  const kind = options.url ? 'postgres' : 'pglite';
  const migrated = appliedMigrations.length > 0 ? `applied ${appliedMigrations.join(', ')}` : 'schema up to date';
  options.logger?.info(`storage: opened ${kind} ${location}${opened.detail ? ` (${opened.detail})` : ''} in ${Date.now() - started} ms; ${migrated}`);

  let closing: Promise<void> | undefined;
  return {
    kind,
    location,
    appliedMigrations,
    dataSource,
    agents: new AgentStore(dataSource),
    flows: new FlowStore(dataSource),
    plugins: new PluginStore(dataSource),
    settings: new SettingsStore(dataSource),
    tokens: new TokenStore(dataSource),
    async ping() {
      await dataSource.query('SELECT 1');
    },
    close() {
      closing ??= (async () => {
        try {
          if (dataSource.isInitialized) await dataSource.destroy();
        } finally {
          opened.release();
        }
      })();
      return closing;
    },
  };
}

interface OpenedDataSource {
  dataSource: DataSource;
  location: string;
  /** Frees what the open held beyond the DataSource (the PGlite folder lock). */
  release(): void;
  /** Said in the open's log line. */
  detail?: string;
}

const common = {
  type: 'postgres',
  entities: storageEntities,
  migrations: storageMigrations,
  migrationsTableName: 'migrations',
  synchronize: false,
  migrationsRun: false,
  logging: false,
} as const;

async function openPostgres(url: string, logger: StorageLogger | undefined): Promise<OpenedDataSource> {
  const location = redactUrl(url);
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new DatabaseOpenError(location, 'the URL must start with postgres:// or postgresql://');
  }
  const dataSource = new DataSource({
    ...common,
    url,
    applicationName: 'wirehook',
    connectTimeoutMS: 10_000,
    // An idle pooled connection that breaks (server restart) is dropped and replaced by pg; say so.
    poolErrorHandler: (error: unknown) => logger?.warn(`storage: ${location}: ${describeError(error)}`),
  } satisfies DataSourceOptions);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new DatabaseOpenError(location, describeError(error), error);
  }
  return { dataSource, location, release: () => undefined };
}

async function openPglite(dataDir: string, templateCacheDir: string | false, logger: StorageLogger | undefined): Promise<OpenedDataSource> {
  const folder = join(resolve(dataDir), 'pglite');
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new DatabaseOpenError(folder, `cannot create the data folder: ${describeError(error)}`, error);
  }
  const lockPath = `${folder}.lock`;
  const lock = acquireDataDirLock(lockPath);
  if ('heldBy' in lock) {
    throw new DatabaseOpenError(
      folder,
      `the data folder is in use by process ${lock.heldBy} (${lockPath}); stop it or point dataDir elsewhere`,
    );
  }
  try {
    const { module, version } = loadPglite();
    // Without a known PGlite version a template could be loaded by a release it does not fit.
    const { pglite, origin } = await createPglite({ PGlite: module.PGlite, pgliteVersion: version ?? '', folder, templateCacheDir: version ? templateCacheDir : false, logger });
    const dataSource = new DataSource({ ...common, driver: pgliteDriverModule(pglite) } satisfies DataSourceOptions);
    try {
      await dataSource.initialize();
    } catch (error) {
      await pglite.close().catch(() => undefined);
      throw error;
    }
    return { dataSource, location: folder, release: lock.release, detail: origin === 'existing' ? undefined : `new cluster ${origin === 'template' ? 'from the template' : 'by initdb'}` };
  } catch (error) {
    lock.release();
    throw new DatabaseOpenError(folder, describeError(error), error);
  }
}

/**
 * PGlite's CommonJS build, loaded only when PGlite is used (nothing to pay on PostgreSQL) and with
 * Node's own `require` taken from the main context. In plain Node that is exactly
 * `require('@electric-sql/pglite')`. Under Jest it matters: PGlite calls `import('fs/promises')`
 * internally, which Jest's module sandbox refuses without --experimental-vm-modules, and Jest
 * replaces `createRequire`/`getBuiltinModule` inside the sandbox — but not on the host `process`.
 */
function loadPglite(): { module: typeof PgliteModule; version: string | undefined } {
  const hostProcess = runInThisContext('process') as NodeJS.Process;
  const { createRequire } = hostProcess.getBuiltinModule('node:module');
  const hostRequire = createRequire(__filename);
  return {
    module: hostRequire('@electric-sql/pglite') as typeof PgliteModule,
    version: packageVersionAbove(hostRequire.resolve('@electric-sql/pglite')),
  };
}

/** The version in the nearest package.json above `file` (PGlite does not export its package.json). */
function packageVersionAbove(file: string): string | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  }
  return undefined;
}
