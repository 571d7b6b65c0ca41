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
}

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
  };
}
