import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Bus } from '@wirehook/bus';
import type { WirehookConfig } from '@wirehook/contracts';

export interface WorkerOptions {
  config: WirehookConfig;
  bus: Bus;
  metrics: Registry;
  logger: Logger;
  /** Reported in heartbeats. */
  version: string;
}

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');

export function workerNodeName(config: WirehookConfig): string {
  return config.node.name ?? 'worker';
}
