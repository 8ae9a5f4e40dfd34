import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { FileCaptureSource, LiveCaptureSource, type CaptureSource } from '@wirehook/capture';
import type { WirehookConfig } from '@wirehook/contracts';

/** Real traffic (see libs/worker/assets/README.md) replayed when nothing else is configured. */
export const BUNDLED_CAPTURE = join(__dirname, '..', '..', 'assets', 'demo-http.pcap');

/**
 * Chooses where packets come from: a live interface when one is configured and capture is
 * permitted; a configured pcap/pcapng file; otherwise the bundled capture in a loop.
 */
export async function createCaptureSource(config: WirehookConfig, logger: Logger): Promise<CaptureSource> {
  const { tap } = config;
  if (tap.interface) {
    try {
      return await LiveCaptureSource.open({ interface: tap.interface, filter: tap.filter });
    } catch (error) {
      logger.warn(`live capture on ${tap.interface} is not available (${(error as Error).message}); replaying the bundled capture instead`);
      return bundled(tap);
    }
  }
  if (tap.pcap) {
    const path = resolve(tap.pcap);
    if (!existsSync(path)) throw new Error(`tap.pcap: no such file ${path}`);
    return new FileCaptureSource(path, { loop: tap.loop, speed: tap.speed, rebaseTime: tap.loop });
  }
  return bundled(tap);
}

function bundled(tap: WirehookConfig['tap']): CaptureSource {
  // Looping demo traffic is shifted to the present so agents see live-looking timestamps.
  return new FileCaptureSource(BUNDLED_CAPTURE, { loop: true, speed: tap.speed || 1, rebaseTime: true });
}
