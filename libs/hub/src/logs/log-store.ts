import { logLevelRank, type LogEntry, type LogLevel } from '@wirehook/contracts';

export interface LogQuery {
  node?: string;
  agent?: string;
  level?: LogLevel;
  /** Entries after this time (ms since epoch). */
  since?: number;
  limit?: number;
}

export type LogListener = (entry: LogEntry) => void;

/**
 * The hub's bounded log store: the most recent entries from every node, for the API and
 * the dashboard console, plus live listeners. Old entries fall off; memory stays bounded.
 */
export class LogStore {
  private readonly ring: LogEntry[] = [];
  private next = 0;
  private readonly listeners = new Set<LogListener>();
  private total = 0;

  constructor(private readonly capacity = 10_000) {}

  add(entry: LogEntry): void {
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
    for (const listener of this.listeners) listener(entry);
  }

  /** Oldest first. */
  query(query: LogQuery = {}): LogEntry[] {
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const minLevel = query.level ? logLevelRank(query.level) : 0;
    const matching = ordered.filter(
      (e) =>
        (!query.node || e.node === query.node) &&
        (!query.agent || e.agent === query.agent) &&
        logLevelRank(e.level) >= minLevel &&
        (query.since === undefined || e.time > query.since),
    );
    return query.limit ? matching.slice(-query.limit) : matching;
  }

  listen(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): { stored: number; received: number; capacity: number } {
    return { stored: this.ring.length, received: this.total, capacity: this.capacity };
  }
}
