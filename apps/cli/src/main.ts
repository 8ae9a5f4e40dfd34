import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '@wirehook/config';
import { registerStartCommand } from './commands/start';
import { registerHubCommand } from './commands/hub';
import { registerWorkerCommand } from './commands/worker';
import { registerReplayCommand } from './commands/replay';
import { registerTailCommand } from './commands/tail';
import { registerScriptsCommand } from './commands/scripts';
import { registerPluginsCommand } from './commands/plugins';
import { WIREHOOK_VERSION } from '@wirehook/process';

export function buildProgram(): Command {
  const program = new Command('wirehook')
    .description('Wirehook: network agents for Kubernetes — sandboxed ES5 scripts that react to live traffic')
    .version(WIREHOOK_VERSION)
    .showHelpAfterError();
  registerStartCommand(program);
  registerHubCommand(program);
  registerWorkerCommand(program);
  registerReplayCommand(program);
  registerTailCommand(program);
  registerScriptsCommand(program);
  registerPluginsCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`wirehook: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv);
