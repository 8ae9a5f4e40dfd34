import type { CaptureCountersSnapshot } from './counters';
import type { DecodedPacket } from './stream-events';

export type CaptureSourceState = 'idle' | 'running' | 'stopped' | 'ended' | 'failed';

/** Counters of the source (and of whatever shares its CaptureCounters) plus its state. */
export interface CaptureStats extends CaptureCountersSnapshot {
  source: string;
  state: CaptureSourceState;
  /** Problems reported without stopping, most recent last (e.g. a truncated last record). */
  warnings: string[];
  /** What stopped a failed source. */
  error?: string;
}

/** Where the worker's packets come from: a capture file replayed, or a live interface. */
export interface CaptureSource {
  describe(): string;
  /**
   * Starts delivering decoded packets (synchronously, one call per packet; the packet's buffers are
   * views: copy to keep). Resolves when the source ends or is stopped; rejects when it fails
   * (packets delivered before the failure stay delivered).
   */
  start(onPacket: (packet: DecodedPacket) => void): Promise<void>;
  stop(): Promise<void>;
  stats(): CaptureStats;
}

export const MAX_WARNINGS = 20;
