import type { Item } from '@wirehook/contracts';
import { sharedPcap } from '@wirehook/testing';
import { replayCaptureToItems, type ReplayProgress } from '../src';

describe('replayCaptureToItems', () => {
  it('replays a capture through reader, decoder, reassembler and dissectors and sums it up', async () => {
    const items: Item[] = [];
    let packets = 0;
    const progress: ReplayProgress[] = [];
    const summary = await replayCaptureToItems(sharedPcap('dns.pcap'), {
      worker: 'cli',
      onItem: (item) => items.push(item),
      onPacket: () => packets++,
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ packets: 18, items: 5, errors: 0, drops: 0 });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(packets).toBe(18);
    expect(items.every((i) => i.id.startsWith('cli/'))).toBe(true);
    // UDP flows carry capture's flow ids, as TCP streams do (one id space, as the stream recorder uses).
    expect(items.map((i) => i.stream).every((s) => /^\d+$/.test(s))).toBe(true);
    expect(new Set(items.map((i) => i.stream)).size).toBe(5);
    expect(progress[progress.length - 1]).toMatchObject({ packets: 18, items: 5 });
    expect(progress[progress.length - 1].bytesRead).toBe(1888);
  });

  it('loops a capture with increasing timestamps: every lap is dissected again', async () => {
    const items: Item[] = [];
    const summary = await replayCaptureToItems(sharedPcap('dns.pcap'), { onItem: (item) => items.push(item), loop: true, laps: 3 });
    expect(summary.packets).toBe(54);
    expect(items).toHaveLength(15);
    expect(summary.errors).toBe(0);
    const times = items.map((i) => i.timestamp);
    expect(Math.max(...times)).toBeGreaterThan(Math.min(...times) + 2 * 250);
  });

  it('stops when the signal aborts and still flushes what was pending', async () => {
    const abort = new AbortController();
    const items: Item[] = [];
    const summary = await replayCaptureToItems(sharedPcap('http-wrk.pcap'), {
      onItem: (item) => {
        items.push(item);
        if (items.length === 100) abort.abort();
      },
      signal: abort.signal,
    });
    expect(summary.packets).toBeLessThan(52_205);
    expect(items.length).toBeGreaterThanOrEqual(100);
    expect(summary.items).toBe(items.length);
  });

  it('fails with the path in the message when the capture does not exist', async () => {
    await expect(replayCaptureToItems('/nonexistent/capture.pcap', { onItem: () => undefined })).rejects.toThrow('/nonexistent/capture.pcap');
  });
});
