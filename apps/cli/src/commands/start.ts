import type { Command } from 'commander';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';
import { createProcessLogger, onShutdownSignal } from '@wirehook/process';
import { WIREHOOK_VERSION } from '@wirehook/process';

/** `wirehook start`: hub and one worker in one process on embedded defaults. */
export function registerStartCommand(program: Command): void {
  addConfigOptions(
    program.command('start').description('run hub and one worker in one process (in-process bus, PGlite under ./data unless configured)'),
  ).action(async (flags: ConfigFlags) => {
    const { config, sources } = configFromFlags(flags, 'local');
    // Loaded when the command runs, so that the other commands start without hub, worker and database code.
    const [{ collectDefaultMetrics, Registry }, { createBus }, { startHub }, { openDatabase }, { startWorker }] = await Promise.all([
      import('prom-client'),
      import('@wirehook/bus'),
      import('@wirehook/hub'),
      import('@wirehook/storage'),
      import('@wirehook/worker'),
    ]);
    const logger = createProcessLogger('wirehook', config.logging.level);
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });

    const bus = await createBus({
      natsUrl: config.nats.url,
      name: `wirehook-all-in-one-${config.node.name}`,
      maxPendingBytes: config.nats.maxPendingBytes,
      onError: (error, subject) => logger.warn(`bus handler on ${subject} failed: ${error.message}`),
      onStatus: (status) => logger.info(`NATS ${status}`),
    });
    const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
    const hub = await startHub({ config, bus, database, metrics });
    const worker = await startWorker({ config, bus, metrics, logger, version: WIREHOOK_VERSION });

    const lines = [
      `Wirehook ${WIREHOOK_VERSION} — all-in-one`,
      `  Dashboard   ${hub.url}/`,
      `  API         ${hub.url}/api   (docs: ${hub.url}/api/docs, metrics: ${hub.url}/metrics)`,
      `  Bus         ${bus.description}`,
      `  Database    ${database.kind} ${database.location}`,
      `  Capture     ${worker.captureDescription}`,
      `  Agents      ${[config.scripting.source, ...config.scripting.sources].join(', ')}${config.scripting.watchScripts ? ' (watched)' : ''}`,
      `  Config      ${sources.length ? sources.join(', ') : 'defaults'}`,
      `  Admin token ${hub.adminToken ?? '(none created: an admin token exists)'}   (new each start; send as "Authorization: Bearer <token>")`,
      '  Agent output follows. Press Ctrl-C to stop.',
    ];
    process.stdout.write(lines.join('\n') + '\n');

    await onShutdownSignal(logger, async () => {
      await worker.close();
      await hub.close();
      await bus.close();
      await database.close();
    });
  });
}
