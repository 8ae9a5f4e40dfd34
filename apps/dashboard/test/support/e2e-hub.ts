import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema, type WirehookConfigInput } from '@wirehook/contracts';
import { startHub, type RunningHub } from '@wirehook/hub';
import { openDatabase, type Database } from '@wirehook/storage';
import { createTempPostgresDatabase, sharedPcap } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '@wirehook/worker';

/** A hub serving the built dashboard and a worker replaying a shared capture, in this process, on an in-process bus. */
export interface E2eHub {
  url: string;
  adminToken: string;
  hub: RunningHub;
  worker: RunningWorker;
  bus: InProcessBus;
  database: Database;
  close(): Promise<void>;
}

export interface E2eHubOptions {
  /** Capture the worker replays in a loop at its own pace (default http-mixed.pcap: 19 exchanges in 2.7 s, one a 500). */
  capture?: string;
  /** scripting.env the agents read. */
  env?: Record<string, string>;
  /** Folder of the captures the dry run offers (default: the worker's bundled one). */
  capturesDir?: string;
  /** Further configuration (plugins, …). */
  config?: WirehookConfigInput;
}

export async function startE2eHub(options: E2eHubOptions = {}): Promise<E2eHub> {
  const postgres = await createTempPostgresDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-dashboard-e2e-'));
  const config = configSchema.parse({
    ...options.config,
    node: { name: 'e2e-worker' },
    hub: { host: '127.0.0.1', port: 0, ...(options.capturesDir ? { capturesDir: options.capturesDir } : {}) },
    database: { url: postgres.url, dataDir },
    scripting: { source: '', watchScripts: false, consoleToStdout: false, env: options.env ?? {} },
    tap: { pcap: options.capture ?? sharedPcap('http-mixed.pcap'), loop: true, speed: 1, recording: { enabled: false } },
  });
  const bus = new InProcessBus();
  const database = await openDatabase({ url: postgres.url, dataDir });
  const metrics = new Registry();
  const hub = await startHub({ config, bus, database, metrics, adminToken: 'every-start' });
  const worker = await startWorker({ config, bus, metrics, logger: pino({ level: 'silent' }), version: 'e2e' });
  if (!hub.adminToken) throw new Error('the hub created no admin token');
  return {
    url: hub.url,
    adminToken: hub.adminToken,
    hub,
    worker,
    bus,
    database,
    async close() {
      await worker.close();
      await hub.close();
      await bus.close();
      await database.close();
      await postgres.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
