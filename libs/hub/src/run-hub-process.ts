import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBus } from '@wirehook/bus';
import type { WirehookConfig } from '@wirehook/contracts';
import { createProcessLogger, onShutdownSignal } from '@wirehook/process';
import { openDatabase } from '@wirehook/storage';
import { startHub } from './start-hub';

/**
 * The hub as its own process (`wirehook hub`, the hub image): reaches workers over NATS, keeps
 * agents in PostgreSQL (or PGlite), and runs until SIGINT/SIGTERM.
 */
export async function runHubProcess(config: WirehookConfig): Promise<void> {
  if (!config.nats.url) {
    throw new Error('the hub alone needs nats.url (NATS_URL) to reach its workers; run `wirehook start` for the all-in-one process');
  }
  const logger = createProcessLogger('wirehook-hub', config.logging.level);
  if (!config.database.url) logger.warn(`database.url (DATABASE_URL) is not set: using PGlite under ${config.database.dataDir}`);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const bus = await createBus({
    natsUrl: config.nats.url,
    name: 'wirehook-hub',
    maxPendingBytes: config.nats.maxPendingBytes,
    onError: (error, subject) => logger.warn(`bus handler on ${subject} failed: ${error.message}`),
    onStatus: (status) => logger.info(`NATS ${status}`),
  });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
  const hub = await startHub({ config, bus, database, metrics });
  logger.info(`hub API listening on ${hub.url}/api; bus ${bus.description}; database ${database.kind} ${database.location}`);
  // Shown once, on stdout (not in the log stream): the first admin token of this database.
  if (hub.adminToken) process.stdout.write(`Admin token (shown once): ${hub.adminToken}\n`);
  await onShutdownSignal(logger, async () => {
    await hub.close();
    await bus.close();
    await database.close();
  });
}
