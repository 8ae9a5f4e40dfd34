import { Module, type DynamicModule } from '@nestjs/common';
import { JobsController } from './events/jobs.controller';
import { WorkerEventsController } from './events/worker-events.controller';
import { WorkerKubernetesService } from './kubernetes/worker-kubernetes.service';
import { WorkerPluginHost } from './plugins/worker-plugin-host.service';
import { RecordingService } from './recording/recording.service';
import { WorkerRuntimeService } from './runtime/worker-runtime.service';
import { HeartbeatService } from './status/heartbeat.service';
import { TrafficService } from './traffic/traffic.service';
import { WORKER_OPTIONS, type WorkerOptions } from './worker-options';

@Module({})
export class WorkerModule {
  static forRoot(options: WorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      controllers: [WorkerEventsController, JobsController],
      providers: [{ provide: WORKER_OPTIONS, useValue: options }, RecordingService, WorkerKubernetesService, WorkerPluginHost, WorkerRuntimeService, TrafficService, HeartbeatService],
    };
  }
}
