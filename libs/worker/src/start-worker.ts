import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { BusTransport } from '@wirehook/bus';
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
  const app = await NestFactory.createMicroservice(WorkerModule.forRoot(options), {
    strategy: new BusTransport(options.bus),
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  await app.listen();
  const traffic = app.get(TrafficService);
  return {
    captureDescription: traffic.captureDescription,
    counters: () => traffic.snapshot(),
    close: () => app.close(),
  };
}
