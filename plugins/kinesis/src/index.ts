import type { PluginModule } from '@wirehook/plugin-sdk';
import { closeClients, kinesisPut } from './kinesis-put';

/** The plugin's entry: `vendor.kinesis.put` (export name `kinesis.put`). */
export const helpers: PluginModule['helpers'] = { 'kinesis.put': kinesisPut };

export function close(): void {
  closeClients();
}
