import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { WebSocket } from 'ws';
import { logLevelRank, type LogEntry } from '@wirehook/contracts';
import { LogService } from '../logs/log.service';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { AuthenticatedStreamServer, BadStreamQuery } from './authenticated-stream.server';
import { LogsQuery } from './dto/logs.dto';

export const LOG_STREAM_PATH = '/api/logs/stream';

/**
 * `ws://host/api/logs/stream?node=&agent=&level=&limit=`: log entries as they arrive, one JSON LogEntry per
 * message, filtered like `GET /api/logs` (`limit` recent entries first).
 */
@Injectable()
export class LogStreamServer extends AuthenticatedStreamServer<LogsQuery> {
  protected readonly path = LOG_STREAM_PATH;

  constructor(
    adapterHost: HttpAdapterHost,
    authenticator: TokenAuthenticator,
    private readonly logs: LogService,
  ) {
    super(adapterHost, authenticator);
  }

  protected parseQuery(params: Record<string, string>): LogsQuery {
    const query = plainToInstance(LogsQuery, params);
    const errors = validateSync(query, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      throw new BadStreamQuery(errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is not valid` })).join('; '));
    }
    return query;
  }

  protected follow(client: WebSocket, query: LogsQuery): void {
    const minLevel = query.level ? logLevelRank(query.level) : 0;
    const matches = (e: LogEntry): boolean =>
      (!query.node || e.node === query.node) && (!query.agent || e.agent === query.agent) && logLevelRank(e.level) >= minLevel;
    if (query.limit) {
      for (const entry of this.logs.store.query({ node: query.node, agent: query.agent, level: query.level, limit: query.limit })) {
        AuthenticatedStreamServer.send(client, entry);
      }
    }
    const stop = this.logs.store.listen((entry) => {
      if (matches(entry)) AuthenticatedStreamServer.send(client, entry);
    });
    client.on('close', stop);
  }
}
