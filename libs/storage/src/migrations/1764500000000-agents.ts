import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agents and their full revision history. */
export class Agents1764500000000 implements MigrationInterface {
  readonly name = 'Agents1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "agents" (
        "id" uuid NOT NULL,
        "title" character varying(200) NOT NULL,
        "source" text NOT NULL,
        "active" boolean NOT NULL,
        "origin" character varying(8) NOT NULL,
        "revision" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_agents" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_agents_title" UNIQUE ("title"),
        CONSTRAINT "CHK_agents_origin" CHECK ("origin" IN ('code', 'flow'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "agent_revisions" (
        "agent_id" uuid NOT NULL,
        "revision" integer NOT NULL,
        "title" character varying(200) NOT NULL,
        "source" text NOT NULL,
        "active" boolean NOT NULL,
        "author" character varying(200) NOT NULL,
        "message" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_agent_revisions" PRIMARY KEY ("agent_id", "revision"),
        CONSTRAINT "FK_agent_revisions_agent" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "agent_revisions"`);
    await queryRunner.query(`DROP TABLE "agents"`);
  }
}
