import type { Command } from 'commander';
import { runWorkerProcess } from '@wirehook/worker';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';
import { WIREHOOK_VERSION } from '@wirehook/process';

/** `wirehook worker`: capture, dissection and worker-side agents, reporting to the hub over NATS. */
export function registerWorkerCommand(program: Command): void {
  addConfigOptions(program.command('worker').description('run one worker (needs NATS_URL; node name from NODE_NAME or the host name)')).action(
    (flags: ConfigFlags) => runWorkerProcess(configFromFlags(flags).config, WIREHOOK_VERSION),
  );
}
