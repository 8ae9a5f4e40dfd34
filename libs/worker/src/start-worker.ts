import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { WorkerCounters } from '@wirehook/contracts';
import { TrafficService } from './traffic/traffic.service';
import { WorkerModule } from './worker.module';
import type { WorkerOptions } from './worker-options';

export interface RunningWorker {
  captureDescription: string;
  counters(): WorkerCounters;
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(options), { logger: ['error', 'warn'], abortOnError: false });
  const traffic = context.get(TrafficService);
  return {
    captureDescription: traffic.captureDescription,
    counters: () => traffic.snapshot(),
    close: () => context.close(),
  };
}
