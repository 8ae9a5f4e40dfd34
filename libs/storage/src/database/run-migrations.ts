import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed number: every Wirehook hub agrees on it. */
const MIGRATION_LOCK_KEY = 0x57484b4d; // "WHKM"

/**
 * Runs pending migrations in one transaction, holding a PostgreSQL advisory lock so that two hub
 * replicas starting together do not both apply them. Returns the names applied now (empty if none).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner('master');
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      // A broken session has released the lock already; keep the original error.
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await queryRunner.release();
  }
}
