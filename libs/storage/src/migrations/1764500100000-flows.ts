import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Flow graphs; a flow points at the agent generated from it (kept as NULL if that agent is deleted). */
export class Flows1764500100000 implements MigrationInterface {
  readonly name = 'Flows1764500100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "flows" (
        "id" uuid NOT NULL,
        "name" character varying(200) NOT NULL,
        "graph" jsonb NOT NULL,
        "agent_id" uuid,
        "revision" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_flows" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_flows_name" UNIQUE ("name"),
        CONSTRAINT "FK_flows_agent" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE SET NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "flows"`);
  }
}
