// `npm run bench:bus`: items/s from a worker-side bus to a hub-side subscriber over real NATS,
// with p50/p99 delivery latency, at full speed and at a paced rate. Publisher and subscriber run
// in separate processes, as worker and hub do. Uses NATS_URL when set, otherwise starts a private
// nats-server on a free port. Prints figures; asserts nothing.
import { fork } from 'node:child_process';
import { NatsBus } from '@wirehook/bus';
import { SCHEMA_VERSION, Subjects, SUBJECT_CATALOG, type Item, type ItemMessage } from '@wirehook/contracts';
import { startNatsServer } from '@wirehook/testing';

const TOTAL = Number(process.env.BENCH_ITEMS ?? 300_000);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 20_000);
const template = (SUBJECT_CATALOG.find((s) => s.id === 'items')?.example as ItemMessage).item;
const now = (): number => performance.timeOrigin + performance.now();

interface SubscriberReport {
  received: number;
  firstAt: number;
  lastAt: number;
  p50: number;
  p99: number;
}

/** Child process: the hub's side. Counts items and measures latency from the timestamp the publisher set. */
async function subscriber(url: string, count: number): Promise<void> {
  const hub = await NatsBus.connect({ url, name: 'bench-hub' });
  const latencies = new Float64Array(count);
  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  const done = new Promise<void>((resolve) => {
    hub.subscribe<ItemMessage>(Subjects.itemsAll, (message) => {
      const t = now();
      if (received === 0) firstAt = t;
      latencies[received++] = t - message.item.timestamp;
      lastAt = t;
      if (received === count) resolve();
    });
  });
  await hub.flush();
  process.send?.('ready');
  await Promise.race([done, new Promise((r) => process.once('message', r))]);
  const sorted = latencies.slice(0, received).sort();
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const report: SubscriberReport = { received, firstAt, lastAt, p50: at(50), p99: at(99) };
  process.send?.(report);
  await hub.close();
  process.exit(0);
}

async function run(label: string, url: string, count: number, ratePerSecond: number): Promise<void> {
  const child = fork(__filename, ['--subscriber', url, String(count)], { execArgv: process.execArgv });
  const reports = new Promise<SubscriberReport>((resolve) => child.on('message', (m) => typeof m === 'object' && resolve(m as SubscriberReport)));
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const worker = await NatsBus.connect({ url, name: 'bench-worker', maxPendingBytes: 512 * 1024 * 1024 });
  const started = now();
  const chunk = 1000;
  for (let i = 0; i < count; i += chunk) {
    const end = Math.min(count, i + chunk);
    for (let j = i; j < end; j++) {
      const item: Item = { ...template, id: `bench/${j}`, index: j, timestamp: now() };
      // As the worker does: the item serialised once, published with its message id.
      worker.publishJson(Subjects.items('bench', 'http'), `{"v":${SCHEMA_VERSION},"item":${JSON.stringify(item)}}`, { msgId: `bench/${j}` });
    }
    if (ratePerSecond > 0) {
      const wait = started + (end / ratePerSecond) * 1000 - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    } else await new Promise((r) => setImmediate(r));
  }
  await worker.flush();
  const timeout = setTimeout(() => child.send('stop'), 30_000);
  const report = await reports;
  clearTimeout(timeout);
  const seconds = (report.lastAt - started) / 1000;
  console.log(
    `${label.padEnd(22)} ${report.received.toLocaleString('en')}/${count.toLocaleString('en')} items, ` +
      `${Math.round(report.received / seconds).toLocaleString('en')} items/s, ` +
      `latency p50 ${report.p50.toFixed(2)} ms, p99 ${report.p99.toFixed(2)} ms, lost ${count - report.received}`,
  );
  await worker.close();
}

async function main(): Promise<void> {
  const own = process.env.NATS_URL ? undefined : await startNatsServer();
  const url = process.env.NATS_URL ?? (own as { url: string }).url;
  const bytes = Buffer.byteLength(JSON.stringify({ v: 1, item: template }));
  console.log(`bench:bus on ${url}: ${bytes}-byte items (an HTTP item with a small JSON body), publisher and subscriber in two processes`);
  await run('full speed', url, TOTAL, 0);
  await run(`paced ${PACED_RATE.toLocaleString('en')}/s`, url, Math.min(TOTAL, PACED_RATE * 5), PACED_RATE);
  await own?.stop();
}

if (process.argv[2] === '--subscriber') void subscriber(process.argv[3], Number(process.argv[4]));
else void main();
