import { DEFAULT_DELIVERY, DeliveryDroppedError, DeliveryQueue, type DeliveryJob, type DeliveryOptions } from '../src';

interface Attempt {
  agent: string;
  n: number;
  signal: AbortSignal;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A queue whose attempts the test settles by hand, so nothing depends on timing. */
function setup(options: Partial<DeliveryOptions> = {}) {
  const attempts: Attempt[] = [];
  const counted: string[] = [];
  const queue = new DeliveryQueue('test-plugin', { ...DEFAULT_DELIVERY, backoffMs: 1, maxBackoffMs: 2, ...options }, {
    counted: (kind, agent) => counted.push(`${agent.title}:${kind}`),
    depth: () => undefined,
  });
  const job = (agent: string, overrides: Partial<DeliveryJob<unknown>> = {}): DeliveryJob<unknown> => ({
    agent: { id: agent, title: agent },
    helper: 'vendor.test',
    attempt: (signal, n) => new Promise((resolve, reject) => attempts.push({ agent, n, signal, resolve, reject })),
    retryable: () => true,
    signal: new AbortController().signal,
    ...overrides,
  });
  const running = (agent?: string) => attempts.filter((a) => !a.signal.aborted && (agent === undefined || a.agent === agent));
  return { queue, attempts, counted, job, running };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!condition()) throw new Error('condition not reached');
}

describe('DeliveryQueue', () => {
  it('runs at most `concurrency` attempts and at most `agentConcurrency` per agent, agents in turn', async () => {
    const { queue, attempts, job } = setup({ concurrency: 3, agentConcurrency: 2 });
    const results = [
      ...Array.from({ length: 4 }, () => queue.submit(job('dead'))),
      ...Array.from({ length: 3 }, () => queue.submit(job('healthy'))),
    ];
    await tick();
    // The dead destination's agent holds only its own share of the slots: the healthy agent got one.
    expect(attempts.map((a) => a.agent)).toEqual(['dead', 'dead', 'healthy']);
    attempts[2].resolve('h1');
    await tick();
    expect(attempts.map((a) => a.agent)).toEqual(['dead', 'dead', 'healthy', 'healthy']);
    attempts[3].resolve('h2');
    await tick();
    attempts[4].resolve('h3');
    await expect(Promise.all(results.slice(4))).resolves.toEqual(['h1', 'h2', 'h3']);
    expect(queue.stats()).toMatchObject({ sent: 3, queued: 2, inFlight: 2 });
    queue.close('test over');
    const dead = await Promise.allSettled(results.slice(0, 4));
    expect(dead.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'fulfilled'))).toEqual(['test over', 'test over', 'test over', 'test over']);
  });

  it('retries a retryable failure with backoff, holding no slot meanwhile, and counts it', async () => {
    const { queue, attempts, counted, job } = setup({ concurrency: 1, retries: 2 });
    const result = queue.submit(job('a'));
    const other = queue.submit(job('b'));
    await tick();
    attempts[0].reject(new Error('503'));
    await until(() => attempts.length === 2);
    // During a's backoff, b's job took the only slot.
    expect(attempts[1].agent).toBe('b');
    attempts[1].resolve('b done');
    await until(() => attempts.length === 3);
    expect(attempts[2]).toMatchObject({ agent: 'a', n: 2 });
    attempts[2].resolve('a done');
    await expect(result).resolves.toBe('a done');
    await expect(other).resolves.toBe('b done');
    expect(counted).toEqual(['a:retried', 'b:sent', 'a:sent']);
  });

  it('stops after `retries` and reports the last error with the number of attempts', async () => {
    const { queue, attempts, job } = setup({ retries: 1 });
    const result = queue.submit(job('a'));
    await tick();
    attempts[0].reject(new Error('HTTP 503'));
    await until(() => attempts.length === 2);
    attempts[1].reject(new Error('HTTP 502'));
    await expect(result).rejects.toThrow('HTTP 502 (after 2 attempts)');
    expect(queue.stats().agents[0]).toMatchObject({ sent: 0, failed: 1, retried: 1, dropped: 0 });
  });

  it('never retries what the job says is unsafe', async () => {
    const { queue, attempts, job } = setup();
    const result = queue.submit(job('a', { retryable: () => false }));
    await tick();
    attempts[0].reject(new Error('HTTP 400'));
    await expect(result).rejects.toThrow(/^HTTP 400$/);
    expect(attempts).toHaveLength(1);
  });

  it('times an attempt out even when the helper ignores its signal', async () => {
    const { queue, job } = setup({ timeoutMs: 20, retries: 0 });
    const result = queue.submit(job('a', { attempt: () => new Promise(() => undefined) }));
    await expect(result).rejects.toThrow('no answer within 20 ms');
    expect(queue.stats()).toMatchObject({ failed: 1, inFlight: 0 });
  });

  it('drops a call when the agent’s queue is full, at once and counted', async () => {
    const { queue, job, counted } = setup({ concurrency: 1, agentQueueSize: 2 });
    const first = queue.submit(job('a'));
    await tick();
    void queue.submit(job('a')).catch(() => undefined);
    void queue.submit(job('a')).catch(() => undefined);
    expect(() => queue.submit(job('a'))).toThrow(DeliveryDroppedError);
    expect(() => queue.submit(job('a'))).toThrow('delivery queue full (2 calls of this agent waiting); call dropped');
    // Another agent still has room.
    const other = queue.submit(job('b'));
    expect(counted.filter((c) => c.endsWith('dropped'))).toEqual(['a:dropped', 'a:dropped']);
    queue.close('done');
    await expect(first).rejects.toThrow('done');
    await expect(other).rejects.toThrow('done');
  });

  it('gives up a waiting job when its caller stops waiting, and aborts a running attempt', async () => {
    const { queue, attempts, job } = setup({ concurrency: 1 });
    const callerA = new AbortController();
    const callerB = new AbortController();
    const a = queue.submit(job('a', { signal: callerA.signal }));
    const b = queue.submit(job('b', { signal: callerB.signal }));
    await tick();
    callerB.abort(new Error('hook budget'));
    await expect(b).rejects.toThrow('gave up after 0 attempt(s) (hook budget)');
    callerA.abort(new Error('agent unloaded'));
    expect(attempts[0].signal.aborted).toBe(true);
    await expect(a).rejects.toThrow('gave up after 1 attempt(s) (agent unloaded)');
    expect(queue.stats()).toMatchObject({ failed: 2, queued: 0, inFlight: 0 });
  });
});
