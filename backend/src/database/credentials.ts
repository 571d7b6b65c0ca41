import type { TandemConfig } from '../config';
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
