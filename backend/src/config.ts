import 'reflect-metadata';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
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
const EMPTY_MEANS_OFF = new Set(['TANDEM_DB_ROLE']);

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
  @IsOptional() @IsString() @IsNotEmpty() TANDEM_DATA_DIR?: string;
  @IsOptional() @IsEmail({ require_tld: false }) ADMIN_EMAIL?: string;
  @IsOptional() @IsString() ADMIN_PASSWORD?: string;
  @IsOptional() @IsIn(FLAG) DEMO?: string;
  @IsOptional() @Min(1) @IsInt() SESSION_TTL_HOURS?: number;
  @IsOptional()
  @Matches(/^[\w:.-]+$/, { message: 'TANDEM_REDIS_PREFIX may hold letters, digits and _ : . - only' })
  TANDEM_REDIS_PREFIX?: string;
  @IsOptional() @IsString() TANDEM_NODE_ID?: string;
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]*$|^$/, { message: 'TANDEM_DB_ROLE must be a plain role name or empty' })
  TANDEM_DB_ROLE?: string;
  @IsOptional() @Min(MIN_AUDIT_RETENTION_DAYS) @IsInt() AUDIT_RETENTION_DAYS?: number;
  @IsOptional() @IsIn(FLAG) COOKIE_SECURE?: string;
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: string;
  @IsOptional() @Min(0) @IsInt() RATE_LIMIT_HUMAN_PER_MINUTE?: number;
  @IsOptional() @Min(0) @IsInt() RATE_LIMIT_AGENT_PER_MINUTE?: number;
  @IsOptional() @Min(1) @IsInt() SOCKET_MAX_BUFFERED_EVENTS?: number;
  @IsOptional() @Min(0) @IsInt() TANDEM_SCHEDULER_INTERVAL_MS?: number;
  @IsOptional() @IsString() TANDEM_FRONTEND_DIR?: string;
  @IsOptional() @IsIn(FLAG) TANDEM_MIGRATE_ON_START?: string;
  @IsOptional() @IsString() TANDEM_MIGRATIONS_DIR?: string;
  @IsOptional() @IsIn(FLAG) TANDEM_SQL_DEBUG?: string;
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'TANDEM_URL must be an http(s):// URL' }) TANDEM_URL?: string;
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
  cookieSecure: boolean;
  logLevel: string;
  /** Requests per minute and caller; 0 means unlimited. */
  rateLimits: { humanPerMinute: number; agentPerMinute: number };
  /** Packets that may wait in a socket's write buffer before the node drops that socket. */
  socketMaxBufferedEvents: number;
  /** The suggestion scheduler's tick; 0 turns it off on this node. */
  schedulerIntervalMs: number;
  frontendDir: string | undefined;
  migrateOnStart: boolean;
  migrationsDir: string;
  sqlDebug: boolean;
  /** The server the stand-alone demo agents (`npm run demo`) talk to. */
  demoUrl: string;
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

/** Reads and checks the environment; throws a `ConfigError` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TandemConfig {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (value !== '' || EMPTY_MEANS_OFF.has(name))) raw[name] = value;
  }
  const vars = plainToInstance(Environment, raw, { enableImplicitConversion: true, excludeExtraneousValues: false });
  const errors = validateSync(vars, { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length) throw new ConfigError(messages(errors, raw));
  return {
    port: vars.PORT ?? 3000,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    dataDir: resolve(vars.TANDEM_DATA_DIR ?? '.tandem'),
    adminEmail: vars.ADMIN_EMAIL,
    adminPassword: vars.ADMIN_PASSWORD,
    demo: vars.DEMO !== '0',
    sessionTtlHours: vars.SESSION_TTL_HOURS ?? 24 * 7,
    redisPrefix: vars.TANDEM_REDIS_PREFIX ?? 'tandem',
    nodeId: vars.TANDEM_NODE_ID ?? `node-${process.pid}`,
    dbRole: vars.TANDEM_DB_ROLE === undefined ? 'tandem_app' : vars.TANDEM_DB_ROLE || undefined,
    auditRetentionDays: vars.AUDIT_RETENTION_DAYS ?? MIN_AUDIT_RETENTION_DAYS,
    cookieSecure: vars.COOKIE_SECURE === '1',
    logLevel: vars.LOG_LEVEL ?? 'info',
    rateLimits: {
      humanPerMinute: vars.RATE_LIMIT_HUMAN_PER_MINUTE ?? 600,
      agentPerMinute: vars.RATE_LIMIT_AGENT_PER_MINUTE ?? 300,
    },
    socketMaxBufferedEvents: vars.SOCKET_MAX_BUFFERED_EVENTS ?? 2000,
    schedulerIntervalMs: vars.TANDEM_SCHEDULER_INTERVAL_MS ?? 1000,
    frontendDir: vars.TANDEM_FRONTEND_DIR,
    migrateOnStart: vars.TANDEM_MIGRATE_ON_START !== '0',
    migrationsDir: vars.TANDEM_MIGRATIONS_DIR ?? `${process.cwd()}/migrations`,
    sqlDebug: vars.TANDEM_SQL_DEBUG === '1',
    demoUrl: vars.TANDEM_URL ?? `http://localhost:${vars.PORT ?? 3000}`,
  };
}
