import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res, UseFilters } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
import { ServerResponse } from 'node:http';
import type { ApiToken } from '@wirehook/storage';
import { StorageErrorFilter } from '../api/api-error.filter';
import { resolveBaseRevision } from '../api/agents.service';
import { RevisionBasedBody } from '../api/dto/agent.dto';
import { authorOf, Caller, RequireRole } from '../auth/auth.decorators';
import {
  CreateFlowBody,
  FlowSummaryView,
  FlowView,
  ImportFlowBody,
  ImportPreviewView,
  InvalidFlowView,
  MissingPluginView,
  PreviewImportBody,
  SaveFlowBody,
} from './flow.dto';
import { FlowsService } from './flows.service';

class DeleteFlowQuery {
  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(1)
  baseRevision?: number;

  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  keepAgent?: boolean;
}

const IF_MATCH = { name: 'If-Match', required: false, description: 'The flow revision the change is based on ("3"); instead of baseRevision.' };

/**
 * Flows made in the dashboard's editor. A save compiles the graph (libs/flow) and stores graph and
 * generated agent together with optimistic locking; the agent runs on every node like any other.
 */
@ApiTags('flows')
@ApiTokenAuth()
@UseFilters(StorageErrorFilter)
@Controller('api/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  @ApiOperation({ summary: 'Every flow with its generated agent (without graphs).' })
  @ApiOkResponse({ type: [FlowSummaryView] })
  list(): Promise<FlowSummaryView[]> {
    return this.flows.list();
  }

  @Post('import/preview')
  @HttpCode(200)
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Reads an exported flow without saving it: the graph, the plugins it needs and which of them are missing here.' })
  @ApiOkResponse({ type: ImportPreviewView })
  @ApiUnprocessableEntityResponse({ type: InvalidFlowView, description: 'Not a flow document.' })
  previewImport(@Body() body: PreviewImportBody): Promise<ImportPreviewView> {
    return this.flows.previewImport(body.document);
  }

  @Post('import')
  @ApiOperation({ summary: 'Creates a flow from an exported document (inactive unless active: true).' })
  @ApiCreatedResponse({ type: FlowView })
  @ApiConflictResponse({ description: 'The name or the agent title is taken: pass another name.' })
  @ApiUnprocessableEntityResponse({ type: MissingPluginView, isArray: true, description: 'Plugins are missing (body.missing), or the flow has errors (body.issues).' })
  async importFlow(@Body() body: ImportFlowBody, @Caller() caller: ApiToken, @Res({ passthrough: true }) response: ServerResponse): Promise<FlowView> {
    return created(response, await this.flows.importFlow(body.document, { name: body.name, active: body.active }, authorOf(caller)));
  }

  @Get(':id')
  @ApiOkResponse({ type: FlowView, description: 'ETag is the current flow revision.' })
  @ApiNotFoundResponse()
  async get(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) response: ServerResponse): Promise<FlowView> {
    return withETag(response, await this.flows.get(id));
  }

  @Post()
  @ApiOperation({ summary: 'Creates a flow and its generated agent (active unless active: false) and announces it to every node.' })
  @ApiCreatedResponse({ type: FlowView })
  @ApiConflictResponse({ description: 'The name or the agent title is taken.' })
  @ApiUnprocessableEntityResponse({ type: InvalidFlowView, description: 'The flow has errors; each issue names its node.' })
  async create(@Body() body: CreateFlowBody, @Caller() caller: ApiToken, @Res({ passthrough: true }) response: ServerResponse): Promise<FlowView> {
    return created(response, await this.flows.create(body, authorOf(caller)));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Saves the graph and regenerates the agent as new revisions; a stale baseRevision is a 409.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: FlowView })
  @ApiConflictResponse({ description: 'Someone saved the flow since baseRevision (body.currentRevision), or the name is taken.' })
  @ApiUnprocessableEntityResponse({ type: InvalidFlowView })
  @ApiNotFoundResponse()
  async save(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SaveFlowBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: ApiToken,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<FlowView> {
    const base = resolveBaseRevision(body.baseRevision, ifMatch);
    return withETag(response, await this.flows.save(id, body, base, authorOf(caller)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes the flow and its generated agent (?keepAgent=true keeps the agent).' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse()
  @ApiConflictResponse()
  @ApiNotFoundResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @Query() query: DeleteFlowQuery, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    const base = query.baseRevision !== undefined || ifMatch ? resolveBaseRevision(query.baseRevision, ifMatch) : undefined;
    await this.flows.remove(id, base, query.keepAgent ?? false);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs the generated agent on every node.' })
  @ApiOkResponse({ type: FlowView })
  @ApiNotFoundResponse()
  activate(@Param('id', ParseUUIDPipe) id: string, @Body() _body: RevisionBasedBody, @Caller() caller: ApiToken): Promise<FlowView> {
    return this.flows.setActive(id, true, authorOf(caller));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stops the generated agent on every node.' })
  @ApiOkResponse({ type: FlowView })
  @ApiNotFoundResponse()
  deactivate(@Param('id', ParseUUIDPipe) id: string, @Body() _body: RevisionBasedBody, @Caller() caller: ApiToken): Promise<FlowView> {
    return this.flows.setActive(id, false, authorOf(caller));
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'The flow as a JSON document (stable key order) recording the plugin versions it needs.' })
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'A wirehook-flow document, as an attachment.' })
  @ApiNotFoundResponse()
  async exportFlow(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    const exported = await this.flows.exportJson(id);
    const fileName = `${exported.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'flow'}.flow.json`;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    return exported.text;
  }
}

function withETag<T extends { revision: number }>(response: ServerResponse, flow: T): T {
  response.setHeader('ETag', `"${flow.revision}"`);
  return flow;
}

function created(response: ServerResponse, flow: FlowView): FlowView {
  response.setHeader('Location', `/api/flows/${flow.id}`);
  return withETag(response, flow);
}
