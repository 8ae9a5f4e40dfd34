import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '@wirehook/config';

export interface ConfigFlags {
  config?: string;
  set?: string[];
}

/** `--config FILE` and repeatable `--set key=value` (Kubeshark style), shared by every command. */
export function addConfigOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'configuration file (default: ./wirehook.yaml when present)')
    .option('--set <key=value>', 'override a configuration key, e.g. --set tap.pcap=./x.pcap (repeatable)', collect, []);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function configFromFlags(flags: ConfigFlags, defaultNodeName?: string): LoadedConfig {
  return loadConfig({ file: flags.config, set: flags.set, defaultNodeName });
}
