// PostgreSQL for the tests: a fresh schema per suite on the local server (127.0.0.1:5432, trust auth). On CI the
// server must be there; elsewhere the suites that need it skip with a visible message when it is absent.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env['VIGIE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the server answers; on CI its absence is an error, not a reason to skip. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is required on CI (${ADMIN_URL}): ${(error as Error).message}`);
    console.warn(`PostgreSQL is not reachable at ${ADMIN_URL}: skipping the PostgreSQL store tests`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A VIGIE_DB URL naming a schema of its own, and a function that drops it. */
export function freshSchema(prefix = 'vigie_t'): { url: string; drop: () => Promise<void> } {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = `${ADMIN_URL}?schema=${schema}`;
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
