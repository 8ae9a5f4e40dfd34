import { Injectable } from '@nestjs/common';
import type { Item } from '@wirehook/contracts';
import { compileKfl } from '@wirehook/runtime';
import { HubRuntimeService } from '../runtime/hub-runtime.service';

export interface ItemCounts {
  total: number;
  /** worker → protocol → items */
  byWorker: Record<string, Record<string, number>>;
  errors: number;
}

export type ItemListener = (item: Item) => void;

const CAPACITY = 2_000;
/** Item ids remembered for de-duplication: far more than a reconnect re-sends. */
const SEEN_IDS = 200_000;

/**
 * The hub's view of the items workers publish: counts since start, the most recent items
 * (bounded) for the API and the dashboard's live view, and listeners for live streams.
 * What readers see passes through the agents' `onItemQueried`.
 */
@Injectable()
export class RecentItemsService {
  private readonly ring: Item[] = [];
  private next = 0;
  private readonly counts: ItemCounts = { total: 0, byWorker: {}, errors: 0 };
  private readonly listeners = new Set<ItemListener>();
  private readonly seen = new Set<string>();

  constructor(private readonly hubRuntime: HubRuntimeService) {}

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
