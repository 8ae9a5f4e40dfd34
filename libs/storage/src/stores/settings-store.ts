import type { DataSource } from 'typeorm';
import { checkName, toJsonText } from './store-helpers';

interface SettingRow {
  key: string;
  value: unknown;
}

/**
 * Run-time settings as JSON values by key. Reads go through plain SQL because TypeORM re-parses
 * jsonb strings that the driver has already parsed (a stored "text" value would fail to load).
 */
export class SettingsStore {
  constructor(private readonly dataSource: DataSource) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const rows: SettingRow[] = await this.dataSource.query(`SELECT "key", "value" FROM "settings" WHERE "key" = $1`, [key]);
    return rows.length === 0 ? undefined : (rows[0].value as T);
  }

  /** Every setting, by key. */
  async all(): Promise<Record<string, unknown>> {
    const rows: SettingRow[] = await this.dataSource.query(`SELECT "key", "value" FROM "settings" ORDER BY "key"`);
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  /** Stores any JSON value (null included); undefined and functions are refused. */
  async set(key: string, value: unknown): Promise<void> {
    checkName('setting key', key);
    await this.dataSource.query(
      `INSERT INTO "settings" ("key", "value", "updated_at") VALUES ($1, $2::jsonb, $3)
       ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updated_at" = EXCLUDED."updated_at"`,
      [key, toJsonText(`setting ${key}`, value), new Date()],
    );
  }

  /** False if there was no such setting. */
  async delete(key: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from('settings')
      .where('"key" = :key', { key })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
