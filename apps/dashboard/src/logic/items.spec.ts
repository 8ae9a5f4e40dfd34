import type { Item as ContractItem } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { sharedPcap } from '@wirehook/testing';
import type { Item } from '../api/types';
import { mergeItems, summariseItem } from './items';

async function itemsOf(capture: string, max = 200): Promise<Item[]> {
  const items: ContractItem[] = [];
  await replayCaptureToItems(sharedPcap(capture), { onItem: (item) => void (items.length < max && items.push(item)) });
  return items as unknown as Item[];
}

describe('Live view items', () => {
  it('summarises real HTTP, DNS and Redis items, colouring errors', async () => {
    const http = (await itemsOf('http-mixed.pcap')).map(summariseItem);
    expect(http).toContainEqual({ protocol: 'HTTP', request: 'GET /status/500', response: '500 Internal Server Error', tone: 'error' });
    expect(http).toContainEqual(expect.objectContaining({ request: 'GET /status/404', tone: 'warn' }));
    expect(http).toContainEqual(expect.objectContaining({ request: 'DELETE /status/204', response: '204 No Content', tone: 'ok' }));

    const dns = (await itemsOf('dns.pcap')).map(summariseItem);
    expect(dns).toContainEqual({ protocol: 'DNS', request: 'AAAA v6.shop.test', response: 'NOERROR fd00::5', tone: 'ok' });
    expect(dns).toContainEqual(expect.objectContaining({ request: 'A nope.shop.test', tone: 'warn' }));

    const redis = (await itemsOf('redis.pcap', 50)).map(summariseItem);
    expect(redis).toContainEqual({ protocol: 'REDIS', request: 'HSET user:1 name alice age 30', response: 'integer 2', tone: 'ok' });
    expect(redis).toContainEqual(expect.objectContaining({ request: 'NOSUCHCMD', tone: 'error' }));
  });

  it('merges polls newest first without repeating an item, keeping at most max', async () => {
    const items = await itemsOf('http-mixed.pcap');
    const first = mergeItems([], items.slice(0, 5), 100);
    expect(first.map((i) => i.id)).toEqual(items.slice(0, 5).map((i) => i.id).reverse());
    const second = mergeItems(first, items.slice(3, 8), 100);
    expect(second.map((i) => i.id)).toEqual(items.slice(0, 8).map((i) => i.id).reverse());
    expect(mergeItems(second, items.slice(0, 8), 100)).toBe(second);
    expect(mergeItems(second, items.slice(8, 12), 6)).toHaveLength(6);
  });
});
