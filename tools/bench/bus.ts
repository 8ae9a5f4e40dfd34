// `npm run bench:bus`: items/s from one worker-side bus to a hub-side subscriber over real NATS,
// with p50/p99 delivery latency, at full speed and at a paced rate. Uses NATS_URL when set,
// otherwise starts a private nats-server on a free port. Prints figures; asserts nothing.
import { NatsBus } from '@wirehook/bus';
import { SCHEMA_VERSION, Subjects, SUBJECT_CATALOG, type Item, type ItemMessage } from '@wirehook/contracts';
import { startNatsServer } from '@wirehook/testing';

const TOTAL = Number(process.env.BENCH_ITEMS ?? 300_000);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 20_000);
const template = (SUBJECT_CATALOG.find((s) => s.id === 'items')?.example as ItemMessage).item;
const now = (): number => performance.timeOrigin + performance.now();

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(label: string, url: string, count: number, ratePerSecond: number): Promise<void> {
  const worker = await NatsBus.connect({ url, name: 'bench-worker', maxPendingBytes: 512 * 1024 * 1024 });
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

  const started = now();
  const chunk = 1000;
  for (let i = 0; i < count; i += chunk) {
    const end = Math.min(count, i + chunk);
    for (let j = i; j < end; j++) {
      const item: Item = { ...template, id: `bench/${j}`, index: j, timestamp: now() };
      const message: ItemMessage = { v: SCHEMA_VERSION, item };
      worker.publish(Subjects.items('bench', 'http'), message, { msgId: `bench/${j}` });
    }
    if (ratePerSecond > 0) {
      const due = started + (end / ratePerSecond) * 1000;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    } else if ((i / chunk) % 20 === 0) {
      await new Promise((r) => setImmediate(r));
    }
  }
  await worker.flush();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000));
  await Promise.race([done, timeout]);
  const sorted = latencies.slice(0, received).sort();
  const seconds = (lastAt - started) / 1000;
  console.log(
    `${label.padEnd(22)} ${received.toLocaleString('en')}/${count.toLocaleString('en')} items, ` +
      `${Math.round(received / seconds).toLocaleString('en')} items/s, ` +
      `latency p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, ` +
      `lost ${count - received}, first after ${(firstAt - started).toFixed(1)} ms`,
  );
  await worker.close();
  await hub.close();
}

async function main(): Promise<void> {
  const own = process.env.NATS_URL ? undefined : await startNatsServer();
  const url = process.env.NATS_URL ?? (own as { url: string }).url;
  const bytes = Buffer.byteLength(JSON.stringify({ v: 1, item: template }));
  console.log(`bench:bus on ${url}: ${bytes}-byte items (an HTTP item with a small JSON body), one publisher, one subscriber`);
  await run('full speed', url, TOTAL, 0);
  await run(`paced ${PACED_RATE.toLocaleString('en')}/s`, url, Math.min(TOTAL, PACED_RATE * 5), PACED_RATE);
  await own?.stop();
}

void main();
