import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Server the tests use: 127.0.0.1:5432, trust auth, user postgres (override with
 * WIREHOOK_TEST_POSTGRES_URL, pointing at a database the user may CREATE DATABASE from).
 */
export function testPostgresAdminUrl(): string {
  return process.env.WIREHOOK_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * Creates an empty database with a unique name on the test server; `drop()` removes it
 * (closing any connection still open to it). `url` points at the new database.
 */
export async function createTempPostgresDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const adminUrl = testPostgresAdminUrl();
  const name = `wirehook_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin(adminUrl: string, work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`test PostgreSQL at ${adminUrl.replace(/:[^:@/]*@/, ':***@')} is unreachable: ${(error as Error).message}`);
  }
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
