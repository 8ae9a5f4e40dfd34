import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API tokens: role and the SHA-256 of the secret, never the secret itself. */
export class ApiTokens1764500300000 implements MigrationInterface {
  readonly name = 'ApiTokens1764500300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_tokens" (
        "id" uuid NOT NULL,
        "name" character varying(200) NOT NULL,
        "role" character varying(16) NOT NULL,
        "token_hash" character(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_api_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_api_tokens_hash" UNIQUE ("token_hash"),
        CONSTRAINT "CHK_api_tokens_role" CHECK ("role" IN ('viewer', 'editor', 'admin'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_tokens"`);
  }
}
