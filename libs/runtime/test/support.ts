import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDefinition, Item, LogEntry, RuntimeLimits } from '@wirehook/contracts';
import { Registry } from 'prom-client';
import { AgentRuntime, type RuntimeHost } from '../src';

export const TEST_LIMITS: RuntimeLimits = { hookCpuMs: 1000, jobCpuMs: 1000, loadCpuMs: 1000, memoryMb: 32, consoleLinesPerSecond: 100 };

export interface TestHost {
  host: RuntimeHost;
  runtime: AgentRuntime;
  logs: LogEntry[];
  hubActions: Array<{ action: string; object: unknown; agent: string }>;
  dataDir: string;
  /** Console lines of one agent (by title), in order. */
  console(agentTitle: string): string[];
  /** Log entries of a source, optionally of one agent. */
  entries(source: LogEntry['source'], agentTitle?: string): LogEntry[];
  close(): Promise<void>;
}

export function makeHost(overrides: Partial<RuntimeHost> = {}): TestHost {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-runtime-test-'));
  const logs: LogEntry[] = [];
  const hubActions: TestHost['hubActions'] = [];
  const host: RuntimeHost = {
    nodeName: 'worker-1',
    role: 'worker',
    env: { API_TOKEN: 'secret-token', REGION: 'eu' },
    limits: TEST_LIMITS,
    dataDir,
    log: (entry) => logs.push(entry),
    hubAction: (action, object, agent) => hubActions.push({ action, object, agent }),
    targeted: () => ({ targets: [{ name: 'web-1', namespace: 'default' }], excluded: [{ name: 'db-0', namespace: 'data' }] }),
    metrics: new Registry(),
    ...overrides,
  };
  const runtime = new AgentRuntime(host);
  return {
    host,
    runtime,
    logs,
    hubActions,
    dataDir,
    console: (title) => logs.filter((l) => l.source === 'console' && l.agent === title).map((l) => l.message),
    entries: (source, title) => logs.filter((l) => l.source === source && (title === undefined || l.agent === title)),
    close: async () => {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let revision = 0;

export function agent(id: string, source: string, title = ''): AgentDefinition {
  return { id, title, source, revision: ++revision };
}

/** Ignored callbacks (console, hub.action) reach the host on the event loop right after the call. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until `condition` holds (checked every 20 ms), failing with `what` after `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function httpItem(index: number, overrides: Partial<Item> = {}): Item {
  return {
    id: `worker-1/${index}-0`,
    index: 0,
    stream: String(index),
    worker: 'worker-1',
    node: { ip: '10.0.0.1', name: 'worker-1' },
    protocol: { name: 'http', version: '1.1', abbr: 'HTTP', longName: 'Hypertext Transfer Protocol -- HTTP/1.1', layer3: 'ipv4', layer4: 'tcp' },
    src: { ip: '10.0.0.2', port: '40000', name: 'client', namespace: 'default' },
    dst: { ip: '10.0.0.3', port: '8080', name: 'web', namespace: 'default' },
    namespace: 'default',
    timestamp: 1700000000000 + index,
    startTime: new Date(1700000000000 + index).toISOString(),
    elapsedTime: 3,
    requestSize: 100,
    responseSize: 200,
    request: {
      method: 'GET', url: `/api/users/${index}`, path: `/api/users/${index}`, pathSegments: ['api', 'users', String(index)], httpVersion: 'HTTP/1.1',
      headers: { Host: 'web:8080', 'User-Agent': 'curl/8.0' }, cookies: {}, queryString: {}, headersSize: 80, bodySize: 0, postData: { mimeType: '', text: '' },
    },
    response: {
      status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: { 'Content-Type': 'application/json' }, cookies: {}, headersSize: 60, bodySize: 20, redirectURL: '',
      content: { mimeType: 'application/json', encoding: '', size: 20, text: '{"ok":true}' },
    },
    ...overrides,
  };
}
