import type { Logger } from 'pino';

/**
 * Waits for Ctrl-C / SIGTERM, then runs the cleanup once. A second signal, or a cleanup
 * that hangs past the grace period, exits at once with a non-zero code.
 */
export function onShutdownSignal(logger: Logger, cleanup: () => Promise<void>, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn(`${signal} again: exiting without finishing cleanup`);
        process.exit(130);
      }
      stopping = true;
      logger.info(`${signal}: stopping`);
      const timer = setTimeout(() => {
        logger.error(`cleanup did not finish within ${graceMs} ms: exiting`);
        process.exit(1);
      }, graceMs);
      timer.unref();
      cleanup()
        .then(() => {
          clearTimeout(timer);
          logger.info('stopped');
          resolve();
        })
        .catch((error: Error) => {
          logger.error(`cleanup failed: ${error.message}`);
          process.exitCode = 1;
          resolve();
        });
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
}
