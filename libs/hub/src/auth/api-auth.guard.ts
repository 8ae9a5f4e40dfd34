import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRole } from '@wirehook/storage';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PUBLIC_ROUTE, REQUIRED_ROLE, type AuthenticatedRequest } from './auth.decorators';
import { READ_METHODS } from './roles';
import { BEARER_CHALLENGE, TokenAuthenticator } from './token-authenticator.service';

/**
 * Every HTTP route needs a token unless marked @Public(): reads need viewer, writes editor,
 * and a handler may ask for more with @RequireRole(). Bus handlers (rpc) are not HTTP and pass.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<IncomingMessage & AuthenticatedRequest>();
    const needed = this.reflector.getAllAndOverride<ApiRole>(REQUIRED_ROLE, targets) ?? (READ_METHODS.has(request.method ?? 'GET') ? 'viewer' : 'editor');
    try {
      request.apiToken = await this.authenticator.authenticate(TokenAuthenticator.bearerSecret(request.headers.authorization), needed);
    } catch (error) {
      if (error instanceof UnauthorizedException) http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', BEARER_CHALLENGE);
      throw error;
    }
    return true;
  }
}
