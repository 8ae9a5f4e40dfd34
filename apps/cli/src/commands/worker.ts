import type { Command } from 'commander';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';
import { WIREHOOK_VERSION } from '@wirehook/process';

/** `wirehook worker`: capture, dissection and worker-side agents, reporting to the hub over NATS. */
export function registerWorkerCommand(program: Command): void {
  addConfigOptions(program.command('worker').description('run one worker (needs NATS_URL; node name from NODE_NAME or the host name)')).action(
    // The worker's code is loaded when the command runs: the other commands start without it.
    async (flags: ConfigFlags) => (await import('@wirehook/worker')).runWorkerProcess(configFromFlags(flags).config, WIREHOOK_VERSION),
  );
}
