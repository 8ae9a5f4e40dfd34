import type { Registry } from 'prom-client';
import type { Bus } from '@wirehook/bus';
import type { WirehookConfig } from '@wirehook/contracts';
import type { Database } from '@wirehook/storage';
import type { AdminTokenPolicy } from './auth/admin-token';

export interface HubOptions {
  config: WirehookConfig;
  bus: Bus;
  database: Database;
  /** Shared with the worker in the all-in-one process; one `/metrics` for the process. */
  metrics: Registry;
  /** Where agent console lines are printed when `scripting.consoleToStdout` is on. */
  stdout?: (line: string) => void;
  /**
   * When the hub creates an admin token at start (returned as RunningHub.adminToken). Default:
   * `every-start` without nats.url (all-in-one), `when-missing` with it (see auth/admin-token.ts).
   */
  adminToken?: AdminTokenPolicy;
  /** Folder of the example agents served by /api/examples; default the repository's agents/examples. */
  examplesDir?: string;
  /** The dashboard's build served at `/`; default apps/dashboard/dist of the repository; false serves none. */
  dashboardDir?: string | false;
}

export const HUB_OPTIONS = Symbol('HUB_OPTIONS');

/** The hub's node name in logs and `utils.nodeName()`. */
export const HUB_NODE_NAME = 'hub';
