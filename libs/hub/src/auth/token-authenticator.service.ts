import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { ApiRole, ApiToken } from '@wirehook/storage';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { roleAllows } from './roles';

/** `WWW-Authenticate` value sent with every 401 (RFC 6750). */
export const BEARER_CHALLENGE = 'Bearer realm="wirehook"';

/** Checks API tokens against the token store: who is calling, and may they do this. */
@Injectable()
export class TokenAuthenticator {
  constructor(@Inject(HUB_OPTIONS) private readonly options: HubOptions) {}

  /** The secret of an `Authorization: Bearer <token>` header, or undefined when there is none. */
  static bearerSecret(header: string | string[] | undefined): string | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    const match = value?.match(/^Bearer\s+(\S+)\s*$/i);
    return match?.[1];
  }

  /** The verified token; 401 when missing, unknown or revoked, 403 when its role is below `needed`. */
  async authenticate(secret: string | undefined, needed: ApiRole): Promise<ApiToken> {
    if (!secret) throw new UnauthorizedException('an API token is required: send "Authorization: Bearer <token>"');
    const token = await this.options.database.tokens.verify(secret);
    if (!token) throw new UnauthorizedException('the API token is unknown or revoked');
    if (!roleAllows(token.role, needed)) {
      throw new ForbiddenException(`this needs role ${needed} or higher; token "${token.name}" has role ${token.role}`);
    }
    return token;
  }
}
