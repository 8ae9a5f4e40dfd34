/** One encoded publish, kept so it can be sent (again) after a reconnect. */
export interface HeldMessage {
  subject: string;
  data: Uint8Array;
  msgId?: string;
  /** ms since epoch when it was first published. */
  at: number;
}

export interface OutageBufferOptions {
  /** Bytes held while disconnected; beyond this, publishes are dropped (and counted by the caller). */
  maxPendingBytes: number;
  /** Recently sent messages with an id, re-sent after a reconnect (a durable stream stores them once). */
  resendWindowMs: number;
  resendMaxBytes: number;
}

/**
 * Why this exists: the NATS client discards whatever it had queued when the connection drops,
 * and notices the drop only after some writes already went nowhere. So the bus keeps (1) every
 * publish made while disconnected, up to a byte bound, and (2) the last moments of messages
 * that carry an id, which it sends again on reconnect; the items stream de-duplicates by id.
 */
export class OutageBuffer {
  private pending: HeldMessage[] = [];
  private pendingBytes = 0;
  private recent: HeldMessage[] = [];
  private recentStart = 0;
  private recentBytes = 0;

  constructor(private readonly options: OutageBufferOptions) {}

  /** Remembers a message sent while connected (only those with an id can be safely re-sent). */
  sent(message: HeldMessage): void {
    if (!message.msgId) return;
    this.recent.push(message);
    this.recentBytes += message.data.length;
    this.trimRecent(message.at);
  }

  /** Holds a publish made while disconnected; false when the bound is reached. */
  hold(message: HeldMessage): boolean {
    if (this.pendingBytes + message.data.length > this.options.maxPendingBytes) return false;
    this.pending.push(message);
    this.pendingBytes += message.data.length;
    return true;
  }

  /**
   * At disconnect: the recent window goes ahead of anything published from now on, since the
   * client may have dropped it unsent.
   */
  disconnected(now: number): number {
    this.trimRecent(now);
    const resend = this.recent.slice(this.recentStart);
    this.pending = [...resend, ...this.pending];
    this.pendingBytes += resend.reduce((sum, m) => sum + m.data.length, 0);
    this.recent = [];
    this.recentStart = 0;
    this.recentBytes = 0;
    return resend.length;
  }

  /** At reconnect: everything held, oldest first, and the buffer is empty again. */
  drain(): HeldMessage[] {
    const out = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }

  get heldBytes(): number {
    return this.pendingBytes;
  }

  private trimRecent(now: number): void {
    const recent = this.recent;
    let start = this.recentStart;
    while (
      start < recent.length &&
      (now - recent[start].at > this.options.resendWindowMs || this.recentBytes > this.options.resendMaxBytes)
    ) {
      this.recentBytes -= recent[start].data.length;
      start++;
    }
    // Compact now and then instead of shifting on every message.
    if (start > 4096 && start > recent.length / 2) {
      this.recent = recent.slice(start);
      start = 0;
    }
    this.recentStart = start;
  }
}
