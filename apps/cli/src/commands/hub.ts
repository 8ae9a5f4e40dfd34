import type { Command } from 'commander';
import { runHubProcess } from '@wirehook/hub';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';

/** `wirehook hub`: the hub alone, reaching workers over NATS. */
export function registerHubCommand(program: Command): void {
  addConfigOptions(program.command('hub').description('run the hub alone (needs NATS_URL; DATABASE_URL for PostgreSQL)')).action(
    (flags: ConfigFlags) => runHubProcess(configFromFlags(flags, 'hub').config),
  );
}
