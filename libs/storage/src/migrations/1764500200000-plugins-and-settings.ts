import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Installed plugins and run-time settings. */
export class PluginsAndSettings1764500200000 implements MigrationInterface {
  readonly name = 'PluginsAndSettings1764500200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "plugins" (
        "name" character varying(214) NOT NULL,
        "version" character varying(64) NOT NULL,
        "enabled" boolean NOT NULL,
        "settings" jsonb NOT NULL,
        "installed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_plugins" PRIMARY KEY ("name")
      )`);
    await queryRunner.query(`
      CREATE TABLE "settings" (
        "key" character varying(200) NOT NULL,
        "value" jsonb NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_settings" PRIMARY KEY ("key")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "settings"`);
    await queryRunner.query(`DROP TABLE "plugins"`);
  }
}
