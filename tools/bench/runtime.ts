/**
 * Items per second delivered to a trivial counting `onItemCaptured`, with 1 and with 10 agents;
 * then the whole replay pipeline (`wirehook replay --agents`: capture, reassembly, dissection,
 * serialisation, hooks) against tshark on the same looped capture.
 *
 *   node --no-node-snapshot -r ./tools/register.js tools/bench/runtime.ts [--items 1000000] [--batch 2000] [--packets 1000000] [--no-pipeline]
 *
 * Prints, per agent count: items/s when the runtime serialises Item objects itself, and when the
 * batch arrives already serialised (the worker has each item's JSON for the bus anyway). The
 * items are realistic HTTP items (~1.3 kB of JSON each). Each agent counts; the count is checked.
 * "Per CPU-second" divides by the process's CPU time (all threads), which is the per-core figure
 * and does not depend on how busy the machine's other processes keep the cores. Each case is
 * measured after a warm-up of at least WARM_UP_MS: the isolates' JIT needs a few hundred
 * thousand calls to settle, and a short run measures the warm-up rather than the runtime.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item, PacketInfo } from '@wirehook/contracts';
import { PROTOCOLS } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { AgentRuntime } from '@wirehook/runtime';
import { repoRoot, sharedPcap } from '@wirehook/testing';
import { jsonCost } from './json-cost';
import { buildLoopedCapture, formatCount, runTshark } from './looped-capture';

const WARM_UP_MS = 3000;

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

/** A hook that reads a field, as most agents do: each item is parsed inside the sandbox. */
const READING_AGENT = `// Count server errors
var errors = 0, count = 0;
function onItemCaptured(data) { count++; if (data.response.status >= 500) errors++; }
function onHubAction(action) { hub.action('count', count); }
`;

async function run(agents: number, totalItems: number, batchSize: number, preSerialised: boolean, packets = false, source = COUNTING_AGENT): Promise<Rate> {
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
    for (let a = 0; a < agents; a++) await runtime.load({ id: `count-${a}.js`, title: '', revision: 1, source });
    const items = Array.from({ length: batchSize }, (_, i) => httpItem(i));
    const packetInfos = Array.from({ length: batchSize }, (_, i) => packet(i));
    const serialised = { json: (packets ? packetInfos : items).map((element) => JSON.stringify(element)) };
    const deliver = () => (packets ? runtime.onPacketsCaptured(preSerialised ? serialised : packetInfos) : runtime.onItemsCaptured(preSerialised ? serialised : items));
    const batches = Math.ceil(totalItems / batchSize);
    // Warm-up: JIT, heap growth of the host and of each isolate.
    let warmUp = 0;
    for (const until = Date.now() + WARM_UP_MS; warmUp < 10 || Date.now() < until; warmUp++) await deliver();
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
  const totalItems = argument('items', 1_000_000);
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
  const reading = await run(1, totalItems, batchSize, true, false, READING_AGENT);
  console.log(` 1 agent reading item.response.status (each item parsed in the sandbox), pre-serialised: ${formatCount(reading.wall)} items/s wall, ${formatCount(reading.perCpuSecond)} per CPU-second`);
  const packets = await run(1, totalItems, batchSize, false, true);
  console.log(`onPacketCaptured, 1 agent, PacketInfo objects (${JSON.stringify(packet(0)).length} B): ${Math.round(packets.wall).toLocaleString('en-US')} packets/s wall, ${Math.round(packets.perCpuSecond).toLocaleString('en-US')} per CPU-second`);
  if (!process.argv.includes('--no-pipeline')) await pipeline(argument('packets', 1_000_000));
}

interface ReplayRun {
  items: number;
  /** The replay's own figure: from the start of the capture to the last hook (no process start-up). */
  seconds: number;
  /** The whole process (all threads, start-up included), when /usr/bin/time is there. */
  cpuSeconds?: number;
}

/** `wirehook replay <capture> [--agents <file>]` as a user runs it, summary parsed from stderr. */
function replay(capture: string, agents?: string): ReplayRun {
  const timed = existsSync('/usr/bin/time');
  const command = [process.execPath, '--no-node-snapshot', join(repoRoot(), 'bin/wirehook.js'), 'replay', capture, '--emit', 'none', '--no-progress', ...(agents ? ['--agents', agents] : [])];
  const run = spawnSync(timed ? '/usr/bin/time' : command[0], [...(timed ? ['-f', 'TIME %U %S', ...command] : command.slice(1))], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const summary = / (\d+) items, .* in ([\d.]+) s\b/.exec(run.stderr);
  if (run.status !== 0 || summary === null) throw new Error(`replay failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const usage = /TIME ([\d.]+) ([\d.]+)/.exec(run.stderr);
  return { items: Number(summary[1]), seconds: Number(summary[2]), cpuSeconds: usage ? Number(usage[1]) + Number(usage[2]) : undefined };
}

/** The whole replay pipeline with one trivial agent, without agents, and tshark, on the same input. */
async function pipeline(targetPackets: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-bench-'));
  try {
    const looped = join(dir, 'looped.pcap');
    const agent = join(dir, 'count-items.js');
    writeFileSync(agent, '// Count items\nvar count = 0;\nfunction onItemCaptured(item) { count++; }\n');
    const built = await buildLoopedCapture(sharedPcap('http-wrk.pcap'), looped, targetPackets);
    console.log(`\nwhole pipeline: http-wrk.pcap looped ${built.laps}× → ${formatCount(built.packets)} packets, \`wirehook replay --agents\` with one counting onItemCaptured`);
    const describe = (label: string, run: ReplayRun): string =>
      `${label}: ${formatCount(run.items)} items in ${run.seconds.toFixed(2)} s = ${formatCount(run.items / run.seconds)} items/s` +
      (run.cpuSeconds === undefined ? '' : ` (process CPU ${run.cpuSeconds.toFixed(2)} s incl. start-up)`);
    const withAgent = replay(looped, agent);
    console.log(`  ${describe('dissect + hooks', withAgent)}`);
    const dissectOnly = replay(looped);
    console.log(`  ${describe('dissect only   ', dissectOnly)}`);
    const tshark = runTshark(looped);
    if (tshark === undefined) {
      console.log('  tshark: not installed, no comparison');
      return;
    }
    const tItems = tshark.responses / tshark.wallSeconds;
    console.log(`  tshark -z http,tree: ${formatCount(tshark.responses)} responses in ${tshark.wallSeconds.toFixed(2)} s = ${formatCount(tItems)} items/s`);
    console.log(`  ratio (whole pipeline with hooks / tshark, items/s): ${(withAgent.items / withAgent.seconds / tItems).toFixed(1)}×`);
    // What the target leaves per item, next to what dissection and one item's JSON cost now.
    const captured: Item[] = [];
    await replayCaptureToItems(sharedPcap('http-wrk.pcap'), { worker: 'bench', onItem: (item) => void captured.push(item) });
    const json = jsonCost(captured);
    console.log(
      `  budget: 15× tshark is ${formatCount(15 * tItems)} items/s, ${(1e6 / (15 * tItems)).toFixed(2)} µs per item for everything; ` +
        `now dissection alone ${((dissectOnly.seconds * 1e6) / dissectOnly.items).toFixed(2)} µs per item, and JSON.stringify of one of these items ` +
        `${json.stringifyUs.toFixed(2)} µs (${json.bytes} B; JSON.parse ${json.parseUs.toFixed(2)} µs)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
