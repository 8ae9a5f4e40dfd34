import { Controller, Delete, Get, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import {
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { NodeJobsOrErrorView, NodeJobsView } from './dto/jobs.dto';
import { NodeJobsService, type NodeJobs } from './node-jobs.service';

enum SchedulerAction {
  start = 'start',
  stop = 'stop',
}

const NODE = { name: 'node', description: '"hub" or a worker node name (GET /api/workers).' };

/** Jobs that agents scheduled (`jobs.schedule`), per node: the hub answers for itself, workers over the bus. */
@ApiTags('jobs')
@ApiTokenAuth()
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly jobs: NodeJobsService) {}

  @Get()
  @ApiOperation({ summary: 'Jobs of the hub and of every live worker (a node that did not answer has error).' })
  @ApiOkResponse({ type: [NodeJobsOrErrorView] })
  listAll(): Promise<Array<NodeJobs | { node: string; error: string }>> {
    return this.jobs.listAll();
  }

  @Get(':node')
  @ApiParam(NODE)
  @ApiOkResponse({ type: NodeJobsView })
  @ApiNotFoundResponse({ description: 'No such node on the bus.' })
  @ApiGatewayTimeoutResponse({ description: 'The node did not answer in time.' })
  list(@Param('node') node: string): Promise<NodeJobs> {
    return this.jobs.list(node);
  }

  @Post(':node/scheduler/:action')
  @HttpCode(200)
  @ApiOperation({ summary: "Pauses (stop) or resumes (start) every job on the node, as jobs.scheduler.stop()/start()." })
  @ApiParam(NODE)
  @ApiParam({ name: 'action', enum: SchedulerAction })
  @ApiOkResponse({ type: NodeJobsView })
  @ApiNotFoundResponse()
  scheduler(@Param('node') node: string, @Param('action', new ParseEnumPipe(SchedulerAction)) action: SchedulerAction): Promise<NodeJobs> {
    return this.jobs.scheduler(node, action);
  }

  @Post(':node/:agentId/:tag/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs one job now; run.ok says whether it passed.' })
  @ApiParam(NODE)
  @ApiOkResponse({ type: NodeJobsView })
  @ApiNotFoundResponse({ description: 'No such node, or no such job on it.' })
  run(@Param('node') node: string, @Param('agentId') agentId: string, @Param('tag') tag: string): Promise<NodeJobs> {
    return this.jobs.run(node, agentId, tag);
  }

  @Delete(':node/:agentId/:tag')
  @ApiOperation({ summary: 'Removes one job from the node (until the agent schedules it again, e.g. when reloaded).' })
  @ApiParam(NODE)
  @ApiOkResponse({ type: NodeJobsView })
  @ApiNotFoundResponse()
  remove(@Param('node') node: string, @Param('agentId') agentId: string, @Param('tag') tag: string): Promise<NodeJobs> {
    return this.jobs.remove(node, agentId, tag);
  }
}
