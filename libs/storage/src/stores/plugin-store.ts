import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { PluginEntity } from '../entities';
import { InvalidInputError, NotFoundError } from '../errors';
import { checkName, toJsonText } from './store-helpers';

export interface InstalledPlugin {
  /** npm package name. */
  name: string;
  version: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** When the current version was installed. */
  installedAt: Date;
  updatedAt: Date;
}

export interface PluginInstall {
  name: string;
  version: string;
  /** Default: true on first install, unchanged on upgrade. */
  enabled?: boolean;
  /** Default: {} on first install, unchanged on upgrade. */
  settings?: Record<string, unknown>;
}

/** Which plugins are installed, at which version, enabled or not, with which settings. */
export class PluginStore {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<InstalledPlugin[]> {
    const rows = await this.dataSource.getRepository(PluginEntity).find({ order: { name: 'ASC' } });
    return rows.map(toPlugin);
  }

  async find(name: string): Promise<InstalledPlugin | undefined> {
    const row = await this.dataSource.getRepository(PluginEntity).findOneBy({ name });
    return row ? toPlugin(row) : undefined;
  }

  async get(name: string): Promise<InstalledPlugin> {
    const plugin = await this.find(name);
    if (!plugin) throw new NotFoundError('plugin', name);
    return plugin;
  }

  /** Records an install or an upgrade (one statement, so concurrent installs cannot collide). */
  async recordInstall(install: PluginInstall): Promise<InstalledPlugin> {
    const name = checkName('plugin name', install.name, 214);
    const version = checkName('plugin version', install.version, 64);
    const settings = install.settings === undefined ? undefined : checkSettings(install.settings);
    const now = new Date();
    await this.dataSource.query(
      `INSERT INTO "plugins" ("name", "version", "enabled", "settings", "installed_at", "updated_at")
       VALUES ($1, $2, $3, $4::jsonb, $5, $5)
       ON CONFLICT ("name") DO UPDATE SET
         "version" = EXCLUDED."version",
         "enabled" = CASE WHEN $6::boolean THEN EXCLUDED."enabled" ELSE "plugins"."enabled" END,
         "settings" = CASE WHEN $7::boolean THEN EXCLUDED."settings" ELSE "plugins"."settings" END,
         "installed_at" = EXCLUDED."installed_at",
         "updated_at" = EXCLUDED."updated_at"`,
      [name, version, install.enabled ?? true, settings ?? '{}', now, install.enabled !== undefined, settings !== undefined],
    );
    return this.get(name);
  }

  async setEnabled(name: string, enabled: boolean): Promise<InstalledPlugin> {
    return this.change(name, { enabled });
  }

  /** Replaces the plugin's settings. */
  async updateSettings(name: string, settings: Record<string, unknown>): Promise<InstalledPlugin> {
    checkSettings(settings);
    return this.change(name, { settings });
  }

  /** Forgets an uninstalled plugin; false if it was not recorded. */
  async remove(name: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(PluginEntity).delete({ name });
    return (result.affected ?? 0) > 0;
  }

  private async change(name: string, values: Partial<Pick<PluginEntity, 'enabled' | 'settings'>>): Promise<InstalledPlugin> {
    // TypeORM's deep-partial type cannot express Record<string, unknown>; the value is plain JSON.
    const update = { ...values, updatedAt: new Date() } as QueryDeepPartialEntity<PluginEntity>;
    const result = await this.dataSource.getRepository(PluginEntity).update({ name }, update);
    if (result.affected !== 1) throw new NotFoundError('plugin', name);
    return this.get(name);
  }
}

function checkSettings(settings: Record<string, unknown>): string {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new InvalidInputError('plugin settings', 'must be a JSON object');
  }
  return toJsonText('plugin settings', settings);
}

function toPlugin(row: PluginEntity): InstalledPlugin {
  return {
    name: row.name,
    version: row.version,
    enabled: row.enabled,
    settings: row.settings,
    installedAt: row.installedAt,
    updatedAt: row.updatedAt,
  };
}
