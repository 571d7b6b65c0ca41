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
  /** Where people reach the app (links in webhook messages); default `http://localhost:<PORT>`. */
  publicUrl: string;
  /** Outgoing webhooks (issue 14): see `modules/webhooks`. */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** `WEBHOOK_ALLOW_PRIVATE=1` lets webhooks target loopback and private addresses (tests, on-premise receivers). */
  allowPrivate: boolean;
  /** The first retry waits this long; each next one twice as long (plus up to 25% jitter), capped at an hour. */
  retryBaseMs: number;
  /** A delivery is retried for this long after its event; then it fails and the webhook is paused. */
  retryMaxHours: number;
  /** This many failed attempts in a row (across deliveries) pause the webhook. */
  maxFailures: number;
  timeoutMs: number;
  /** How often each node looks for due deliveries (commits on the node also wake it); 0 = this node sends none. */
  pollMs: number;
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
    publicUrl: (env.TANDEM_PUBLIC_URL || `http://localhost:${Number(env.PORT ?? 3000)}`).replace(/\/+$/, ''),
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === '1',
      retryBaseMs: positive(env.WEBHOOK_RETRY_BASE_MS, 5000),
      retryMaxHours: positive(env.WEBHOOK_RETRY_MAX_HOURS, 24),
      maxFailures: Math.round(positive(env.WEBHOOK_MAX_FAILURES, 50)),
      timeoutMs: positive(env.WEBHOOK_TIMEOUT_MS, 5000),
      pollMs: env.WEBHOOK_POLL_MS === '0' ? 0 : positive(env.WEBHOOK_POLL_MS, 1000),
    },
  };
}

/** A positive number from the environment, else the default. */
function positive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : fallback;
}
