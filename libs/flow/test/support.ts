import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest, HttpResponse, Item, LogEntry } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { AgentRuntime, checkEs5, validateKfl, type HelperFunction, type RuntimeHost } from '@wirehook/runtime';
import { readPluginPackageDir } from '@wirehook/plugin-sdk';
import { repoRoot, sharedPcap } from '@wirehook/testing';
import { Registry } from 'prom-client';
import { compileFlow, createCatalog, createNode, type BuiltCatalog, type CompiledFlow, type FlowEdge, type FlowGraph, type FlowNode, type InstalledPlugin, type JsonObject } from '../src';

/** The real plugins of this repository (plugins/*), read as the host reads them. */
export const TEST_PLUGINS: InstalledPlugin[] = ['webhook', 'slack', 'kinesis', 'influxdb'].map((name) => readPluginPackageDir(join(repoRoot(), 'plugins', name)));

/** Helper names of those plugins as the runtime's HelperBridge keys them (`kinesis.put`). */
const HELPER_NAMES = TEST_PLUGINS.flatMap((p) => p.manifest.helpers.map((h) => h.name.replace(/^vendor\./, '')));

export function testCatalog(): BuiltCatalog {
  return createCatalog({ plugins: TEST_PLUGINS });
}

/** Builds a graph from nodes [id, type, data?] laid out top to bottom in the given order and edges "a:port->b[:port]". */
export function graphOf(catalog: BuiltCatalog, title: string, nodes: Array<[string, string, JsonObject?]>, edges: string[]): FlowGraph {
  const flowNodes: FlowNode[] = nodes.map(([id, type, data], i) =>
    // Types the catalog does not know (a missing plugin) are made by hand, as an import would bring them.
    catalog.get(type) ? createNode(catalog, type, id, { x: 0, y: i * 100 }, data ?? {}) : { id, type, version: 1, position: { x: 0, y: i * 100 }, data: data ?? {} },
  );
  const flowEdges: FlowEdge[] = edges.map((text, i) => {
    const m = /^([^:]+):([^-]+)->([^:]+)(?::(.+))?$/.exec(text);
    if (!m) throw new Error(`bad edge ${text}`);
    return { id: `e${i + 1}`, source: m[1], sourceHandle: m[2], target: m[3], targetHandle: m[4] ?? 'in' };
  });
  return { title, nodes: flowNodes, edges: flowEdges };
}

/** An item of an HTTP exchange. */
export type HttpItem = Item & { request: HttpRequest; response: HttpResponse };

let itemsCache: Promise<HttpItem[]> | undefined;

/** The items of the shared http-mixed.pcap capture (21 HTTP pairs), read once. */
export function mixedItems(): Promise<HttpItem[]> {
  itemsCache ??= (async () => {
    const items: HttpItem[] = [];
    await replayCaptureToItems(sharedPcap('http-mixed.pcap'), {
      worker: 'worker-1',
      onItem: (item) => {
        if (item.protocol.name !== 'http' || !item.request || !item.response) throw new Error(`not a complete HTTP item: ${item.id}`);
        items.push(item as HttpItem);
      },
    });
    return items;
  })();
  return itemsCache;
}

export interface HelperCall {
  name: string;
  args: unknown[];
}

export interface FlowHost {
  runtime: AgentRuntime;
  host: RuntimeHost;
  logs: LogEntry[];
  hubActions: Array<{ action: string; object: unknown; agent: string }>;
  helperCalls: HelperCall[];
  metrics: Registry;
  /** Console lines of the agent, in order. */
  console(): string[];
  /** Hook errors and load problems: a passing test expects none. */
  problems(): string[];
  close(): Promise<void>;
}

/** Ignored callbacks (console, hub.action) reach the host on the event loop right after a call. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A runtime whose host records console lines, hub actions, helper calls and metrics. */
export function flowHost(options: { nodeName?: string; role?: 'hub' | 'worker'; helperResult?: (name: string, args: unknown[]) => unknown } = {}): FlowHost {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-flow-test-'));
  const logs: LogEntry[] = [];
  const hubActions: FlowHost['hubActions'] = [];
  const helperCalls: HelperCall[] = [];
  const metrics = new Registry();
  const helper = (name: string): HelperFunction => async (args) => {
    helperCalls.push({ name: `vendor.${name}`, args });
    return options.helperResult ? options.helperResult(`vendor.${name}`, args) : null;
  };
  const helpers = Object.fromEntries(HELPER_NAMES.map((name) => [name, helper(name)]));
  const host: RuntimeHost = {
    nodeName: options.nodeName ?? 'worker-1',
    role: options.role ?? 'worker',
    env: { HOOK_URL: 'http://127.0.0.1:9/hook', SLACK_URL: 'http://127.0.0.1:9/slack' },
    limits: { hookCpuMs: 2000, jobCpuMs: 2000, loadCpuMs: 2000, memoryMb: 64, consoleLinesPerSecond: 1000 },
    dataDir,
    log: (entry) => logs.push(entry),
    hubAction: (action, object, agent) => hubActions.push({ action, object, agent }),
    targeted: () => ({ targets: [], excluded: [] }),
    metrics,
    helpers: { helpers: () => helpers },
  };
  const runtime = new AgentRuntime(host);
  // Window jobs are run by the tests (runtime.jobs.run), never by the clock.
  runtime.jobs.scheduler.stop();
  return {
    runtime,
    host,
    logs,
    hubActions,
    helperCalls,
    metrics,
    console: () => logs.filter((l) => l.source === 'console').map((l) => l.message),
    problems: () => logs.filter((l) => l.source === 'hook-error' || l.source === 'load' || l.source === 'limit' || l.level === 'error').map((l) => `${l.source}: ${l.message}`),
    close: async () => {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const AGENT_ID = 'flow-agent';

/** Compiles a flow (with the real KFL and ES5 checks), checks the output as ES5, and loads it. */
export async function loadFlow(host: FlowHost, graph: FlowGraph, catalog: BuiltCatalog, revision = 1): Promise<CompiledFlow> {
  const compiled = compileFlow(graph, catalog, { flowId: 'flow-1', revision, validateFilter: validateKfl, checkEs5 });
  const es5 = checkEs5(compiled.source, 'flow.js');
  if (es5.length > 0) throw new Error(`generated code is not ES5: ${es5.map((d) => d.message).join('; ')}\n${compiled.source}`);
  const status = await host.runtime.load({ id: AGENT_ID, title: '', source: compiled.source, revision });
  if (status.state !== 'loaded') throw new Error(`agent not loaded: ${JSON.stringify(status)}`);
  return compiled;
}

/** Delivers items to onItemCaptured and waits for the callbacks. */
export async function deliver(host: FlowHost, items: Item[]): Promise<void> {
  await host.runtime.onItemsCaptured(items);
  await settle();
}

/** Runs a job of the agent now (a window closing) and waits for the callbacks. */
export async function runJob(host: FlowHost, tag: string): Promise<void> {
  const outcome = await host.runtime.jobs.run(AGENT_ID, tag);
  if (!outcome) throw new Error(`no job ${tag}`);
  if (!outcome.ok) throw new Error(`job ${tag} failed: ${outcome.error}`);
  await settle();
}
