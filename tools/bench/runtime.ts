/**
 * Items per second delivered to a trivial counting `onItemCaptured`, with 1 and with 10 agents.
 *
 *   node --no-node-snapshot -r ./tools/register.js tools/bench/runtime.ts [--items 200000] [--batch 2000]
 *
 * Prints, per agent count: items/s when the runtime serialises Item objects itself, and when the
 * batch arrives already serialised (the worker has each item's JSON for the bus anyway). The
 * items are realistic HTTP items (~1.3 kB of JSON each). Each agent counts; the count is checked.
 * "Per CPU-second" divides by the process's CPU time (all threads), which is the per-core figure
 * and does not depend on how busy the machine's other processes keep the cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item, PacketInfo } from '@wirehook/contracts';
import { PROTOCOLS } from '@wirehook/contracts';
import { AgentRuntime } from '@wirehook/runtime';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

function httpItem(i: number): Item {
  return {
    id: `bench/${i}-0`, index: 0, stream: String(i), worker: 'bench', node: { ip: '10.0.0.1', name: 'bench' },
    protocol: { ...PROTOCOLS.http11 },
    src: { ip: '127.0.0.1', port: String(40000 + (i % 20000)), name: '', namespace: '' },
    dst: { ip: '127.0.0.1', port: '18080', name: 'nginx', namespace: 'default' },
    namespace: 'default', timestamp: 1700000000000 + i, startTime: new Date(1700000000000 + i).toISOString(), elapsedTime: 1,
    requestSize: 80, responseSize: 400,
    request: {
      method: 'GET', url: '/users.json', path: '/users.json', pathSegments: ['users.json'], httpVersion: 'HTTP/1.1',
      headers: { Host: '127.0.0.1:18080', 'User-Agent': 'wrk' }, cookies: {}, queryString: {}, headersSize: 60, bodySize: 0, postData: { mimeType: '', text: '' },
    },
    response: {
      status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1',
      headers: { Server: 'nginx/1.22.1', Date: 'Tue, 14 Nov 2023 22:13:20 GMT', 'Content-Type': 'application/json', 'Content-Length': '142', Connection: 'keep-alive' },
      cookies: {}, headersSize: 200, bodySize: 142, redirectURL: '',
      content: { mimeType: 'application/json', encoding: '', size: 142, text: '[{"id":1,"name":"alice"},{"id":2,"name":"bob"},{"id":3,"name":"carol"},{"id":4,"name":"dave"},{"id":5,"name":"eve"}]' },
    },
  };
}

const COUNTING_AGENT = `// Count items
var count = 0;
function onItemCaptured(data) { count++; }
function onPacketCaptured(info) { count++; }
function onHubAction(action) { hub.action('count', count); }
`;

function packet(i: number): PacketInfo {
  return {
    timestamp: 1700000000000 + i, captureLength: 66, length: 66, truncated: false, fragmented: false,
    src: { ip: '127.0.0.1', port: 40000 + (i % 20000) }, dst: { ip: '127.0.0.1', port: 18080 }, transport: 'tcp',
  };
}

/** Items per wall-clock second, and per CPU-second of the whole process (all threads: host and isolates). */
interface Rate {
  wall: number;
  perCpuSecond: number;
}

async function run(agents: number, totalItems: number, batchSize: number, preSerialised: boolean, packets = false): Promise<Rate> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-bench-'));
  const counts: number[] = [];
  const runtime = new AgentRuntime({
    nodeName: 'bench', role: 'worker', env: {}, dataDir,
    limits: { hookCpuMs: 5000, jobCpuMs: 5000, loadCpuMs: 2000, memoryMb: 128, consoleLinesPerSecond: 100 },
    log: (entry) => { if (entry.level === 'error') console.error(entry.message); },
    hubAction: (_action, object) => counts.push(Number(object)),
    targeted: () => ({ targets: [], excluded: [] }),
  });
  try {
    for (let a = 0; a < agents; a++) await runtime.load({ id: `count-${a}.js`, title: '', revision: 1, source: COUNTING_AGENT });
    const items = Array.from({ length: batchSize }, (_, i) => httpItem(i));
    const packetInfos = Array.from({ length: batchSize }, (_, i) => packet(i));
    const serialised = { json: (packets ? packetInfos : items).map((element) => JSON.stringify(element)) };
    const deliver = () => (packets ? runtime.onPacketsCaptured(preSerialised ? serialised : packetInfos) : runtime.onItemsCaptured(preSerialised ? serialised : items));
    const batches = Math.ceil(totalItems / batchSize);
    // Warm-up: JIT, heap growth of the host and of each isolate.
    const warmUp = Math.max(10, Math.ceil(batches / 10));
    for (let b = 0; b < warmUp; b++) await deliver();
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    for (let b = 0; b < batches; b++) await deliver();
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await runtime.onHubAction('report', null);
    await new Promise((resolve) => setImmediate(resolve));
    const expected = (batches + warmUp) * batchSize;
    if (counts.length !== agents || counts.some((c) => c !== expected)) throw new Error(`counts ${counts.join(',')} != ${expected}`);
    return { wall: (batches * batchSize) / seconds, perCpuSecond: (batches * batchSize) / cpuSeconds };
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const totalItems = argument('items', 200_000);
  const batchSize = argument('batch', 2000);
  console.log(`runtime bench: ${totalItems} HTTP items (${JSON.stringify(httpItem(0)).length} B JSON each) in batches of ${batchSize}, trivial counting onItemCaptured`);
  for (const agents of [1, 10]) {
    for (const pre of [false, true]) {
      const rate = await run(agents, totalItems, batchSize, pre);
      const f = (n: number) => Math.round(n).toLocaleString('en-US').padStart(11);
      console.log(
        `${String(agents).padStart(2)} agent(s), ${pre ? 'pre-serialised batch' : 'Item objects        '}: ${f(rate.wall)} items/s wall,` +
          ` ${f(rate.perCpuSecond)} items per CPU-second, ${f(rate.perCpuSecond * agents)} agent-deliveries per CPU-second`,
      );
    }
  }
  const packets = await run(1, totalItems, batchSize, false, true);
  console.log(`onPacketCaptured, 1 agent, PacketInfo objects (${JSON.stringify(packet(0)).length} B): ${Math.round(packets.wall).toLocaleString('en-US')} packets/s wall, ${Math.round(packets.perCpuSecond).toLocaleString('en-US')} per CPU-second`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
