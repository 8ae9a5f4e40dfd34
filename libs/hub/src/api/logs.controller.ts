import { Controller, Get, Query } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { LogEntry } from '@wirehook/contracts';
import { LogService } from '../logs/log.service';
import { LogEntryView, LogsQuery } from './dto/logs.dto';

const DEFAULT_LIMIT = 500;

/** The hub's buffer of recent log entries from every node; `/api/logs/stream` (WebSocket) follows it live. */
@ApiTags('logs')
@ApiTokenAuth()
@Controller('api/logs')
export class LogsController {
  constructor(private readonly logs: LogService) {}

  @Get()
  @ApiOperation({
    summary: 'Recent entries, oldest first (default the last 500).',
    description:
      'Live: open a WebSocket on /api/logs/stream with the same query parameters (limit = recent entries sent first) ' +
      'and the token in an Authorization header or, for browsers, a token query parameter. Each message is one LogEntry as JSON.',
  })
  @ApiOkResponse({ type: [LogEntryView] })
  list(@Query() query: LogsQuery): LogEntry[] {
    return this.logs.store.query({ node: query.node, agent: query.agent, level: query.level, limit: query.limit ?? DEFAULT_LIMIT });
  }
}
