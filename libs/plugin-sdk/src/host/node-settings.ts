import { join, resolve } from 'node:path';
import type { WirehookConfig } from '@wirehook/contracts';

/** The plugins folder of a node (its own, or one shared with the hub): `plugins.dir`, default `<database.dataDir>/plugins`. */
export function pluginsDirOf(config: WirehookConfig): string {
  return resolve(config.plugins.dir ?? join(config.database.dataDir, 'plugins'));
}
