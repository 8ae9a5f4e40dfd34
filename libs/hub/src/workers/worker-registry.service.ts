import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subjects, type WorkerStatusMessage } from '@wirehook/contracts';
import type { Subscription } from '@wirehook/bus';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';

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

@Injectable()
export class WorkerRegistry implements OnModuleDestroy {
  private readonly workers = new Map<string, WorkerStatusMessage>();
  private readonly subscription: Subscription;

  constructor(@Inject(HUB_OPTIONS) options: HubOptions) {
    this.subscription = options.bus.subscribe<WorkerStatusMessage>(Subjects.workerStatusAll, (status) => {
      this.workers.set(status.node, status);
    });
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

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
