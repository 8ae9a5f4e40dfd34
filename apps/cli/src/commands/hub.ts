import type { Command } from 'commander';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';

/** `wirehook hub`: the hub alone, reaching workers over NATS. */
export function registerHubCommand(program: Command): void {
  addConfigOptions(program.command('hub').description('run the hub alone (needs NATS_URL; DATABASE_URL for PostgreSQL)')).action(
    // The hub's code is loaded when the command runs: the other commands start without it.
    async (flags: ConfigFlags) => (await import('@wirehook/hub')).runHubProcess(configFromFlags(flags, 'hub').config),
  );
}
