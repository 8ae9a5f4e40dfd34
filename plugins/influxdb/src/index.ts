import type { PluginModule } from '@wirehook/plugin-sdk';
import { writePoint } from './write-point';

/** The plugin's entry: `vendor.influxdb`. */
export const helpers: PluginModule['helpers'] = { influxdb: writePoint };
