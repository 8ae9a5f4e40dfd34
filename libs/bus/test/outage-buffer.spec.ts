import { OutageBuffer, type HeldMessage } from '../src/outage-buffer';

const message = (i: number, length: number, at = 0): HeldMessage => ({
  subject: `s.${i}`,
  msgId: `id-${i}`,
  at,
  data: Buffer.alloc(length, i % 251),
});

describe('OutageBuffer: the re-send window', () => {
  it('re-sends an unbroken run of the latest messages, bytes intact, oldest first, whatever the sizes', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    for (let round = 0; round < 200; round++) {
      const buffer = new OutageBuffer({ maxPendingBytes: 1 << 20, resendWindowMs: 60_000, resendMaxBytes: 100 });
      const sent = Array.from({ length: random(60) }, (_, i) => message(i, random(45)));
      for (const m of sent) buffer.sent(m);
      const count = buffer.disconnected(0);
      const resent = buffer.drain();
      expect(resent).toHaveLength(count);
      expect(count).toBeGreaterThan(0);
      const suffix = sent.slice(sent.length - count);
      expect(resent.map((m) => [m.subject, m.msgId, Buffer.from(m.data).toString('hex')])).toEqual(
        suffix.map((m) => [m.subject, m.msgId, Buffer.from(m.data).toString('hex')]),
      );
      expect(suffix.reduce((n, m) => n + m.data.length, 0)).toBeLessThanOrEqual(100);
    }
  });

  it('keeps only the last resendWindowMs, skips messages without an id or larger than the window', () => {
    const buffer = new OutageBuffer({ maxPendingBytes: 1 << 20, resendWindowMs: 1000, resendMaxBytes: 100 });
    buffer.sent(message(1, 10, 0));
    buffer.sent({ ...message(2, 10, 500), msgId: undefined });
    buffer.sent(message(3, 10, 1500));
    buffer.sent(message(4, 101, 1600));
    buffer.sent(message(5, 10, 1700));
    expect(buffer.disconnected(1800)).toBe(2);
    expect(buffer.drain().map((m) => m.msgId)).toEqual(['id-3', 'id-5']);
  });

  it('puts the re-sends ahead of what was published while disconnected, within the pending bound', () => {
    const buffer = new OutageBuffer({ maxPendingBytes: 25, resendWindowMs: 1000, resendMaxBytes: 100 });
    buffer.sent(message(1, 10));
    buffer.disconnected(0);
    expect(buffer.hold(message(2, 10))).toBe(true);
    expect(buffer.hold(message(3, 10))).toBe(false);
    expect(buffer.drain().map((m) => m.msgId)).toEqual(['id-1', 'id-2']);
    expect(buffer.heldBytes).toBe(0);
  });
});
