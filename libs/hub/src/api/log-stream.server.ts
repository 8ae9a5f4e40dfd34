import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpException, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { WebSocket, WebSocketServer } from 'ws';
import { logLevelRank, type LogEntry } from '@wirehook/contracts';
import { LogService } from '../logs/log.service';
import { BEARER_CHALLENGE, TokenAuthenticator } from '../auth/token-authenticator.service';
import { LogsQuery } from './dto/logs.dto';

export const LOG_STREAM_PATH = '/api/logs/stream';

/** A client this far behind loses entries (counted per connection) rather than growing the hub's memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * `ws://host/api/logs/stream?node=&agent=&level=&limit=`: log entries as they arrive, one JSON LogEntry per
 * message, filtered like `GET /api/logs` (`limit` recent entries first). The token (viewer) comes in an
 * Authorization header or a `token` query parameter (browsers cannot set headers on a WebSocket);
 * a missing or bad one is refused in the handshake with 401/403, bad filters with 400.
 */
@Injectable()
export class LogStreamServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly wss = new WebSocketServer({ noServer: true });
  private server?: Server;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://hub');
    if (url.pathname !== LOG_STREAM_PATH) return; // another path: someone else's upgrade
    void this.accept(request, socket, head, url);
  };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly logs: LogService,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
  }

  onModuleDestroy(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const client of this.wss.clients) client.close(1001, 'hub stopping');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const params = Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'token'));
    const query = plainToInstance(LogsQuery, params);
    const errors = validateSync(query, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const message = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is not valid` })).join('; ');
      refuse(socket, 400, 'Bad Request', message);
      return;
    }
    try {
      const secret = TokenAuthenticator.bearerSecret(request.headers.authorization) ?? url.searchParams.get('token') ?? undefined;
      await this.authenticator.authenticate(secret, 'viewer');
    } catch (error) {
      if (!(error instanceof HttpException)) {
        refuse(socket, 500, 'Internal Server Error', (error as Error).message);
        return;
      }
      refuse(socket, error.getStatus(), error.getStatus() === 401 ? 'Unauthorized' : 'Forbidden', error.message);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (client) => this.follow(client, query));
  }

  private follow(client: WebSocket, query: LogsQuery): void {
    const minLevel = query.level ? logLevelRank(query.level) : 0;
    const matches = (e: LogEntry): boolean =>
      (!query.node || e.node === query.node) && (!query.agent || e.agent === query.agent) && logLevelRank(e.level) >= minLevel;
    const send = (entry: LogEntry): void => {
      if (client.readyState !== WebSocket.OPEN || client.bufferedAmount > MAX_BUFFERED_BYTES) return;
      client.send(JSON.stringify(entry));
    };
    if (query.limit) {
      for (const entry of this.logs.store.query({ node: query.node, agent: query.agent, level: query.level, limit: query.limit })) send(entry);
    }
    const stop = this.logs.store.listen((entry) => {
      if (matches(entry)) send(entry);
    });
    client.on('close', stop);
    client.on('error', () => client.terminate());
  }
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ statusCode: status, error: reason, message });
  const challenge = status === 401 ? `WWW-Authenticate: ${BEARER_CHALLENGE}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${challenge}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
