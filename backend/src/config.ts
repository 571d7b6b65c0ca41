import 'reflect-metadata';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';

const FLAG = ['0', '1'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Variables where an empty value means something (turned off) rather than "unset". */
const EMPTY_MEANS_OFF = new Set<string>();

export const MIN_AUDIT_RETENTION_DAYS = 183;

/**
 * Every environment variable Tandem reads, with its rule (the README's table lists the same ones). Numbers arrive
 * as strings and are converted before they are checked, so `PORT=abc` is refused here, never becomes `NaN`.
 */
class Environment {
  @IsOptional() @Min(1) @Max(65_535) @IsInt() PORT?: number;
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;
  @IsOptional() @IsIn(FLAG) REDIS_SHARDED?: string;
  @IsOptional()
  @Matches(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, { message: 'REDIS_PUBSUB_CLUSTER_NODES must be host:port[,host:port...]' })
  REDIS_PUBSUB_CLUSTER_NODES?: string;
  @IsOptional() @IsString() @IsNotEmpty() TANDEM_DATA_DIR?: string;
  @IsOptional() @IsEmail({ require_tld: false }) ADMIN_EMAIL?: string;
  @IsOptional() @IsString() ADMIN_PASSWORD?: string;
  @IsOptional() @IsIn(FLAG) DEMO?: string;
  @IsOptional() @Min(10) @IsInt() DEMO_PACE_MS?: number;
  @IsOptional() @Min(100) @IsInt() DEMO_COMMENT_EVERY_MS?: number;
  @IsOptional() @IsIn(FLAG) LOG_REQUESTS?: string;
  @IsOptional() @Min(1) @IsInt() SESSION_TTL_HOURS?: number;
  @IsOptional()
  @Matches(/^[\w:.-]+$/, { message: 'TANDEM_REDIS_PREFIX may hold letters, digits and _ : . - only' })
  TANDEM_REDIS_PREFIX?: string;
  @IsOptional() @IsString() TANDEM_NODE_ID?: string;
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'MIGRATION_DATABASE_URL must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'TANDEM_DB_ROLE must be a plain role name' })
  TANDEM_DB_ROLE?: string;
  @IsOptional() @Min(0) @IsInt() AUDIT_CHECKPOINT_SECONDS?: number;
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'AUDIT_SIGNING_KEY must be a PKCS#8 PEM private key' })
  AUDIT_SIGNING_KEY?: string;
  @IsOptional() @IsString() @IsNotEmpty() AUDIT_CHECKPOINT_FILE?: string;
  @IsOptional() @Min(MIN_AUDIT_RETENTION_DAYS) @IsInt() AUDIT_RETENTION_DAYS?: number;
  @IsOptional() @IsIn(FLAG) COOKIE_SECURE?: string;
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: string;
  @IsOptional() @Min(0) @IsInt() RATE_LIMIT_HUMAN_PER_MINUTE?: number;
  @IsOptional() @Min(0) @IsInt() RATE_LIMIT_AGENT_PER_MINUTE?: number;
  @IsOptional() @Min(1) @IsInt() SOCKET_MAX_BUFFERED_EVENTS?: number;
  @IsOptional() @Min(1) @IsInt() REALTIME_REORDER_WAIT_MS?: number;
  @IsOptional() @Min(0) @IsInt() TANDEM_SCHEDULER_INTERVAL_MS?: number;
  @IsOptional() @IsString() TANDEM_FRONTEND_DIR?: string;
  @IsOptional() @IsIn(FLAG) TANDEM_MIGRATE_ON_START?: string;
  @IsOptional() @IsString() TANDEM_MIGRATIONS_DIR?: string;
  @IsOptional() @IsIn(FLAG) TANDEM_SQL_DEBUG?: string;
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'TANDEM_URL must be an http(s):// URL' }) TANDEM_URL?: string;
  @IsOptional() @Min(1) @IsInt() LOGIN_MAX_FAILURES_PER_ACCOUNT?: number;
  @IsOptional() @Min(1) @IsInt() LOGIN_MAX_FAILURES_PER_IP?: number;
  @IsOptional() @Min(1) @IsInt() LOGIN_WINDOW_SECONDS?: number;
  @IsOptional() @IsIn(FLAG) REQUIRE_MFA_FOR_ADMINS?: string;
  @IsOptional()
  @Matches(/^(https?:\/\/[^\s,]+)?(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message: 'CORS_ORIGINS must be a comma list of http(s):// origins',
  })
  CORS_ORIGINS?: string;
  @IsOptional()
  @Matches(/^(?!\s*true\s*$)[\w.:/, -]*$/, {
    message: 'TRUST_PROXY must be a hop count or a comma list of proxy addresses, CIDRs or loopback/uniquelocal',
  })
  TRUST_PROXY?: string;
  @IsOptional() @IsString() @IsNotEmpty() METRICS_TOKEN?: string;
  @IsOptional() @Min(1) @Max(65_535) @IsInt() METRICS_PORT?: number;
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'TANDEM_PUBLIC_URL must be an http(s):// URL' })
  TANDEM_PUBLIC_URL?: string;
  @IsOptional() @IsIn(FLAG) WEBHOOK_ALLOW_PRIVATE?: string;
  @IsOptional() @Min(1) @IsInt() WEBHOOK_RETRY_BASE_MS?: number;
  @IsOptional() @Min(0.0001) @IsNumber() WEBHOOK_RETRY_MAX_HOURS?: number;
  @IsOptional() @Min(1) @IsInt() WEBHOOK_MAX_FAILURES?: number;
  @IsOptional() @Min(1) @IsInt() WEBHOOK_TIMEOUT_MS?: number;
  @IsOptional() @Min(0) @IsInt() WEBHOOK_POLL_MS?: number;
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;
  @IsOptional() @IsString() @IsNotEmpty() SMTP_FROM?: string;
  @IsOptional() @Min(1) @IsInt() NOTIFY_DIGEST_SECONDS?: number;
}

/** The names of every variable Tandem reads (for checks that a deployment sets only known ones). */
export const CONFIG_VARIABLES: readonly string[] = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(Environment, '', true, false)
      .map((rule) => rule.propertyName),
  ),
];

/** Configuration by environment (DESIGN 9), validated as a whole. */
export interface TandemConfig {
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /**
   * Socket.IO fan-out over Redis sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`, Redis 7): on `REDIS_URL` with
   * `REDIS_SHARDED=1`, or over a Redis Cluster (`REDIS_PUBSUB_CLUSTER_NODES`) so channels spread over its masters.
   */
  redisPubSub: { sharded: boolean; clusterNodes: string[] };
  dataDir: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  /** The demo agents' rhythm: the average pause between two steps, and between two comments, of one agent. */
  demoPaceMs: number;
  demoCommentEveryMs: number;
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
  /**
   * The runtime login role that migrations grant the app's rights to: `TANDEM_DB_ROLE`, else `DATABASE_URL`'s user
   * when `MIGRATION_DATABASE_URL` is set, else `tandem_app`.
   */
  dbRole: string;
  /** Seconds between signed audit checkpoints (`AUDIT_CHECKPOINT_SECONDS`, default 60; 0 turns the timer off). */
  auditCheckpointSeconds: number;
  /** The Ed25519 private key (PKCS#8 PEM) that signs checkpoints; unset: generated into the data folder. */
  auditSigningKey: string | undefined;
  /** Where each checkpoint is appended as one NDJSON line (point it at write-once storage). */
  auditCheckpointFile: string;
  /** Audit entries younger than this are never removed (EU AI Act floor: 183 days, also the minimum). */
  auditRetentionDays: number;
  cookieSecure: boolean;
  logLevel: string;
  /** LOG_REQUESTS=1: one info line per request; otherwise request lines are at debug (start-up output stays readable). */
  logRequests: boolean;
  /** Requests per minute and caller; 0 means unlimited. */
  rateLimits: { humanPerMinute: number; agentPerMinute: number };
  /** Packets that may wait in a socket's write buffer before the node drops that socket. */
  socketMaxBufferedEvents: number;
  /** How long a node holds later events while an earlier seq is on its way from another node (then: lost). */
  realtimeReorderWaitMs: number;
  /** The suggestion scheduler's tick; 0 turns it off on this node. */
  schedulerIntervalMs: number;
  frontendDir: string | undefined;
  migrateOnStart: boolean;
  migrationsDir: string;
  sqlDebug: boolean;
  /** The server the stand-alone demo agents (`npm run demo`) talk to. */
  demoUrl: string;
  /** Sign-in brute-force limits: refused attempts per account and per client address within the window. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginWindowSeconds: number;
  /** Admins must have two-factor on: until they enrol, their session may only enrol. */
  requireMfaForAdmins: boolean;
  /** Origins (besides the app's own) whose pages may use the session cookie on sockets. */
  corsOrigins: string[];
  /** Express `trust proxy`: which proxies' X-Forwarded-For/Proto are believed. None by default. */
  trustProxy: boolean | number | string;
  /** Bearer token that `GET /metrics` requires on the main port. */
  metricsToken: string | undefined;
  /** A separate (internal) port that serves `/metrics` without a token. */
  metricsPort: number | undefined;
  /** Outgoing email (`smtp://` upgrades with STARTTLS when offered, `smtps://` is TLS from the start); none: no email. */
  smtpUrl: string | undefined;
  /** The sender of notification emails. */
  smtpFrom: string;
  /** Suggestion notifications are mailed as one digest per user and this many seconds. */
  notifyDigestSeconds: number;
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

/** A problem the user can fix before starting Tandem: printed as its message alone, without a stack trace. */
export class StartupError extends Error {}

/** A configuration that cannot be used: its message names each bad variable and what it must be. */
export class ConfigError extends StartupError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

const messages = (errors: ValidationError[], raw: Record<string, string>) =>
  errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${message} (got ${JSON.stringify(raw[error.property])})`),
  );

/** With two logins the runtime role is `DATABASE_URL`'s user; otherwise `tandem_app`, which migrations grant to. */
function runtimeRoleOf(databaseUrl: string | undefined, migrationUrl: string | undefined): string {
  const user = databaseUrl && migrationUrl ? decodeURIComponent(new URL(databaseUrl).username) : '';
  return user || 'tandem_app';
}

/** Reads and checks the environment; throws a `ConfigError` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TandemConfig {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (value !== '' || EMPTY_MEANS_OFF.has(name))) raw[name] = value;
  }
  const vars = plainToInstance(Environment, raw, { enableImplicitConversion: true, excludeExtraneousValues: false });
  const errors = validateSync(vars, { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length) throw new ConfigError(messages(errors, raw));
  const dataDir = resolve(vars.TANDEM_DATA_DIR ?? '.tandem');
  return {
    port: vars.PORT ?? 3000,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    redisPubSub: {
      sharded: vars.REDIS_SHARDED === '1' || !!vars.REDIS_PUBSUB_CLUSTER_NODES,
      clusterNodes: vars.REDIS_PUBSUB_CLUSTER_NODES?.split(',') ?? [],
    },
    dataDir,
    adminEmail: vars.ADMIN_EMAIL,
    adminPassword: vars.ADMIN_PASSWORD,
    demo: vars.DEMO !== '0',
    demoPaceMs: vars.DEMO_PACE_MS ?? 5000,
    demoCommentEveryMs: vars.DEMO_COMMENT_EVERY_MS ?? 60_000,
    sessionTtlHours: vars.SESSION_TTL_HOURS ?? 24 * 7,
    redisPrefix: vars.TANDEM_REDIS_PREFIX ?? 'tandem',
    nodeId: vars.TANDEM_NODE_ID ?? `node-${process.pid}`,
    migrationDatabaseUrl: vars.MIGRATION_DATABASE_URL,
    dbRole: vars.TANDEM_DB_ROLE ?? runtimeRoleOf(vars.DATABASE_URL, vars.MIGRATION_DATABASE_URL),
    auditCheckpointSeconds: vars.AUDIT_CHECKPOINT_SECONDS ?? 60,
    // A PEM in one environment line may carry literal `\n`s.
    auditSigningKey: vars.AUDIT_SIGNING_KEY?.replace(/\\n/g, '\n'),
    auditCheckpointFile: resolve(vars.AUDIT_CHECKPOINT_FILE ?? resolve(dataDir, 'audit-checkpoints.ndjson')),
    auditRetentionDays: vars.AUDIT_RETENTION_DAYS ?? MIN_AUDIT_RETENTION_DAYS,
    cookieSecure: vars.COOKIE_SECURE === '1',
    logLevel: vars.LOG_LEVEL ?? 'info',
    logRequests: vars.LOG_REQUESTS === '1',
    rateLimits: {
      humanPerMinute: vars.RATE_LIMIT_HUMAN_PER_MINUTE ?? 600,
      agentPerMinute: vars.RATE_LIMIT_AGENT_PER_MINUTE ?? 300,
    },
    socketMaxBufferedEvents: vars.SOCKET_MAX_BUFFERED_EVENTS ?? 2000,
    realtimeReorderWaitMs: vars.REALTIME_REORDER_WAIT_MS ?? 1000,
    schedulerIntervalMs: vars.TANDEM_SCHEDULER_INTERVAL_MS ?? 1000,
    frontendDir: vars.TANDEM_FRONTEND_DIR,
    migrateOnStart: vars.TANDEM_MIGRATE_ON_START !== '0',
    migrationsDir: vars.TANDEM_MIGRATIONS_DIR ?? `${process.cwd()}/migrations`,
    sqlDebug: vars.TANDEM_SQL_DEBUG === '1',
    demoUrl: vars.TANDEM_URL ?? `http://localhost:${vars.PORT ?? 3000}`,
    loginMaxFailuresPerAccount: vars.LOGIN_MAX_FAILURES_PER_ACCOUNT ?? 10,
    loginMaxFailuresPerIp: vars.LOGIN_MAX_FAILURES_PER_IP ?? 100,
    loginWindowSeconds: vars.LOGIN_WINDOW_SECONDS ?? 900,
    requireMfaForAdmins: vars.REQUIRE_MFA_FOR_ADMINS === '1',
    corsOrigins: (vars.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    trustProxy: trustProxy(vars.TRUST_PROXY),
    metricsToken: vars.METRICS_TOKEN,
    metricsPort: vars.METRICS_PORT,
    smtpUrl: vars.SMTP_URL,
    smtpFrom: vars.SMTP_FROM ?? 'Tandem <tandem@localhost>',
    notifyDigestSeconds: vars.NOTIFY_DIGEST_SECONDS ?? 300,
    publicUrl: (vars.TANDEM_PUBLIC_URL ?? `http://localhost:${vars.PORT ?? 3000}`).replace(/\/+$/, ''),
    webhooks: {
      allowPrivate: vars.WEBHOOK_ALLOW_PRIVATE === '1',
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS ?? 5000,
      retryMaxHours: vars.WEBHOOK_RETRY_MAX_HOURS ?? 24,
      maxFailures: vars.WEBHOOK_MAX_FAILURES ?? 50,
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS ?? 5000,
      pollMs: vars.WEBHOOK_POLL_MS ?? 1000,
    },
  };
}

/**
 * `TRUST_PROXY`: unset, empty or `0` trusts no proxy (the client address is the socket's); a hop count; or a comma
 * list of addresses, CIDRs or Express's names (`loopback`, `uniquelocal`). `true` (anyone) is refused above.
 */
function trustProxy(value: string | undefined): boolean | number | string {
  const text = value?.trim();
  if (!text || text === '0' || text === 'false') return false;
  return /^\d+$/.test(text) ? Number(text) : text;
}
