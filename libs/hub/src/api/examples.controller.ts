import { Body, Controller, Get, NotFoundException, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ServerResponse } from 'node:http';
import type { ApiToken } from '@wirehook/storage';
import { authorOf, Caller } from '../auth/auth.decorators';
import { StorageErrorFilter } from './api-error.filter';
import { AgentsService } from './agents.service';
import { AgentView, CreateFromExampleBody } from './dto/agent.dto';
import { ExampleView } from './dto/status.dto';
import { AgentExamples } from './agent-examples';

/** The example agents shipped in `agents/examples/`, and creating an agent from one. */
@ApiTags('examples')
@ApiTokenAuth()
@UseFilters(StorageErrorFilter)
@Controller('api/examples')
export class ExamplesController {
  constructor(
    private readonly examples: AgentExamples,
    private readonly agents: AgentsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: [ExampleView] })
  list(): ExampleView[] {
    return this.examples.list();
  }

  @Get(':name')
  @ApiOkResponse({ type: ExampleView })
  @ApiNotFoundResponse()
  get(@Param('name') name: string): ExampleView {
    return this.find(name);
  }

  @Post(':name/agents')
  @ApiOperation({ summary: "Creates an agent from the example (inactive unless active: true; title defaults to the example's)." })
  @ApiCreatedResponse({ type: AgentView })
  @ApiConflictResponse({ description: 'The title is taken: pass another title.' })
  @ApiNotFoundResponse()
  async create(
    @Param('name') name: string,
    @Body() body: CreateFromExampleBody,
    @Caller() caller: ApiToken,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AgentView> {
    const example = this.find(name);
    const agent = await this.agents.create(
      { title: body.title ?? example.title, source: example.source, active: body.active ?? false, message: `created from example ${example.name}` },
      authorOf(caller),
    );
    response.setHeader('Location', `/api/agents/${agent.id}`);
    response.setHeader('ETag', `"${agent.revision}"`);
    return agent;
  }

  private find(name: string): ExampleView {
    const example = this.examples.get(name);
    if (!example) throw new NotFoundException(`no example named "${name}" (GET /api/examples lists them)`);
    return example;
  }
}
