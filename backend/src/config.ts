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
  /**
   * The owner/maintenance login used by migrations and audit retention (`MIGRATION_DATABASE_URL`). Unset with a
   * `DATABASE_URL`: both run on `DATABASE_URL`, and the server has whatever rights that login has.
   */
  migrationDatabaseUrl: string | undefined;
  /** The runtime login role that migrations grant the app's rights to (`TANDEM_DB_ROLE`, default `tandem_app`). */
  dbRole: string;
  /** Seconds between signed audit checkpoints (`AUDIT_CHECKPOINT_SECONDS`, default 60; 0 turns the timer off). */
  auditCheckpointSeconds: number;
  /** The Ed25519 private key (PKCS#8 PEM) that signs checkpoints; unset: generated into the data folder. */
  auditSigningKey: string | undefined;
  /** Where each checkpoint is appended as one NDJSON line (point it at write-once storage). */
  auditCheckpointFile: string;
  /** Audit entries younger than this are never removed (EU AI Act floor: 183 days, also the minimum). */
  auditRetentionDays: number;
}

export const MIN_AUDIT_RETENTION_DAYS = 183;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TandemConfig {
  const dataDir = resolve(env.TANDEM_DATA_DIR ?? '.tandem');
  const checkpointSeconds = Number(env.AUDIT_CHECKPOINT_SECONDS ?? 60);
  return {
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir,
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    demo: env.DEMO !== '0',
    sessionTtlHours: Number(env.SESSION_TTL_HOURS ?? 24 * 7),
    redisPrefix: env.TANDEM_REDIS_PREFIX ?? 'tandem',
    nodeId: env.TANDEM_NODE_ID ?? `node-${process.pid}`,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL || undefined,
    dbRole: env.TANDEM_DB_ROLE || 'tandem_app',
    auditCheckpointSeconds: Number.isFinite(checkpointSeconds) && checkpointSeconds >= 0 ? checkpointSeconds : 60,
    // A PEM in one environment line may carry literal `\n`s.
    auditSigningKey: env.AUDIT_SIGNING_KEY?.replace(/\\n/g, '\n') || undefined,
    auditCheckpointFile: resolve(env.AUDIT_CHECKPOINT_FILE || resolve(dataDir, 'audit-checkpoints.ndjson')),
    auditRetentionDays: Math.max(MIN_AUDIT_RETENTION_DAYS, Number(env.AUDIT_RETENTION_DAYS) || 0),
  };
}
