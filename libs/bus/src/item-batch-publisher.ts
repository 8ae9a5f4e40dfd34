import { SCHEMA_VERSION } from '@wirehook/contracts';
import type { Bus } from './bus';

/** A batch is sent when it holds this many items… */
export const ITEM_BATCH_MAX_ITEMS = 256;
/**
 * …or this many characters of item JSON. Small enough that the payload string stays below 128 KiB
 * even when it needs two bytes per character: larger strings go to V8's large-object space, and
 * building, encoding, decoding and parsing such batches measured ~3× slower per item (in both the
 * worker and the hub). Characters, not bytes, so no item is measured twice; as UTF-8 a batch is at
 * most 3× this, far below NATS's default max_payload of 1 MB. An item over the bound goes alone.
 */
export const ITEM_BATCH_MAX_CHARS = 48 * 1024;

export interface ItemBatchPublisherOptions {
  /** Where batches go (only `publishJson` is used). */
  bus: Pick<Bus, 'publishJson'>;
  /**
   * First part of every batch's message id. Item ids restart with a worker process, so this
   * must tell runs of the same publisher apart (the worker uses its start time).
   */
  session: string;
  maxItems?: number;
  maxChars?: number;
  /** A publish that threw (bus closed, payload over the server's limit); its items are lost. */
  onError?: (error: Error, subject: string, items: number) => void;
}

interface PendingBatch {
  subject: string;
  firstId: string;
  parts: string[];
  chars: number;
}

/**
 * Collects already-serialised items per subject into `ItemBatchMessage` payloads
 * (`{"v":1,"sequence":{…},"items":[…]}`, built by concatenation: nothing is stringified twice) and publishes
 * each batch at the end of the current event-loop turn, or as soon as it reaches the item or
 * size bound. One message per batch instead of per item: the per-message costs (publish,
 * `Nats-Msg-Id` header, server routing, delivery) dominated the bus at high rates.
 *
 * The batch's message id is `<session>/<first item id>+<count>`: unique (every item is in one
 * batch), and the same bytes with the same id when the bus re-sends it after a reconnect, so
 * the durable items stream stores it once.
 */
export class ItemBatchPublisher {
  private readonly pending = new Map<string, PendingBatch>();
  private scheduled = false;
  private readonly maxItems: number;
  private readonly maxChars: number;
  private readonly counters = { items: 0, batches: 0, failedItems: 0 };
  /** Per subject: the position of the next batch's first item (`ItemBatchMessage.sequence.first`). */
  private readonly nextInSubject = new Map<string, number>();
  private readonly sessionJson: string;

  constructor(private readonly options: ItemBatchPublisherOptions) {
    this.maxItems = options.maxItems ?? ITEM_BATCH_MAX_ITEMS;
    this.maxChars = options.maxChars ?? ITEM_BATCH_MAX_CHARS;
    this.sessionJson = JSON.stringify(options.session);
  }

  /** Adds one item, `json` being `JSON.stringify(item)` and `id` its `item.id`. */
  add(subject: string, id: string, json: string): void {
    let batch = this.pending.get(subject);
    // Would overflow the size bound: what is held goes first; an item over the bound goes alone.
    if (batch && batch.chars + json.length > this.maxChars) {
      this.send(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { subject, firstId: id, parts: [], chars: 0 };
      this.pending.set(subject, batch);
    }
    batch.parts.push(json);
    batch.chars += json.length;
    if (batch.parts.length >= this.maxItems || batch.chars >= this.maxChars) this.send(batch);
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.endOfTurn);
    }
  }

  /** Publishes every held batch now (end of capture, shutdown). */
  flush(): void {
    for (const batch of [...this.pending.values()]) this.send(batch);
  }

  /** Items held, not yet published. */
  get pendingItems(): number {
    let n = 0;
    for (const batch of this.pending.values()) n += batch.parts.length;
    return n;
  }

  stats(): { items: number; batches: number; failedItems: number } {
    return { ...this.counters };
  }

  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private send(batch: PendingBatch): void {
    this.pending.delete(batch.subject);
    const count = batch.parts.length;
    // Numbered whether or not the bus takes it: a batch that is lost leaves a gap consumers can see.
    const first = this.nextInSubject.get(batch.subject) ?? 0;
    this.nextInSubject.set(batch.subject, first + count);
    const sequence = `{"session":${this.sessionJson},"first":${first}}`;
    try {
      const taken = this.options.bus.publishJson(batch.subject, `{"v":${SCHEMA_VERSION},"sequence":${sequence},"items":[${batch.parts.join(',')}]}`, {
        msgId: `${this.options.session}/${batch.firstId}+${count}`,
      });
      // The bus counts a dropped message once; the items it held are what the worker reports.
      if (!taken) {
        this.counters.failedItems += count;
        return;
      }
      this.counters.items += count;
      this.counters.batches++;
    } catch (error) {
      // Called from setImmediate too: a throw here would take the process down.
      this.counters.failedItems += count;
      this.options.onError?.(error as Error, batch.subject, count);
    }
  }
}
