import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpException, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import { BEARER_CHALLENGE, TokenAuthenticator } from '../auth/token-authenticator.service';

/** A client this far behind loses messages rather than growing the hub's memory. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Thrown by `parseQuery` for a bad filter: the handshake is refused with 400 and this message. */
export class BadStreamQuery extends Error {}

/**
 * A WebSocket route of the hub API (`ws://host<path>?…`): the token (viewer) comes in an
 * Authorization header or a `token` query parameter (browsers cannot set headers on a WebSocket);
 * a missing or bad one is refused in the handshake with 401/403, a bad query with 400.
 */
export abstract class AuthenticatedStreamServer<Query> implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly path: string;
  private readonly wss = new WebSocketServer({ noServer: true });
  private server?: Server;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://hub');
    if (url.pathname !== this.path) return; // another path: someone else's upgrade
    void this.accept(request, socket, head, url);
  };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  /** The query parameters (without `token`) as this stream's filters; throws BadStreamQuery. */
  protected abstract parseQuery(params: Record<string, string>): Query;
  /** Sends to one accepted client until it closes. */
  protected abstract follow(client: WebSocket, query: Query): void;

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

  /** Sends one JSON message unless the client is gone or too far behind. */
  protected static send(client: WebSocket, message: unknown): void {
    if (client.readyState !== WebSocket.OPEN || client.bufferedAmount > MAX_BUFFERED_BYTES) return;
    client.send(JSON.stringify(message));
  }

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    let query: Query;
    try {
      query = this.parseQuery(Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'token')));
    } catch (error) {
      refuse(socket, 400, 'Bad Request', (error as Error).message);
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
    this.wss.handleUpgrade(request, socket, head, (client) => {
      client.on('error', () => client.terminate());
      this.follow(client, query);
    });
  }
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ statusCode: status, error: reason, message });
  const challenge = status === 401 ? `WWW-Authenticate: ${BEARER_CHALLENGE}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${challenge}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
