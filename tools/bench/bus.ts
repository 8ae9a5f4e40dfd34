// `npm run bench:bus`: items/s from a worker-side bus to a hub-side subscriber over real NATS,
// with p50/p99 delivery latency per item, at full speed and at a paced rate. Publisher and
// subscriber run in separate processes, as worker and hub do: the publisher serialises each
// item once and batches them per event-loop turn with the worker's ItemBatchPublisher; the
// subscriber parses each batch once (as the hub's bus does) and handles each item. Uses NATS_URL
// when set, otherwise starts a private nats-server on a free port. BENCH_STREAM=1 adds a run
// with the JetStream items stream the hub creates (the server then also stores every batch).
// Prints figures; asserts nothing.
import { fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ItemBatchPublisher, NatsBus } from '@wirehook/bus';
import { Subjects, SUBJECT_CATALOG, type Item, type ItemBatchMessage } from '@wirehook/contracts';
import { startNatsServer } from '@wirehook/testing';
import { jsonCost } from './json-cost';

const TOTAL = Number(process.env.BENCH_ITEMS ?? 300_000);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 20_000);
/** Items the publisher dissects per event-loop turn at full speed (a replayed file gives the worker about this many). */
const TURN_ITEMS = Number(process.env.BENCH_TURN_ITEMS ?? 1000);
const template = (SUBJECT_CATALOG.find((s) => s.id === 'items')?.example as ItemBatchMessage).items[0];
const now = (): number => performance.timeOrigin + performance.now();

interface SubscriberReport {
  received: number;
  messages: number;
  firstAt: number;
  lastAt: number;
  p50: number;
  p99: number;
  cpuMs: number;
}

/** Child process: the hub's side. Counts items and measures latency from the timestamp the publisher set. */
async function subscriber(url: string, count: number): Promise<void> {
  const hub = await NatsBus.connect({ url, name: 'bench-hub' });
  const latencies = new Float64Array(count);
  let received = 0;
  let messages = 0;
  let firstAt = 0;
  let lastAt = 0;
  const cpu = process.cpuUsage();
  const done = new Promise<void>((resolve) => {
    hub.subscribe<ItemBatchMessage>(Subjects.itemsAll, (message) => {
      const t = now();
      if (received === 0) firstAt = t;
      messages++;
      for (const item of message.items) {
        if (received < count) latencies[received] = t - item.timestamp;
        received++;
      }
      lastAt = t;
      if (received >= count) resolve();
    });
  });
  await hub.flush();
  process.send?.('ready');
  await Promise.race([done, new Promise((r) => process.once('message', r))]);
  const used = process.cpuUsage(cpu);
  const sorted = latencies.slice(0, Math.min(received, count)).sort();
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const report: SubscriberReport = { received, messages, firstAt, lastAt, p50: at(50), p99: at(99), cpuMs: (used.user + used.system) / 1000 };
  process.send?.(report);
  await hub.close();
  process.exit(0);
}

/** CPU time (ms) of a process from /proc, for the nats-server this bench started; undefined when unknown. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return undefined;
  }
}

/** Busy CPU time (ms) of the whole machine, from /proc/stat; undefined when unknown. */
function machineBusyMs(): number | undefined {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = ticks[3] + ticks[4]; // idle + iowait
    return ((ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function childNatsServerPid(): number | undefined {
  const ps = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const line = ps.stdout.split('\n').find((l) => l.includes('nats-server'));
  return line ? Number.parseInt(line.trim(), 10) : undefined;
}

async function run(label: string, url: string, count: number, ratePerSecond: number, turnItems: number, serverPid?: number): Promise<void> {
  const child = fork(__filename, ['--subscriber', url, String(count)], { execArgv: process.execArgv });
  const reports = new Promise<SubscriberReport>((resolve) => child.on('message', (m) => typeof m === 'object' && resolve(m as SubscriberReport)));
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const worker = await NatsBus.connect({ url, name: 'bench-worker', maxPendingBytes: 512 * 1024 * 1024 });
  // As the worker does: one publisher per process run, items added as they are dissected.
  const batches = new ItemBatchPublisher({ bus: worker, session: `bench-${Date.now().toString(36)}` });
  const subject = Subjects.items('bench', 'http');
  const item: Item = { ...template };
  const serverCpu = processCpuMs(serverPid);
  const machineBusy = machineBusyMs();
  const cpu = process.cpuUsage();
  const started = now();
  for (let i = 0; i < count; i += turnItems) {
    const end = Math.min(count, i + turnItems);
    for (let j = i; j < end; j++) {
      // The dissector has built the item (bench:dissect measures that); the bus's part starts here.
      item.id = `bench/${j}`;
      item.index = j;
      item.timestamp = now();
      // Serialised once (the worker hands the same JSON to its agents).
      batches.add(subject, item.id, JSON.stringify(item));
    }
    // The batches of this turn go out in the publisher's setImmediate, queued before this one.
    if (ratePerSecond > 0) {
      const wait = started + (end / ratePerSecond) * 1000 - now();
      await new Promise((r) => (wait > 0 ? setTimeout(r, wait) : setImmediate(r)));
    } else await new Promise((r) => setImmediate(r));
  }
  batches.flush();
  await worker.flush();
  const publisherCpu = process.cpuUsage(cpu);
  const timeout = setTimeout(() => child.send('stop'), 30_000);
  const report = await reports;
  clearTimeout(timeout);
  const serverCpuAfter = processCpuMs(serverPid);
  const machineBusyAfter = machineBusyMs();
  const seconds = (report.lastAt - started) / 1000;
  const cpuPerItem = (ms: number): string => `${((ms * 1000) / Math.max(1, report.received)).toFixed(2)} µs`;
  console.log(
    `${label.padEnd(26)} ${report.received.toLocaleString('en')}/${count.toLocaleString('en')} items, ` +
      `${Math.round(report.received / seconds).toLocaleString('en')} items/s, ` +
      `${Math.round(report.messages / seconds).toLocaleString('en')} messages/s (${(report.received / Math.max(1, report.messages)).toFixed(1)} items each), ` +
      `latency p50 ${report.p50.toFixed(2)} ms, p99 ${report.p99.toFixed(2)} ms, lost ${count - Math.min(count, report.received)}`,
  );
  console.log(
    `${''.padEnd(26)} CPU per item: publisher ${cpuPerItem((publisherCpu.user + publisherCpu.system) / 1000)}, ` +
      `subscriber ${cpuPerItem(report.cpuMs)}` +
      (serverCpu !== undefined && serverCpuAfter !== undefined ? `, nats-server ${cpuPerItem(serverCpuAfter - serverCpu)}` : ''),
  );
  // Another process on the machine takes cores from these three: say how much, so figures can be judged.
  if (serverCpu !== undefined && serverCpuAfter !== undefined && machineBusy !== undefined && machineBusyAfter !== undefined) {
    const ours = (publisherCpu.user + publisherCpu.system) / 1000 + report.cpuMs + (serverCpuAfter - serverCpu);
    const wallMs = now() - started;
    console.log(`${''.padEnd(26)} other processes: ${(Math.max(0, machineBusyAfter - machineBusy - ours) / wallMs).toFixed(2)} cores busy on average`);
  }
  await worker.close();
}

async function main(): Promise<void> {
  const own = process.env.NATS_URL ? undefined : await startNatsServer();
  const url = process.env.NATS_URL ?? (own as { url: string }).url;
  const serverPid = own ? childNatsServerPid() : undefined;
  const bytes = Buffer.byteLength(JSON.stringify(template));
  console.log(
    `bench:bus on ${url}: ${bytes}-byte items (an HTTP item with a small JSON body), publisher and subscriber in two processes, ` +
      `${TURN_ITEMS} items per event-loop turn at full speed`,
  );
  // What the target leaves per item, next to the one serialisation each item needs (a worker's floor).
  const nodes = availableParallelism();
  console.log(
    `budget: 100,000 items/s leaves each process 10 µs of CPU per item and all three ${(nodes * 10).toFixed(0)} µs on ${nodes} cores; ` +
      `JSON.stringify of this item alone takes ${jsonCost(Array.from({ length: 20_000 }, (_, i) => ({ ...template, id: `bench/${i}` }))).stringifyUs.toFixed(2)} µs here`,
  );
  await run('full speed', url, TOTAL, 0, TURN_ITEMS, serverPid);
  // Paced: 100 items every 5 ms, as a worker on a steadily busy link.
  await run(`paced ${PACED_RATE.toLocaleString('en')}/s`, url, Math.min(TOTAL, PACED_RATE * 5), PACED_RATE, Math.max(1, Math.round(PACED_RATE / 200)), serverPid);
  if (process.env.BENCH_STREAM === '1') {
    const admin = await NatsBus.connect({ url, name: 'bench-admin' });
    // The hub's items stream (nats.itemsStream defaults): the server also stores and de-duplicates every batch.
    await admin.ensureDurableStream({ name: 'BENCH_ITEMS', subjects: [Subjects.itemsAll], maxAgeMs: 86_400_000, maxBytes: 1024 ** 3, duplicateWindowMs: 120_000 });
    await run('full speed + items stream', url, TOTAL, 0, TURN_ITEMS, serverPid);
    await admin.close();
  }
  await own?.stop();
}

if (process.argv[2] === '--subscriber') void subscriber(process.argv[3], Number(process.argv[4]));
else void main();
