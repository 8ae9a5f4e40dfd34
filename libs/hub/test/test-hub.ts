import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { InProcessBus, type Bus } from '@wirehook/bus';
import { configSchema, type WirehookConfig, type WirehookConfigInput } from '@wirehook/contracts';
import { openDatabase, type Database } from '@wirehook/storage';
import { createTempPostgresDatabase } from '@wirehook/testing';
import { startHub, type HubOptions, type RunningHub } from '../src';

/** A temporary PostgreSQL database plus a data folder, kept across hub restarts within a test file. */
export interface TestPlace {
  databaseUrl: string;
  dataDir: string;
  remove(): Promise<void>;
}

export async function createTestPlace(): Promise<TestPlace> {
  const database = await createTempPostgresDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-hub-api-'));
  return {
    databaseUrl: database.url,
    dataDir,
    async remove() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestHub {
  url: string;
  /** The admin token this start created (the all-in-one policy creates one every start). */
  adminToken: string;
  hub: RunningHub;
  bus: Bus;
  database: Database;
  config: WirehookConfig;
  metrics: Registry;
  close(): Promise<void>;
}

/** A hub on a free loopback port, in-process bus, no agent folder, agent output not printed. */
export async function startTestHub(
  place: TestPlace,
  options: { config?: WirehookConfigInput; bus?: Bus; hub?: Partial<HubOptions> } = {},
): Promise<TestHub> {
  const config = configSchema.parse({
    ...options.config,
    hub: { ...options.config?.hub, host: '127.0.0.1', port: 0 },
    database: { url: place.databaseUrl, dataDir: place.dataDir },
    scripting: { source: '', watchScripts: false, consoleToStdout: false, ...options.config?.scripting },
  });
  const ownBus = !options.bus;
  const bus = options.bus ?? new InProcessBus();
  const database = await openDatabase({ url: place.databaseUrl, dataDir: place.dataDir });
  const metrics = new Registry();
  const hub = await startHub({ config, bus, database, metrics, ...options.hub });
  if (!hub.adminToken) throw new Error('startHub created no admin token');
  return {
    url: hub.url,
    adminToken: hub.adminToken,
    hub,
    bus,
    database,
    config,
    metrics,
    async close() {
      await hub.close();
      if (ownBus) await bus.close();
      await database.close();
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** JSON requests to the hub with one token (or none). */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  withToken(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  get<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, body, headers);
  }

  delete<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, body, headers);
  }

  async request<T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<ApiResponse<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
}

/** Shapes the tests read back. */
export interface AgentBody {
  id: string;
  title: string;
  source: string;
  active: boolean;
  running: boolean;
  revision: number;
  origin: string;
  stats: Record<string, { state: string; calls: number; title: string }>;
}
