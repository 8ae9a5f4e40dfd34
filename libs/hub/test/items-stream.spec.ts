import { ItemBatchPublisher } from '@wirehook/bus';
import { SCHEMA_VERSION, Subjects, type Item } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { eventually, sharedPcap } from '@wirehook/testing';
import { StreamClient } from './log-stream-client';
import { ApiClient, createTestPlace, startTestHub, type TestHub, type TestPlace } from './test-hub';

/** `/api/items/stream`: items as workers publish them, filtered with the filter language, for the dashboard's Live view. */
describe('items WebSocket stream', () => {
  let place: TestPlace;
  let hub: TestHub;
  let items: Item[];
  const clients: StreamClient<Item>[] = [];

  beforeAll(async () => {
    place = await createTestPlace();
    hub = await startTestHub(place);
    items = [];
    await replayCaptureToItems(sharedPcap('http-mixed.pcap'), { worker: 'w1', onItem: (item) => void items.push(item) });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await hub.close();
    await place.remove();
  });

  const open = (query: string, token: string | undefined = hub.adminToken): StreamClient<Item> => {
    const client = new StreamClient<Item>(`${hub.url.replace('http', 'ws')}/api/items/stream${query}`, token);
    clients.push(client);
    return client;
  };

  // As a worker publishes: batches of items (here at most three per message).
  const publish = (some: Item[]): void => {
    const batches = new ItemBatchPublisher({ bus: hub.bus, session: 'test', maxItems: 3 });
    for (const item of some) batches.add(Subjects.items(item.worker, item.protocol.name), item.id, JSON.stringify(item));
    batches.flush();
  };

  it('sends every matching item as it arrives, in order, after the recent ones asked for', async () => {
    publish(items.slice(0, 5));
    const errors = items.filter((i) => (i.response as { status?: number } | null)?.status !== undefined && (i.response as { status: number }).status >= 400);
    expect(errors.length).toBeGreaterThan(2);
    const all = open('?limit=3');
    const failing = open(`?q=${encodeURIComponent('response.status >= 400')}`);
    expect(await all.opened).toBe('open');
    expect(await failing.opened).toBe('open');
    publish(items.slice(5));
    await eventually(() => expect(all.entries).toHaveLength(3 + items.length - 5));
    expect(all.entries.map((i) => i.id)).toEqual([...items.slice(2, 5), ...items.slice(5)].map((i) => i.id));
    await eventually(() => expect(failing.entries.map((i) => i.id)).toEqual(errors.filter((i) => items.indexOf(i) >= 5).map((i) => i.id)));
  });

  it('shows and counts each item once when a batch is re-sent (as after a NATS reconnect)', async () => {
    const api = new ApiClient(hub.url, hub.adminToken);
    const total = async (): Promise<number> => (await api.get<{ total: number }>('/api/items/counts')).body.total;
    await eventually(async () => expect(await total()).toBe(items.length));
    const watcher = open('');
    expect(await watcher.opened).toBe('open');
    const last = items[items.length - 1];
    const again = items.filter((i) => i.protocol.name === last.protocol.name).slice(-4);
    const json = JSON.stringify({ v: SCHEMA_VERSION, items: again });
    const subject = Subjects.items(again[0].worker, again[0].protocol.name);
    hub.bus.publishJson(subject, json, { msgId: `test/${again[0].id}+${again.length}` });
    hub.bus.publishJson(subject, json, { msgId: `test/${again[0].id}+${again.length}` });
    await hub.bus.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(await total()).toBe(items.length);
    expect(watcher.entries).toEqual([]);
  });

  it('counts and logs the items missing between numbered batches; a re-sent batch is not a gap', async () => {
    const api = new ApiClient(hub.url, hub.adminToken);
    const counts = async () => (await api.get<{ total: number; missed: number }>('/api/items/counts')).body;
    const before = await counts();
    const some = items.filter((i) => i.protocol.name === items[0].protocol.name).slice(0, 6);
    const subject = Subjects.items(some[0].worker, some[0].protocol.name);
    const batch = (first: number, part: Item[]) => JSON.stringify({ v: SCHEMA_VERSION, sequence: { session: 'gap-test', first }, items: part });
    hub.bus.publishJson(subject, batch(0, some.slice(0, 2)));
    hub.bus.publishJson(subject, batch(2, some.slice(2, 4)));
    hub.bus.publishJson(subject, batch(7, some.slice(4, 6))); // items 4, 5 and 6 never came
    hub.bus.publishJson(subject, batch(2, some.slice(2, 4))); // a re-send
    hub.bus.publishJson(subject, batch(9, some.slice(0, 1)));
    await hub.bus.flush();
    await eventually(async () => expect((await counts()).missed).toBe(before.missed + 3));
    await eventually(async () => {
      const logs = (await api.get<Array<{ level: string; message: string }>>('/api/logs?node=hub&level=warn')).body;
      expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(new RegExp(`^missed 3 item\\(s\\) on ${subject.replace(/\./g, '\\.')} \\(items 4-6 of publisher gap-test\\)`)));
    });
    // Every item was already seen by the earlier tests: nothing new is counted.
    expect((await counts()).total).toBe(before.total);
  });

  it('refuses a bad filter with 400, no token with 401', async () => {
    expect(await open(`?q=${encodeURIComponent('response.status >=')}`).opened).toBe(400);
    expect(await open('?limit=0').opened).toBe(400);
    expect(await open('', '').opened).toBe(401);
  });
});
