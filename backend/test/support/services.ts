import pg from 'pg';

/** The machine's PostgreSQL (admin connection); tests create their own databases on it. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The owner/maintenance login of a test database (the machine's admin login): migrations, retention, tampering. */
export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The runtime login the server runs as, as in production: no owner rights (TANDEM_DB_ROLE, default tandem_app). */
export const RUNTIME_ROLE = process.env.TANDEM_DB_ROLE || 'tandem_app';
export const RUNTIME_PASSWORD = 'tandem-test-runtime';

export function runtimeDatabaseUrl(name: string): string {
  const url = new URL(databaseUrl(name));
  url.username = RUNTIME_ROLE;
  url.password = RUNTIME_PASSWORD;
  return url.toString();
}

/** Runs statements on the admin connection (CREATE/DROP DATABASE cannot run in a transaction). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${PG_ADMIN_URL} (${String(error)}). Start it with: ` +
        `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
