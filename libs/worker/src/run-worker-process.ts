import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBus } from '@wirehook/bus';
import type { WirehookConfig } from '@wirehook/contracts';
import { createProcessLogger, onShutdownSignal } from '@wirehook/process';
import { startWorker } from './start-worker';

/**
 * A worker as its own process (`wirehook worker`, the worker image, one per node): capture,
 * dissection and worker-side agents, reporting to the hub over NATS, until SIGINT/SIGTERM.
 */
export async function runWorkerProcess(config: WirehookConfig, version: string): Promise<void> {
  if (!config.nats.url) {
    throw new Error('a worker alone needs nats.url (NATS_URL) to reach the hub; run `wirehook start` for the all-in-one process');
  }
  const logger = createProcessLogger('wirehook-worker', config.logging.level);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const bus = await createBus({
    natsUrl: config.nats.url,
    name: `wirehook-worker-${config.node.name}`,
    maxPendingBytes: config.nats.maxPendingBytes,
    onError: (error, subject) => logger.warn(`bus handler on ${subject} failed: ${error.message}`),
    onStatus: (status) => logger.info(`NATS ${status}`),
  });
  const worker = await startWorker({ config, bus, metrics, logger, version });
  logger.info(`worker ${config.node.name} running: capture ${worker.captureDescription}; bus ${bus.description}`);
  await onShutdownSignal(logger, async () => {
    await worker.close();
    await bus.close();
  });
}
