import { AckPolicy, connect, DeliverPolicy } from 'nats';
import { InProcessBus, ItemBatchPublisher, NatsBus } from '../src';
import { startNatsServer, type NatsServerHandle } from '@wirehook/testing';

describe('durable items stream (JetStream)', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.stop();
  });

  it('stores each batch of items once per message id, for a consumer that reads later', async () => {
    const bus = await NatsBus.connect({ url: nats.url, name: 'durable-test' });
    const spec = { name: 'TEST_ITEMS', subjects: ['wirehook.items.>'], maxAgeMs: 60_000, maxBytes: -1, duplicateWindowMs: 60_000 };
    expect(await bus.ensureDurableStream(spec)).toBe(true);
    // A second call updates in place (retention changes apply to an existing stream).
    expect(await bus.ensureDurableStream({ ...spec, maxAgeMs: 120_000 })).toBe(true);

    // 50 items in batches of 5, as a worker sends them; each of the first two batches is sent
    // again (as after a reconnect) and not stored again.
    const sent: Array<[string, string, string | undefined]> = [];
    const batches = new ItemBatchPublisher({
      session: 's',
      maxItems: 5,
      bus: {
        publishJson: (subject, json, options) => {
          sent.push([subject, json, options?.msgId]);
          return bus.publishJson(subject, json, options);
        },
      },
    });
    for (let i = 0; i < 50; i++) batches.add('wirehook.items.n1.http', `n1/1-${i}`, JSON.stringify({ id: `n1/1-${i}` }));
    for (const [subject, json, msgId] of sent.slice(0, 2)) bus.publishJson(subject, json, { msgId });
    await bus.flush();
    expect(sent.map(([, , msgId]) => msgId).slice(0, 2)).toEqual(['s/n1/1-0+5', 's/n1/1-5+5']);

    const nc = await connect({ servers: nats.url });
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info('TEST_ITEMS');
    expect(info.config.max_age).toBe(120_000 * 1_000_000);
    expect(info.state.messages).toBe(10);

    await jsm.consumers.add('TEST_ITEMS', { durable_name: 'reader', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await nc.jetstream().consumers.get('TEST_ITEMS', 'reader');
    const ids: string[] = [];
    const messages = await consumer.fetch({ max_messages: 100, expires: 1000 });
    for await (const m of messages) {
      ids.push(...(m.json() as { items: Array<{ id: string }> }).items.map((item) => item.id));
      m.ack();
    }
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => `n1/1-${i}`));
    await nc.close();
    await bus.close();
  });

  it('is reported as unavailable on the in-process bus', async () => {
    const bus = new InProcessBus();
    await expect(bus.ensureDurableStream({ name: 'X', subjects: ['a.>'], maxAgeMs: 0, maxBytes: -1, duplicateWindowMs: 1000 })).resolves.toBe(false);
    await bus.close();
  });
});
