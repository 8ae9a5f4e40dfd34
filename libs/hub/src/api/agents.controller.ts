import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res, UseFilters } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { ServerResponse } from 'node:http';
import type { ApiToken } from '@wirehook/storage';
import { authorOf, Caller, RequireRole } from '../auth/auth.decorators';
import { StorageErrorFilter } from './api-error.filter';
import { AgentsService, resolveBaseRevision } from './agents.service';
import {
  AgentRevisionSourceView,
  AgentRevisionView,
  AgentRuntimeStatsView,
  AgentSummaryView,
  AgentView,
  CreateAgentBody,
  InvalidAgentView,
  RevisionBasedBody,
  RevisionDiffView,
  UpdateAgentBody,
  ValidateAgentBody,
  ValidationResultView,
} from './dto/agent.dto';

class BaseRevisionQuery {
  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(1)
  baseRevision?: number;
}

class DiffQuery {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from!: number;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  to!: number;
}

const IF_MATCH = { name: 'If-Match', required: false, description: 'The revision the change is based on ("3"); instead of baseRevision.' };

/** Agents: CRUD, activation, revisions, ES5 validation. Writes need editor; reads viewer. */
@ApiTags('agents')
@ApiTokenAuth()
@ApiExtraModels(AgentRuntimeStatsView)
@UseFilters(StorageErrorFilter)
@Controller('api/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOperation({ summary: 'Every agent with its active state and runtime counters per node (without sources).' })
  @ApiOkResponse({ type: [AgentSummaryView] })
  list(): Promise<AgentSummaryView[]> {
    return this.agents.list();
  }

  @Post('validate')
  @HttpCode(200)
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Checks a source as ES5 without saving it (viewer may call it).' })
  @ApiOkResponse({ type: ValidationResultView })
  validate(@Body() body: ValidateAgentBody): ValidationResultView {
    return this.agents.validate(body.source, body.fileName);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentView, description: 'ETag is the current revision.' })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string, @Res({ passthrough: true }) response: ServerResponse): Promise<AgentView> {
    return withETag(response, await this.agents.get(id));
  }

  @Post()
  @ApiOperation({ summary: 'Creates an agent (revision 1) and announces the active set to every node.' })
  @ApiCreatedResponse({ type: AgentView })
  @ApiConflictResponse({ description: 'The title is taken.' })
  @ApiUnprocessableEntityResponse({ type: InvalidAgentView, description: 'The source is not ES5; diagnostics give line and column.' })
  async create(@Body() body: CreateAgentBody, @Caller() caller: ApiToken, @Res({ passthrough: true }) response: ServerResponse): Promise<AgentView> {
    const agent = await this.agents.create(body, authorOf(caller));
    response.setHeader('Location', `/api/agents/${agent.id}`);
    return withETag(response, agent);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Changes title, source and/or active as a new revision (fields left out stay as they are).' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: AgentView })
  @ApiConflictResponse({ description: 'baseRevision is stale (body has currentRevision) or the new title is taken.' })
  @ApiUnprocessableEntityResponse({ type: InvalidAgentView })
  @ApiNotFoundResponse()
  async update(
    @Param('id') id: string,
    @Body() body: UpdateAgentBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: ApiToken,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AgentView> {
    const base = resolveBaseRevision(body.baseRevision, ifMatch);
    const changes = { title: body.title, source: body.source, active: body.active, message: body.message };
    return withETag(response, await this.agents.update(id, changes, base, authorOf(caller)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes the agent and its revisions; base revision from If-Match, ?baseRevision= or the body.' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse()
  @ApiConflictResponse()
  @ApiNotFoundResponse()
  async remove(
    @Param('id') id: string,
    @Query() query: BaseRevisionQuery,
    @Body() body: RevisionBasedBody,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    const fromBodyOrQuery = body?.baseRevision ?? query.baseRevision;
    await this.agents.remove(id, resolveBaseRevision(fromBodyOrQuery, ifMatch));
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: AgentView })
  @ApiConflictResponse()
  @ApiNotFoundResponse()
  activate(
    @Param('id') id: string,
    @Body() body: RevisionBasedBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: ApiToken,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AgentView> {
    return this.setActive(id, true, body, ifMatch, caller, response);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: AgentView })
  @ApiConflictResponse()
  @ApiNotFoundResponse()
  deactivate(
    @Param('id') id: string,
    @Body() body: RevisionBasedBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: ApiToken,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AgentView> {
    return this.setActive(id, false, body, ifMatch, caller, response);
  }

  @Get(':id/revisions')
  @ApiOperation({ summary: 'Every revision, newest first (without sources).' })
  @ApiOkResponse({ type: [AgentRevisionView] })
  @ApiNotFoundResponse()
  revisions(@Param('id') id: string): Promise<AgentRevisionView[]> {
    return this.agents.revisions(id);
  }

  @Get(':id/revisions/diff')
  @ApiOperation({ summary: 'Unified diff of the source between two revisions (?from=1&to=3).' })
  @ApiOkResponse({ type: RevisionDiffView })
  @ApiNotFoundResponse()
  async diff(@Param('id') id: string, @Query() query: DiffQuery): Promise<RevisionDiffView> {
    return { from: query.from, to: query.to, patch: await this.agents.diff(id, query.from, query.to) };
  }

  @Get(':id/revisions/:revision')
  @ApiOkResponse({ type: AgentRevisionSourceView })
  @ApiNotFoundResponse()
  revision(@Param('id') id: string, @Param('revision', ParseIntPipe) revision: number): Promise<AgentRevisionSourceView> {
    return this.agents.revision(id, revision);
  }

  @Post(':id/revisions/:revision/rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Makes the source of that revision current again, as a new revision.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: AgentView })
  @ApiConflictResponse()
  @ApiNotFoundResponse()
  async rollback(
    @Param('id') id: string,
    @Param('revision', ParseIntPipe) revision: number,
    @Body() body: RevisionBasedBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: ApiToken,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AgentView> {
    const base = resolveBaseRevision(body.baseRevision, ifMatch);
    return withETag(response, await this.agents.rollback(id, revision, base, authorOf(caller), body.message));
  }

  private async setActive(
    id: string,
    active: boolean,
    body: RevisionBasedBody,
    ifMatch: string | undefined,
    caller: ApiToken,
    response: ServerResponse,
  ): Promise<AgentView> {
    const base = resolveBaseRevision(body.baseRevision, ifMatch);
    return withETag(response, await this.agents.update(id, { active, message: body.message }, base, authorOf(caller)));
  }
}

function withETag<T extends { revision: number }>(response: ServerResponse, agent: T): T {
  response.setHeader('ETag', `"${agent.revision}"`);
  return agent;
}
