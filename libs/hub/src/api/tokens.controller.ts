import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseFilters } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { ApiToken } from '@wirehook/storage';
import { Caller, RequireRole } from '../auth/auth.decorators';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { StorageErrorFilter } from './api-error.filter';
import { CreatedTokenView, CreateTokenBody, TokenView } from './dto/tokens.dto';

/** API tokens: admin only, except `GET /api/tokens/me` (any role: who am I). */
@ApiTags('tokens')
@ApiTokenAuth('Needs role admin.')
@RequireRole('admin')
@UseFilters(StorageErrorFilter)
@Controller('api/tokens')
export class TokensController {
  constructor(@Inject(HUB_OPTIONS) private readonly options: HubOptions) {}

  @Get('me')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The token this request was made with (name and role).' })
  @ApiOkResponse({ type: TokenView })
  me(@Caller() caller: ApiToken): TokenView {
    return tokenView(caller);
  }

  @Get()
  @ApiOperation({ summary: 'Every token, revoked ones included (never the secrets).' })
  @ApiOkResponse({ type: [TokenView] })
  async list(): Promise<TokenView[]> {
    return (await this.options.database.tokens.list()).map(tokenView);
  }

  @Post()
  @ApiOperation({ summary: 'Creates a token; the secret is in this answer only.' })
  @ApiCreatedResponse({ type: CreatedTokenView })
  async create(@Body() body: CreateTokenBody): Promise<CreatedTokenView> {
    const created = await this.options.database.tokens.create({ name: body.name, role: body.role });
    return { token: tokenView(created.token), secret: created.secret };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revokes a token for good (it stays listed, with revokedAt).' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async revoke(@Param('id') id: string): Promise<void> {
    await this.options.database.tokens.revoke(id);
  }
}

function tokenView(token: ApiToken): TokenView {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}
