import type { Command } from 'commander';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBus } from '@wirehook/bus';
import { startWorker } from '@wirehook/worker';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';
import { createProcessLogger } from '../logger';
import { onShutdownSignal } from '../shutdown';
import { WIREHOOK_VERSION } from '../version';

/** `wirehook worker`: capture, dissection and worker-side agents, reporting to the hub over NATS. */
export function registerWorkerCommand(program: Command): void {
  addConfigOptions(program.command('worker').description('run one worker (needs NATS_URL; node name from NODE_NAME or the host name)')).action(
    async (flags: ConfigFlags) => {
      const { config } = configFromFlags(flags);
      if (!config.nats.url) {
        throw new Error('a worker alone needs nats.url (NATS_URL) to reach the hub; run `wirehook start` for the all-in-one process');
      }
      const logger = createProcessLogger(`wirehook-worker`, config.logging.level);
      const metrics = new Registry();
      collectDefaultMetrics({ register: metrics });
      const bus = await createBus({
        natsUrl: config.nats.url,
        name: `wirehook-worker-${config.node.name}`,
        maxPendingBytes: config.nats.maxPendingBytes,
        onError: (error, subject) => logger.warn(`bus handler on ${subject} failed: ${error.message}`),
        onStatus: (status) => logger.info(`NATS ${status}`),
      });
      const worker = await startWorker({ config, bus, metrics, logger, version: WIREHOOK_VERSION });
      logger.info(`worker ${config.node.name} running: capture ${worker.captureDescription}; bus ${bus.description}`);
      await onShutdownSignal(logger, async () => {
        await worker.close();
        await bus.close();
      });
    },
  );
}
