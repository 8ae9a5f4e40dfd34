import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { WorkerRegistry, type WorkerView } from '../workers/worker-registry.service';
import { HealthView, WorkerStatusView } from './dto/status.dto';

/** Health and metrics (no token: probes and Prometheus), and the workers the hub hears from. */
@ApiTags('status')
@Controller()
export class StatusController {
  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly workers: WorkerRegistry,
  ) {}

  @Get('api/health')
  @Public()
  @ApiOkResponse({ type: HealthView, description: 'No token needed.' })
  health(): HealthView {
    return { status: 'ok', bus: this.options.bus.description, time: new Date().toISOString() };
  }

  @Get('api/workers')
  @ApiBearerAuth()
  @ApiUnauthorizedResponse()
  @ApiForbiddenResponse()
  @ApiOkResponse({ type: [WorkerStatusView], description: 'From the workers’ heartbeats.' })
  listWorkers(): WorkerView[] {
    return this.workers.list();
  }

  @Get('metrics')
  @Public()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.options.metrics.metrics();
  }
}
