import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { ItemBatchPublisher, NatsBus } from '@wirehook/bus';
import { Subjects, type Item } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { repoRoot, sharedPcap, startNatsServer, type NatsServerHandle } from '@wirehook/testing';
import { WirehookProcess } from './wirehook-process';

/** What docs/consumers.md tells an outside developer must work as written. */
describe('external consumers (docs/consumers.md)', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.stop();
  });

  it('the documented JetStream consumer reads every item of a replayed capture exactly once', async () => {
    const doc = readFileSync(join(repoRoot(), 'docs', 'consumers.md'), 'utf8');
    const snippet = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(snippet).toBeDefined();
    const worker = await NatsBus.connect({ url: nats.url, name: 'consumer-test-worker' });
    await worker.ensureDurableStream({ name: 'WIREHOOK_ITEMS', subjects: [Subjects.itemsAll], maxAgeMs: 0, maxBytes: -1, duplicateWindowMs: 120_000 });
    const items: Item[] = [];
    await replayCaptureToItems(sharedPcap('http-mixed.pcap'), { worker: 'node-c', onItem: (item) => void items.push(item) });
    // Batches as the worker sends them (small ones, so there are several), each sent twice as after a
    // reconnect: the stream stores each batch once.
    const batches = new ItemBatchPublisher({
      session: 's',
      maxItems: 4,
      bus: {
        publishJson: (subject, json, options) => {
          worker.publishJson(subject, json, options);
          return worker.publishJson(subject, json, options);
        },
      },
    });
    for (const item of items) batches.add(Subjects.items('node-c', item.protocol.name), item.id, JSON.stringify(item));
    batches.flush();
    expect(batches.stats().batches).toBeGreaterThan(1);
    await worker.flush();

    const dir = mkdtempSync(join(tmpdir(), 'wirehook-consumer-'));
    const script = join(dir, 'consumer.js');
    writeFileSync(script, snippet as string);
    const child = spawn(process.execPath, [script], {
      cwd: repoRoot(), // resolves the `nats` package like an app that depends on it
      env: { ...process.env, NODE_PATH: join(repoRoot(), 'node_modules'), NATS_URL: nats.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const lines = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer printed only:\n${out}`)), 20_000);
      child.stdout.on('data', () => {
        const got = out.trim().split('\n');
        if (got.length >= items.length) {
          // Give a duplicate the chance to show up before stopping the consumer.
          setTimeout(() => {
            clearTimeout(timer);
            resolve(out.trim().split('\n'));
          }, 500);
        }
      });
    });
    child.kill('SIGTERM');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(items.map((i) => i.id));
    await worker.close();
  }, 60_000);

  it('wirehook tail prints each item of a batch on its own line, or with --batches the message as sent', async () => {
    const perItem = new WirehookProcess(['tail', 'wirehook.items.>', '--json', '-n', '3'], { cwd: tmpdir(), env: { NATS_URL: nats.url } });
    const asSent = new WirehookProcess(['tail', 'wirehook.items.*.http', '--batches', '-n', '1'], { cwd: tmpdir(), env: { NATS_URL: nats.url } });
    const nc = await connect({ servers: nats.url });
    const batch = JSON.stringify({ v: 1, items: [{ id: 'n1/1-0' }, { id: 'n1/1-1' }] });
    const encoder = new TextEncoder();
    const timer = setInterval(() => nc.publish('wirehook.items.n1.http', encoder.encode(batch)), 200);
    try {
      await perItem.waitFor(/\{"subject":"wirehook\.items\.n1\.http","item":\{"id":"n1\/1-0"\}\}\n\{"subject":"wirehook\.items\.n1\.http","item":\{"id":"n1\/1-1"\}\}\n/, 30_000);
      expect(await perItem.exitCode()).toBe(0);
      expect(perItem.stdout.trim().split('\n')).toHaveLength(3);
      await asSent.waitFor(/wirehook\.items\.n1\.http \{"v":1,"items":\[\{"id":"n1\/1-0"\},\{"id":"n1\/1-1"\}\]\}\n/, 30_000);
      expect(await asSent.exitCode()).toBe(0);
    } finally {
      clearInterval(timer);
      await nc.close();
      perItem.kill();
      asSent.kill();
    }
  }, 60_000);

  it('wirehook tail prints live messages on a subject', async () => {
    const tail = new WirehookProcess(['tail', 'wirehook.logs.>', '--json', '-n', '2'], { cwd: tmpdir(), env: { NATS_URL: nats.url } });
    const nc = await connect({ servers: nats.url });
    // Publish until tail has subscribed and printed both (it connects after start-up).
    const encoder = new TextEncoder();
    const timer = setInterval(() => nc.publish('wirehook.logs.n1', encoder.encode(JSON.stringify({ message: 'hello' }))), 200);
    try {
      await tail.waitFor(/(\{"subject":"wirehook\.logs\.n1","payload":\{"message":"hello"\}\}\n){2}/, 30_000);
      // -n 2: it stops by itself after the second message.
      expect(await tail.exitCode()).toBe(0);
    } finally {
      clearInterval(timer);
      await nc.close();
      tail.kill();
    }
  }, 60_000);
});
