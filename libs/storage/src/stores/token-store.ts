import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiTokenEntity, type ApiRole } from '../entities';
import { InvalidInputError, NotFoundError } from '../errors';
import { assertId, checkName } from './store-helpers';

export const API_ROLES: readonly ApiRole[] = ['viewer', 'editor', 'admin'];

/** A token as listed: never the secret. */
export interface ApiToken {
  id: string;
  name: string;
  role: ApiRole;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiToken {
  token: ApiToken;
  /** The secret to show the user once; only its SHA-256 is stored. */
  secret: string;
}

const PREFIX = 'whk_';
/** 32 random bytes in base64url are 43 characters. */
const SECRET_FORMAT = /^whk_[A-Za-z0-9_-]{43}$/;

/**
 * API tokens. A secret is 256 random bits, so a plain SHA-256 is enough to keep it safe at rest
 * (no slow hash needed) and lets verify() find the token by an indexed lookup.
 */
export class TokenStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: { name: string; role: ApiRole }): Promise<CreatedApiToken> {
    const name = checkName('token name', input.name);
    if (!API_ROLES.includes(input.role)) {
      throw new InvalidInputError('token role', `"${String(input.role)}" is not one of ${API_ROLES.join(', ')}`);
    }
    const secret = PREFIX + randomBytes(32).toString('base64url');
    const row: ApiTokenEntity = {
      id: randomUUID(),
      name,
      role: input.role,
      tokenHash: hashSecret(secret),
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.dataSource.getRepository(ApiTokenEntity).insert(row);
    return { token: toToken(row), secret };
  }

  /** The token a secret belongs to (recording its use), or undefined if unknown or revoked. */
  async verify(secret: string): Promise<ApiToken | undefined> {
    if (typeof secret !== 'string' || !SECRET_FORMAT.test(secret)) return undefined;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ApiTokenEntity)
      .set({ lastUsedAt: new Date() })
      .where('"token_hash" = :hash AND "revoked_at" IS NULL', { hash: hashSecret(secret) })
      .returning('*')
      .execute();
    const rows = result.raw as Array<Record<string, unknown>>;
    if (rows.length === 0) return undefined;
    const row = rows[0];
    return {
      id: row.id as string,
      name: row.name as string,
      role: row.role as ApiRole,
      createdAt: new Date(row.created_at as Date | string),
      lastUsedAt: new Date(row.last_used_at as Date | string),
      revokedAt: null,
    };
  }

  /** Every token, revoked ones included, oldest first. */
  async list(): Promise<ApiToken[]> {
    const rows = await this.dataSource.getRepository(ApiTokenEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toToken);
  }

  /** Revokes the token for good (kept in the list for audit). Revoking twice is harmless. */
  async revoke(id: string): Promise<void> {
    assertId('token', id);
    const repository = this.dataSource.getRepository(ApiTokenEntity);
    const row = await repository.findOneBy({ id });
    if (!row) throw new NotFoundError('token', id);
    if (!row.revokedAt) await repository.update({ id }, { revokedAt: new Date() });
  }
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toToken(row: ApiTokenEntity): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
