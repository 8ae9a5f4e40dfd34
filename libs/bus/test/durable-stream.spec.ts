import { AckPolicy, connect, DeliverPolicy } from 'nats';
import { InProcessBus, NatsBus } from '../src';
import { startNatsServer, type NatsServerHandle } from '@wirehook/testing';

describe('durable items stream (JetStream)', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.stop();
  });

  it('stores each item once per message id, for a consumer that reads later', async () => {
    const bus = await NatsBus.connect({ url: nats.url, name: 'durable-test' });
    const spec = { name: 'TEST_ITEMS', subjects: ['wirehook.items.>'], maxAgeMs: 60_000, maxBytes: -1, duplicateWindowMs: 60_000 };
    expect(await bus.ensureDurableStream(spec)).toBe(true);
    // A second call updates in place (retention changes apply to an existing stream).
    expect(await bus.ensureDurableStream({ ...spec, maxAgeMs: 120_000 })).toBe(true);

    for (let i = 0; i < 50; i++) bus.publish(`wirehook.items.n1.http`, { v: 1, item: { id: `n1/1-${i}` } }, { msgId: `s/n1/1-${i}` });
    // A resend (as after a reconnect) of the first ten is not stored again.
    for (let i = 0; i < 10; i++) bus.publish(`wirehook.items.n1.http`, { v: 1, item: { id: `n1/1-${i}` } }, { msgId: `s/n1/1-${i}` });
    await bus.flush();

    const nc = await connect({ servers: nats.url });
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info('TEST_ITEMS');
    expect(info.config.max_age).toBe(120_000 * 1_000_000);
    expect(info.state.messages).toBe(50);

    await jsm.consumers.add('TEST_ITEMS', { durable_name: 'reader', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await nc.jetstream().consumers.get('TEST_ITEMS', 'reader');
    const ids: string[] = [];
    const messages = await consumer.fetch({ max_messages: 100, expires: 1000 });
    for await (const m of messages) {
      ids.push((m.json() as { item: { id: string } }).item.id);
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
