import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ApiRole, ApiToken } from '@wirehook/storage';

export const PUBLIC_ROUTE = 'wirehook:public-route';
export const REQUIRED_ROLE = 'wirehook:required-role';

/** Reachable without a token (health, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Needs more than the default (viewer to read, editor to write). */
export const RequireRole = (role: ApiRole): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);

/** An HTTP request after ApiAuthGuard let it through. */
export interface AuthenticatedRequest {
  apiToken?: ApiToken;
}

/** The token the request was made with (for authorship of revisions). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ApiToken => {
  const token = context.switchToHttp().getRequest<AuthenticatedRequest>().apiToken;
  if (!token) throw new Error('@Caller() used on a public route: no token was checked');
  return token;
});

/** What a revision records as its author for a change made through the API. */
export function authorOf(token: ApiToken): string {
  return `api:${token.name}`;
}
