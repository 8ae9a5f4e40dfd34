import { Injectable } from '@nestjs/common';
import type { Item, ItemBatchMessage } from '@wirehook/contracts';
import { compileKfl } from '@wirehook/runtime';
import { HubRuntimeService } from '../runtime/hub-runtime.service';

export interface ItemCounts {
  total: number;
  /** worker → protocol → items */
  byWorker: Record<string, Record<string, number>>;
  errors: number;
  /**
   * Items this hub never received: gaps in a publisher's numbered batches (the hub was disconnected
   * or cut off as a slow consumer, or the worker dropped them).
   */
  missed: number;
}

/** A gap in one publisher's batches on one subject. */
export interface MissedItems {
  subject: string;
  session: string;
  /** Position of the first missed item in that session's items on the subject. */
  from: number;
  count: number;
}

export type ItemListener = (item: Item) => void;

const CAPACITY = 2_000;
/** Item ids remembered for de-duplication: far more than a reconnect re-sends. */
const SEEN_IDS = 200_000;
/** Publisher streams (session × subject) whose next position is remembered. */
const STREAMS = 10_000;

/**
 * The hub's view of the items workers publish: counts since start, the most recent items
 * (bounded) for the API and the dashboard's live view, and listeners for live streams.
 * What readers see passes through the agents' `onItemQueried`.
 */
@Injectable()
export class RecentItemsService {
  private readonly ring: Item[] = [];
  private next = 0;
  private readonly counts: ItemCounts = { total: 0, byWorker: {}, errors: 0, missed: 0 };
  private readonly listeners = new Set<ItemListener>();
  private readonly seen = new Set<string>();
  /** session × subject → where that stream's next batch should start. */
  private readonly nextInStream = new Map<string, number>();

  constructor(private readonly hubRuntime: HubRuntimeService) {}

  /** A worker's batch: each item is added; a gap before it in its publisher's numbering is counted and returned. */
  addBatch(subject: string, message: ItemBatchMessage): MissedItems | undefined {
    const missed = this.checkSequence(subject, message);
    for (const item of message.items) this.add(item);
    return missed;
  }

  private checkSequence(subject: string, message: ItemBatchMessage): MissedItems | undefined {
    const sequence = message.sequence;
    if (typeof sequence?.session !== 'string' || !Number.isSafeInteger(sequence.first) || sequence.first < 0) return undefined;
    const key = `${sequence.session}\u0000${subject}`;
    const expected = this.nextInStream.get(key);
    const next = sequence.first + message.items.length;
    if (expected === undefined || next > expected) {
      this.nextInStream.delete(key); // re-inserted: the map's order is least recently advanced first
      this.nextInStream.set(key, next);
      if (this.nextInStream.size > STREAMS) this.nextInStream.delete(this.nextInStream.keys().next().value as string);
    }
    // The first batch seen of a stream (the hub started later), or a re-send after a reconnect: no gap.
    if (expected === undefined || sequence.first <= expected) return undefined;
    const count = sequence.first - expected;
    this.counts.missed += count;
    return { subject, session: sequence.session, from: expected, count };
  }

  add(item: Item): void {
    // After a NATS reconnect, workers re-send their last moments of items; count each once.
    // Ids restart with a worker process, so the first byte's time is part of the key.
    const key = `${item.id}@${item.timestamp}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value as string);
    if (this.ring.length < CAPACITY) this.ring.push(item);
    else this.ring[this.next] = item;
    this.next = (this.next + 1) % CAPACITY;
    this.counts.total++;
    if (item.error) this.counts.errors++;
    const perWorker = (this.counts.byWorker[item.worker] ??= {});
    perWorker[item.protocol.name] = (perWorker[item.protocol.name] ?? 0) + 1;
    for (const listener of this.listeners) listener(item);
  }

  itemCounts(): ItemCounts {
    return structuredClone(this.counts);
  }

  /** Newest last; `query` is a filter-language expression (throws KflSyntaxError when invalid). */
  async recent(query: string | undefined, limit: number): Promise<Item[]> {
    const ordered = this.ring.length < CAPACITY ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const match = query ? compileKfl(query) : undefined;
    const selected = (match ? ordered.filter((item) => match(item)) : ordered).slice(-limit);
    return Promise.all(selected.map((item) => this.present(item)));
  }

  /** What a reader is shown: the item after every agent's `onItemQueried`. */
  present(item: Item): Promise<Item> {
    return this.hubRuntime.runtime.hasHook('onItemQueried') ? this.hubRuntime.runtime.onItemQueried(item) : Promise.resolve(item);
  }

  listen(listener: ItemListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
