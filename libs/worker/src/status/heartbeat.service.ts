import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type WorkerStatusMessage } from '@wirehook/contracts';
import { TrafficService } from '../traffic/traffic.service';
import { WorkerRuntimeService } from '../runtime/worker-runtime.service';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';

export const HEARTBEAT_INTERVAL_MS = 5_000;

/** Publishes this worker's counters to the hub (`GET /api/workers`) at a fixed interval. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    private readonly traffic: TrafficService,
    private readonly agents: WorkerRuntimeService,
  ) {}

  onApplicationBootstrap(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
  }

  beat(): void {
    const node = workerNodeName(this.options.config);
    const message: WorkerStatusMessage = {
      v: SCHEMA_VERSION,
      node,
      version: this.options.version,
      startedAt: this.startedAt,
      time: Date.now(),
      counters: this.traffic.snapshot(),
      agentsLoaded: this.agents.runtime.stats().length,
      capture: { source: node, description: this.traffic.captureDescription },
    };
    this.options.bus.publish(Subjects.workerStatus(node), message);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
