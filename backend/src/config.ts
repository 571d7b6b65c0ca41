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
  /** Sign-in brute-force limits: refused attempts per account and per client address within the window. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginWindowSeconds: number;
  /** Admins must have two-factor on: until they enrol, their session may only enrol. */
  requireMfaForAdmins: boolean;
  /** Origins (besides the app's own) whose pages may use the session cookie on sockets. */
  corsOrigins: string[];
  /** Express `trust proxy`: which proxies' X-Forwarded-For/Proto are believed. Nothing is trusted by default. */
  trustProxy: boolean | number | string;
  /** Always mark the session cookie `Secure` (it is anyway when the request came over HTTPS). */
  cookieSecure: boolean;
  /** Bearer token that `GET /metrics` requires on the main port. */
  metricsToken: string | undefined;
  /** A separate (internal) port that serves `/metrics` without a token; then the main port does not serve it. */
  metricsPort: number | undefined;
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
    loginMaxFailuresPerAccount: positive(env.LOGIN_MAX_FAILURES_PER_ACCOUNT, 10),
    loginMaxFailuresPerIp: positive(env.LOGIN_MAX_FAILURES_PER_IP, 100),
    loginWindowSeconds: positive(env.LOGIN_WINDOW_SECONDS, 900),
    requireMfaForAdmins: env.REQUIRE_MFA_FOR_ADMINS === '1' || env.REQUIRE_MFA_FOR_ADMINS === 'true',
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    cookieSecure: env.COOKIE_SECURE === '1' || env.COOKIE_SECURE === 'true',
    metricsToken: env.METRICS_TOKEN || undefined,
    metricsPort: env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined,
  };
}

function positive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value && Number.isInteger(number) && number > 0 ? number : fallback;
}

/**
 * `TRUST_PROXY`: unset or empty trusts no proxy (the client address is the socket's); a hop count (`1`); or a
 * comma list of addresses, CIDRs or Express's names (`loopback`, `uniquelocal`). `true` (trust anyone) is refused.
 */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  const text = value?.trim();
  if (!text || text === '0' || text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'true') throw new Error('TRUST_PROXY=true would believe X-Forwarded-For from anyone; name the proxies');
  return text;
}
