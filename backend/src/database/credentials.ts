import pg from 'pg';
import { StartupError, type TandemConfig } from '../config';
import type { EmbeddedDatabase } from './embedded-postgres';

/** The two database logins (issue 11): what the server runs as, and what migrations and retention run as. */
export interface DatabaseLogins {
  /** The runtime login: SELECT/INSERT on audit_log, no owner rights. */
  runtimeUrl: string;
  /** The owner/maintenance login. */
  ownerUrl: string;
  /** True when both are the same login (`DATABASE_URL` without `MIGRATION_DATABASE_URL`). */
  shared: boolean;
}

/**
 * Embedded: the two logins it made. `DATABASE_URL` + `MIGRATION_DATABASE_URL`: runtime and owner. `DATABASE_URL`
 * alone: one login for everything, with whatever rights it has (the audit guarantee against the server's own
 * login then rests on the operator's choice of that login).
 */
export function databaseLogins(config: TandemConfig, embedded?: EmbeddedDatabase): DatabaseLogins {
  if (embedded) return { runtimeUrl: embedded.url, ownerUrl: embedded.ownerUrl, shared: false };
  if (!config.databaseUrl) throw new Error('DATABASE_URL is unset and no embedded database was started');
  const ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl;
  return { runtimeUrl: config.databaseUrl, ownerUrl, shared: ownerUrl === config.databaseUrl };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * With two logins, a deployment only has to name them: when the runtime login cannot connect, the owner creates it
 * (or gives it LOGIN and the password from `DATABASE_URL`). Never for a role that is a superuser or may create roles:
 * that would be an operator's mistake to fix, not to paper over.
 */
export async function ensureRuntimeLogin(logins: DatabaseLogins): Promise<void> {
  if (logins.shared) return;
  const runtime = new URL(logins.runtimeUrl);
  const user = decodeURIComponent(runtime.username);
  if (!user || user === decodeURIComponent(new URL(logins.ownerUrl).username)) return;
  const probe = new pg.Client({ connectionString: logins.runtimeUrl });
  probe.on('error', () => undefined);
  const connected = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);
  if (connected) return;
  const owner = new pg.Client({ connectionString: logins.ownerUrl });
  await owner.connect();
  try {
    const { rows } = await owner.query<{ privileged: boolean }>(
      'select rolsuper or rolcreaterole as privileged from pg_roles where rolname = $1',
      [user],
    );
    if (rows[0]?.privileged) {
      throw new StartupError(`The runtime login ${user} (DATABASE_URL) cannot connect, and it is a privileged role`);
    }
    const password = decodeURIComponent(runtime.password);
    const verb = rows.length ? 'alter' : 'create';
    await owner.query(
      `${verb} role ${ident(user)} login nosuperuser nocreaterole nocreatedb${password ? ` password ${literal(password)}` : ''}`,
    );
  } finally {
    await owner.end();
  }
}
