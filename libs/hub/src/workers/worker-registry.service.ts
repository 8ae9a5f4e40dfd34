import { Injectable } from '@nestjs/common';
import type { WorkerStatusMessage } from '@wirehook/contracts';

export interface WorkerView {
  node: string;
  version: string;
  uptimeSeconds: number;
  packets: number;
  items: number;
  drops: number;
  agentsLoaded: number;
  capture: string;
  lastSeen: string;
  /** No heartbeat for three intervals. */
  stale: boolean;
}

/** Heartbeat interval workers use; the registry marks a worker stale after three missed beats. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** The workers the hub has heard from, from their heartbeats on `wirehook.workers.*.status`. */
@Injectable()
export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerStatusMessage>();

  update(status: WorkerStatusMessage): void {
    this.workers.set(status.node, status);
  }

  list(now = Date.now()): WorkerView[] {
    return [...this.workers.values()]
      .sort((a, b) => a.node.localeCompare(b.node))
      .map((s) => ({
        node: s.node,
        version: s.version,
        uptimeSeconds: Math.round((s.time - s.startedAt) / 1000),
        packets: s.counters.packets,
        items: s.counters.items,
        drops: s.counters.drops,
        agentsLoaded: s.agentsLoaded,
        capture: s.capture.description,
        lastSeen: new Date(s.time).toISOString(),
        stale: now - s.time > 3 * HEARTBEAT_INTERVAL_MS,
      }));
  }
}
