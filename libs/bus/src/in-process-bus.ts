import { createHash, randomUUID } from 'node:crypto';
import {
  BusBlobError,
  BusRequestError,
  isReplyError,
  type BlobInfo,
  type Bus,
  type BusErrorListener,
  type BusStats,
  type DurableStreamSpec,
  type PublishOptions,
  type MessageHandler,
  type RequestHandler,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { isValidSubject, SubjectPattern } from './subject-match';

interface Subscriber {
  pattern: SubjectPattern;
  handler: MessageHandler;
  queue?: string;
  active: boolean;
}

/**
 * The all-in-one transport. Messages are JSON-encoded on publish and decoded per delivery,
 * so that what a handler receives is exactly what it would receive over NATS (no shared
 * references, no values that JSON cannot carry). Delivery is asynchronous, as with NATS.
 */
export class InProcessBus implements Bus {
  readonly description = 'in-process';
  private readonly subscribers = new Set<Subscriber>();
  private readonly queueCursor = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  /** bucket → object name → bytes (copies in and out, as NATS would hand over). */
  private readonly blobs = new Map<string, Map<string, Uint8Array>>();
  private readonly counters: BusStats = { published: 0, delivered: 0, buffered: 0, resent: 0, dropped: 0, handlerErrors: 0 };
  private closed = false;

  constructor(private readonly onError: BusErrorListener = () => undefined) {}

  publish<T>(subject: string, payload: T, _options?: PublishOptions): boolean {
    this.dispatch(subject, () => JSON.stringify(payload === undefined ? null : payload));
    return true;
  }

  publishJson(subject: string, json: string, _options?: PublishOptions): boolean {
    this.dispatch(subject, () => json);
    return true;
  }

  hasSubscribers(subject: string): boolean {
    for (const s of this.subscribers) if (s.pattern.matches(subject)) return true;
    return false;
  }

  private dispatch(subject: string, encode: () => string): void {
    if (this.closed) throw new Error(`bus closed: cannot publish on ${subject}`);
    if (!isValidSubject(subject, false)) throw new Error(`invalid subject for publish: "${subject}"`);
    this.counters.published++;
    const targets = this.route(subject);
    // Nobody listening (the common case for items in one process): skip the encoding too.
    if (targets.length === 0) return;
    const encoded = encode();
    const delivery = Promise.resolve().then(() => this.deliver(targets, subject, encoded));
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  subscribe<T>(subject: string, handler: MessageHandler<T>, options: SubscribeOptions = {}): Subscription {
    if (!isValidSubject(subject, true)) throw new Error(`invalid subject for subscribe: "${subject}"`);
    const subscriber: Subscriber = { pattern: new SubjectPattern(subject), handler: handler as MessageHandler, queue: options.queue, active: true };
    this.subscribers.add(subscriber);
    return {
      subject,
      unsubscribe: () => {
        subscriber.active = false;
        this.subscribers.delete(subscriber);
      },
    };
  }

  async request<T, R>(subject: string, payload: T, timeoutMs = 5000): Promise<R> {
    const inbox = `_INBOX.${randomUUID()}`;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(new BusRequestError(subject, `no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = this.subscribe<unknown>(inbox, (reply) => {
        clearTimeout(timer);
        sub.unsubscribe();
        if (isReplyError(reply)) reject(new BusRequestError(subject, reply.__wirehookReplyError));
        else resolve(reply as R);
      });
      if (this.route(subject).length === 0) {
        clearTimeout(timer);
        sub.unsubscribe();
        reject(new BusRequestError(subject, 'no responders'));
        return;
      }
      this.publishWithReply(subject, payload, inbox);
    });
  }

  reply<T, R>(subject: string, handler: RequestHandler<T, R>, options: SubscribeOptions = {}): Subscription {
    return this.subscribe<{ payload: T; replyTo: string }>(
      subject,
      async (envelope) => {
        let answer: unknown;
        try {
          answer = await handler(envelope.payload, subject);
        } catch (error) {
          answer = { __wirehookReplyError: (error as Error).message };
        }
        if (!this.closed) this.publish(envelope.replyTo, answer);
      },
      options,
    );
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  stats(): BusStats {
    return { ...this.counters };
  }

  /** One process has no durable storage: consumers inside it see live messages only. */
  async ensureDurableStream(_spec: DurableStreamSpec): Promise<boolean> {
    return false;
  }

  async putBlob(bucket: string, name: string, data: Uint8Array): Promise<void> {
    this.checkBlob('put', bucket, name);
    const objects = this.blobs.get(bucket) ?? new Map<string, Uint8Array>();
    this.blobs.set(bucket, objects);
    objects.set(name, new Uint8Array(data));
  }

  async getBlob(bucket: string, name: string): Promise<Uint8Array | undefined> {
    this.checkBlob('get', bucket, name);
    const data = this.blobs.get(bucket)?.get(name);
    return data ? new Uint8Array(data) : undefined;
  }

  async blobInfo(bucket: string, name: string): Promise<BlobInfo | undefined> {
    this.checkBlob('info', bucket, name);
    const data = this.blobs.get(bucket)?.get(name);
    return data ? { size: data.length, sha256: createHash('sha256').update(data).digest('hex') } : undefined;
  }

  async deleteBlob(bucket: string, name: string): Promise<void> {
    this.checkBlob('delete', bucket, name);
    this.blobs.get(bucket)?.delete(name);
  }

  /** What NATS refuses too: a closed connection, an empty name. */
  private checkBlob(operation: BusBlobError['operation'], bucket: string, name: string): void {
    if (this.closed) throw new BusBlobError(operation, bucket, name, this.description, 'bus closed');
    if (!bucket || !name) throw new BusBlobError(operation, bucket, name, this.description, 'bucket and name must not be empty');
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.subscribers.clear();
    this.blobs.clear();
  }

  /** Requests carry their inbox inside the envelope, since this transport has no headers. */
  private publishWithReply<T>(subject: string, payload: T, replyTo: string): void {
    this.publish(subject, { payload, replyTo });
  }

  /** Every plain subscriber, plus one member of each queue group, round-robin. */
  private route(subject: string): Subscriber[] {
    const out: Subscriber[] = [];
    const groups = new Map<string, Subscriber[]>();
    for (const s of this.subscribers) {
      if (!s.pattern.matches(subject)) continue;
      if (!s.queue) out.push(s);
      else {
        const members = groups.get(s.queue) ?? [];
        members.push(s);
        groups.set(s.queue, members);
      }
    }
    for (const [queue, members] of groups) {
      const cursor = (this.queueCursor.get(queue) ?? 0) % members.length;
      this.queueCursor.set(queue, cursor + 1);
      out.push(members[cursor]);
    }
    return out;
  }

  private async deliver(targets: Subscriber[], subject: string, encoded: string): Promise<void> {
    await Promise.all(
      targets.map(async (s) => {
        if (!s.active) return;
        try {
          await s.handler(JSON.parse(encoded), subject);
          this.counters.delivered++;
        } catch (error) {
          this.counters.handlerErrors++;
          this.onError(error as Error, subject);
        }
      }),
    );
  }
}
