import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBus } from '@wirehook/bus';
import type { WirehookConfig } from '@wirehook/contracts';
import { createProcessLogger, onShutdownSignal } from '@wirehook/process';
import { startWorker } from './start-worker';
import { startMetricsServer } from './status/metrics-server';

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
  const { metricsHost, metricsPort } = config.worker;
  const metricsServer = metricsPort > 0 ? await startMetricsServer(metrics, metricsHost, metricsPort) : undefined;
  logger.info(
    `worker ${config.node.name} running: capture ${worker.captureDescription}; bus ${bus.description}` +
      (metricsServer ? `; metrics ${metricsServer.url}/metrics` : ''),
  );
  await onShutdownSignal(logger, async () => {
    await metricsServer?.close();
    await worker.close();
    await bus.close();
  });
}
