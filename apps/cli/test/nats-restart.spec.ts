import { connect } from 'nats';
import { ItemBatchPublisher, NatsBus } from '@wirehook/bus';
import { Subjects, type ItemBatchMessage } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { eventually, sharedPcap, startNatsServer, type NatsServerHandle } from '@wirehook/testing';

/**
 * NATS stops and starts while a worker-side bus publishes the items of a replayed capture, in
 * batches as the worker does. Publishes made while disconnected are buffered (within
 * nats.maxPendingBytes) and sent on reconnect, the last moment before the drop is re-sent; the
 * durable items stream ends up with every item exactly once (re-sent batches de-duplicated by id).
 */
describe('NATS restarted mid-stream', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.stop();
  });

  it('buffers while disconnected, drops nothing within the bound, and the stream holds every item once', async () => {
    const worker = await NatsBus.connect({ url: nats.url, name: 'restart-worker', maxPendingBytes: 256 * 1024 * 1024 });
    expect(
      await worker.ensureDurableStream({ name: 'RESTART_ITEMS', subjects: [Subjects.itemsAll], maxAgeMs: 0, maxBytes: -1, duplicateWindowMs: 120_000 }),
    ).toBe(true);

    const capture = sharedPcap('http-wrk.pcap');
    let published = 0;
    let restarted = false;
    const batches = new ItemBatchPublisher({ bus: worker, session: 'run' });
    // 1/5 of the original speed: about 5 s of traffic, with NATS down for about 1.5 s in the middle.
    const replay = replayCaptureToItems(capture, {
      worker: 'node-r',
      speed: 0.2,
      onItem: (item) => {
        batches.add(Subjects.items('node-r', item.protocol.name), item.id, JSON.stringify(item));
        published++;
      },
    });
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 1500));
      await nats.stopOnly();
      await new Promise((r) => setTimeout(r, 1500));
      await nats.restart();
      restarted = true;
    })();
    const summary = await replay;
    await outage;
    expect(restarted).toBe(true);
    batches.flush();
    await worker.flush();

    const stats = worker.stats();
    const nc = await connect({ servers: nats.url });
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info('RESTART_ITEMS');
    // Read every stored batch back and count items and distinct ids.
    const ids = new Set<string>();
    let stored = 0;
    let read = 0;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage('RESTART_ITEMS', { seq });
      read++;
      for (const item of m.json<ItemBatchMessage>().items) {
        stored++;
        ids.add(item.id);
      }
    }
    process.stdout.write(
      `NATS restart: ${summary.items} items replayed, ${published} published in ${batches.stats().batches} batches, ` +
        `${stats.buffered} batches buffered while disconnected, ${stats.resent} re-sent after reconnect, ${stats.dropped} dropped, ` +
        `${info.state.messages} batches (${stored} items) in the stream\n`,
    );
    expect(summary.items).toBe(25_962);
    expect(published).toBe(summary.items);
    expect(stats.buffered).toBeGreaterThan(0);
    expect(stats.dropped).toBe(0);
    expect(read).toBe(info.state.messages);
    expect(stored).toBe(summary.items);
    expect(ids.size).toBe(summary.items);
    await nc.close();
    await worker.close();
  }, 120_000);

  it('drops and counts what does not fit the bound, and sends the rest after reconnect', async () => {
    const bus = await NatsBus.connect({ url: nats.url, name: 'bounded', maxPendingBytes: 10 * 1024 });
    await bus.ensureDurableStream({ name: 'BOUNDED', subjects: ['bounded.>'], maxAgeMs: 0, maxBytes: -1, duplicateWindowMs: 120_000 });
    await nats.stopOnly();
    await eventually(() => {
      bus.publish('bounded.probe', 'x');
      expect(bus.stats().buffered).toBeGreaterThan(0);
    });
    const before = bus.stats();
    const payload = 'y'.repeat(1000);
    for (let i = 0; i < 50; i++) bus.publish('bounded.data', { i, payload }, { msgId: `b-${i}` });
    const during = bus.stats();
    const held = during.buffered - before.buffered;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(11);
    expect(during.dropped - before.dropped).toBe(50 - held);
    await nats.restart();
    await eventually(async () => {
      const nc = await connect({ servers: nats.url });
      try {
        const info = await (await nc.jetstreamManager()).streams.info('BOUNDED');
        expect(info.state.messages).toBe(held + before.buffered);
      } finally {
        await nc.close();
      }
    }, 20_000, 250);
    await bus.close();
  }, 60_000);
});
