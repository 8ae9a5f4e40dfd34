import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

export type ApiRole = 'viewer' | 'editor' | 'admin';

/** An API token; only the SHA-256 of the secret is kept, the secret is shown once at creation. */
@Entity({ name: 'api_tokens' })
@Unique('UQ_api_tokens_hash', ['tokenHash'])
@Check('CHK_api_tokens_role', `"role" IN ('viewer', 'editor', 'admin')`)
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_api_tokens' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: ApiRole;

  /** Hex SHA-256 of the secret. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
