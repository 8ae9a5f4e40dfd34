import { join, resolve } from 'node:path';
import type { WirehookConfig } from '@wirehook/contracts';

/** The shared plugins folder of a node: `plugins.dir`, default `<database.dataDir>/plugins`. */
export function pluginsDirOf(config: WirehookConfig): string {
  return resolve(config.plugins.dir ?? join(config.database.dataDir, 'plugins'));
}
