import { resolve } from 'node:path';

/** Configuration by environment (DESIGN 9). Read once at start. */
export interface TandemConfig {
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  /** Session lifetime. */
  sessionTtlHours: number;
  /** Prefix for Redis keys, so test runs and deployments sharing one Redis do not collide. */
  redisPrefix: string;
  /** Name of this node in logs and presence. */
  nodeId: string;
  /** The database role the app runs as (`SET ROLE`); `TANDEM_DB_ROLE=` (empty) turns it off. */
  dbRole: string | undefined;
  /** Audit entries younger than this are never removed (EU AI Act floor: 183 days, also the minimum). */
  auditRetentionDays: number;
  /** Outgoing email (`smtp://` upgrades with STARTTLS when offered, `smtps://` is TLS from the start); none: no email. */
  smtpUrl: string | undefined;
  /** The sender of notification emails. */
  smtpFrom: string;
  /** Suggestion notifications are mailed as one digest per user and this many seconds. */
  notifyDigestSeconds: number;
  /** Where people open Tandem, for links in emails; default `http://localhost:<PORT>`. */
  publicUrl: string;
}

export const MIN_AUDIT_RETENTION_DAYS = 183;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TandemConfig {
  return {
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: resolve(env.TANDEM_DATA_DIR ?? '.tandem'),
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    demo: env.DEMO !== '0',
    sessionTtlHours: Number(env.SESSION_TTL_HOURS ?? 24 * 7),
    redisPrefix: env.TANDEM_REDIS_PREFIX ?? 'tandem',
    nodeId: env.TANDEM_NODE_ID ?? `node-${process.pid}`,
    dbRole: env.TANDEM_DB_ROLE === undefined ? 'tandem_app' : env.TANDEM_DB_ROLE || undefined,
    auditRetentionDays: Math.max(MIN_AUDIT_RETENTION_DAYS, Number(env.AUDIT_RETENTION_DAYS) || 0),
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || 'Tandem <tandem@localhost>',
    notifyDigestSeconds: Number(env.NOTIFY_DIGEST_SECONDS) > 0 ? Number(env.NOTIFY_DIGEST_SECONDS) : 300,
    publicUrl: (env.TANDEM_PUBLIC_URL || `http://localhost:${Number(env.PORT ?? 3000)}`).replace(/\/+$/, ''),
  };
}
