import { rm } from 'node:fs/promises';
import pg from 'pg';
import { PG_ADMIN_URL } from './services';

/** Drops every database this run created (a crashed file may have left its clone behind). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TANDEM_TEST_RUN;
  if (!runId) return;
  if (process.env.TANDEM_TEST_DATA_ROOT) await rm(process.env.TANDEM_TEST_DATA_ROOT, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
      `tandem_test_${runId}_%`,
    ]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await client.end();
  }
}
