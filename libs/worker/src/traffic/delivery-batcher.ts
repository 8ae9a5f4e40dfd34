export interface DeliveryBatcherOptions<T> {
  /** A batch is delivered when it reaches this size… */
  maxBatch: number;
  /** …or when its first element has waited this long. */
  maxDelayMs: number;
  /** Batches waiting while one is being delivered; beyond this, new elements are dropped and counted. */
  maxQueuedBatches: number;
  deliver(batch: T[]): Promise<void>;
}

/**
 * Groups events into batches for the sandbox, so per-call overhead does not bound throughput,
 * and keeps capture independent of agents: delivery is serial and asynchronous, and when
 * agents fall behind, excess events are dropped and counted instead of buffering without bound.
 */
export class DeliveryBatcher<T> {
  private current: T[] = [];
  private readonly queue: T[][] = [];
  private timer?: NodeJS.Timeout;
  private delivering = false;
  private idleWaiters: Array<() => void> = [];
  dropped = 0;
  delivered = 0;

  constructor(private readonly options: DeliveryBatcherOptions<T>) {}

  add(element: T): void {
    if (this.queue.length >= this.options.maxQueuedBatches) {
      this.dropped++;
      return;
    }
    this.current.push(element);
    if (this.current.length >= this.options.maxBatch) this.cut();
    else if (!this.timer) this.timer = setTimeout(() => this.cut(), this.options.maxDelayMs);
  }

  /** Delivers what is pending and resolves when nothing is left in flight. */
  async drain(): Promise<void> {
    this.cut();
    if (!this.delivering && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.current.length === 0) return;
    this.queue.push(this.current);
    this.current = [];
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    while (this.queue.length > 0) {
      const batch = this.queue.shift() as T[];
      try {
        await this.options.deliver(batch);
        this.delivered += batch.length;
      } catch {
        // The runtime reports agent failures itself; a failed batch must not stop later ones.
        this.dropped += batch.length;
      }
    }
    this.delivering = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
