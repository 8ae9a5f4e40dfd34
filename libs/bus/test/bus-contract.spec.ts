import { InProcessBus, NatsBus, BusRequestError, type Bus } from '../src';
import { bothTransports } from './transports';

/** The same behaviour is required of both transports: run one suite against each. */
const { transports, nats: server } = bothTransports('bus-contract-test');

function collect<T>(bus: Bus, subject: string, queue?: string): { got: Array<{ subject: string; payload: T }> } {
  const box = { got: [] as Array<{ subject: string; payload: T }> };
  bus.subscribe<T>(subject, (payload, s) => void box.got.push({ subject: s, payload }), { queue });
  return box;
}

async function settle(bus: Bus): Promise<void> {
  await bus.flush();
  await new Promise((r) => setTimeout(r, 100));
}

describe.each(transports)('$name bus', (transport) => {
  let bus: Bus;
  beforeEach(async () => {
    bus = await transport.open();
  });
  afterEach(async () => {
    await bus.close();
  });

  it('delivers JSON payloads to wildcard subscribers', async () => {
    const star = collect<{ n: number }>(bus, 'wirehook.items.*.http');
    const tail = collect<{ n: number }>(bus, 'wirehook.items.>');
    bus.publish('wirehook.items.node1.http', { n: 1 });
    bus.publish('wirehook.items.node1.dns', { n: 2 });
    await settle(bus);
    expect(star.got).toEqual([{ subject: 'wirehook.items.node1.http', payload: { n: 1 } }]);
    expect(tail.got.map((m) => m.payload.n).sort()).toEqual([1, 2]);
  });

  it('gives each message to exactly one member of a queue group, and to every plain subscriber', async () => {
    const a = collect<number>(bus, 'wirehook.hub.actions.>', 'hub');
    const b = collect<number>(bus, 'wirehook.hub.actions.>', 'hub');
    const all = collect<number>(bus, 'wirehook.hub.actions.>');
    for (let i = 0; i < 20; i++) bus.publish('wirehook.hub.actions.alert', i);
    await settle(bus);
    expect(a.got.length + b.got.length).toBe(20);
    expect(new Set([...a.got, ...b.got].map((m) => m.payload)).size).toBe(20);
    expect(all.got).toHaveLength(20);
  });

  it('answers requests, reports handler errors to the requester, and times out with no responder', async () => {
    bus.reply<{ x: number }, { y: number }>('wirehook.test.double', (p) => ({ y: p.x * 2 }), { queue: 'hub' });
    bus.reply('wirehook.test.fail', () => {
      throw new Error('nope');
    });
    await bus.flush();
    await expect(bus.request('wirehook.test.double', { x: 21 }, 2000)).resolves.toEqual({ y: 42 });
    await expect(bus.request('wirehook.test.fail', {}, 2000)).rejects.toThrow(/nope/);
    await expect(bus.request('wirehook.test.nobody', {}, 500)).rejects.toBeInstanceOf(BusRequestError);
  });

  it('keeps delivering after a handler throws, and counts it', async () => {
    let seen = 0;
    bus.subscribe('wirehook.logs.n1', () => {
      seen++;
      if (seen === 1) throw new Error('handler bug');
    });
    bus.publish('wirehook.logs.n1', 'a');
    bus.publish('wirehook.logs.n1', 'b');
    await settle(bus);
    expect(seen).toBe(2);
    expect(bus.stats().handlerErrors).toBe(1);
  });

  it('delivers pre-serialised JSON exactly like an object', async () => {
    const box = collect<{ v: number; items: Array<{ id: string }> }>(bus, 'wirehook.items.>');
    bus.publishJson('wirehook.items.n1.http', '{"v":1,"items":[{"id":"n1/1-0"}]}', { msgId: 'x/n1/1-0+1' });
    await settle(bus);
    expect(box.got).toEqual([{ subject: 'wirehook.items.n1.http', payload: { v: 1, items: [{ id: 'n1/1-0' }] } }]);
    expect(bus.hasSubscribers('wirehook.items.n1.http')).toBe(true);
  });

  it('stops delivering after unsubscribe', async () => {
    const got: number[] = [];
    const sub = bus.subscribe<number>('wirehook.x', (n) => void got.push(n));
    bus.publish('wirehook.x', 1);
    await settle(bus);
    sub.unsubscribe();
    bus.publish('wirehook.x', 2);
    await settle(bus);
    expect(got).toEqual([1]);
  });
});

describe('in-process subscribers', () => {
  it('are known per subject, so a publisher can skip serialising for nobody', () => {
    const bus = new InProcessBus();
    expect(bus.hasSubscribers('wirehook.items.n1.http')).toBe(false);
    const sub = bus.subscribe('wirehook.items.*.dns', () => undefined);
    expect(bus.hasSubscribers('wirehook.items.n1.http')).toBe(false);
    expect(bus.hasSubscribers('wirehook.items.n1.dns')).toBe(true);
    sub.unsubscribe();
    expect(bus.hasSubscribers('wirehook.items.n1.dns')).toBe(false);
  });
});

describe('NATS wire format', () => {
  it('is plain JSON that a raw NATS client reads without an envelope', async () => {
    const { connect } = await import('nats');
    const raw = await connect({ servers: server().url });
    const received: string[] = [];
    const sub = raw.subscribe('wirehook.items.>', { callback: (_e, msg) => received.push(new TextDecoder().decode(msg.data)) });
    await raw.flush();
    const bus = await NatsBus.connect({ url: server().url, name: 'wire-test' });
    bus.publish('wirehook.items.n1.http', { v: 1, items: [{ id: 'n1/1-0' }] });
    await bus.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual(['{"v":1,"items":[{"id":"n1/1-0"}]}']);
    sub.unsubscribe();
    await bus.close();
    await raw.close();
  });
});
