import { Body, Controller, Get, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { StorageErrorFilter } from '../api/api-error.filter';
import { DryRunService, type DryRunAnswer } from './dry-run.service';
import { CaptureView, DryRunBody, DryRunView, InvalidFlowView } from './flow.dto';

/** Dry runs: a flow, an agent or unsaved code against a capture, helpers recorded instead of called. */
@ApiTags('dry-run')
@ApiTokenAuth()
@UseFilters(StorageErrorFilter)
@Controller('api/dry-run')
export class DryRunController {
  constructor(private readonly dryRuns: DryRunService) {}

  @Get('captures')
  @ApiOperation({ summary: 'The captures a dry run can replay (files in hub.capturesDir).' })
  @ApiOkResponse({ type: [CaptureView] })
  captures(): CaptureView[] {
    return this.dryRuns.captures();
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Runs a flow (graph or flowId), an agent (agentId) or a source against a capture and lists every helper call it would have made, in order.',
    description:
      'console.*, hub.action, prometheus.metric, vendor.*, file.* and pcap.* are recorded, not performed; env values are shown as <env.NAME>. ' +
      'Items go to the agent one at a time; with runJobs each job it scheduled runs once afterwards.',
  })
  @ApiOkResponse({ type: DryRunView })
  @ApiUnprocessableEntityResponse({ type: InvalidFlowView, description: 'The flow has errors.' })
  @ApiTooManyRequestsResponse({ description: 'Too many dry runs at once.' })
  run(@Body() body: DryRunBody): Promise<DryRunAnswer> {
    return this.dryRuns.run(body);
  }
}
