import type { ChildProcess } from 'node:child_process';

export const ROOT: string;
export const MAIN_JS: string;
export const MIGRATE_JS: string;
export const CLUSTER_NODES: number;
export function nodeEnvironment(options: { databaseUrl: string; redisUrl?: string | null }): Record<string, string>;
export const NODE_BIN: string;
export const PG_ADMIN_URL: string;
export const MACHINE_REDIS_URL: string;

export function freePort(): Promise<number>;
export function freeStablePort(options?: { alsoFree?: number[] }): Promise<number>;
export function databaseUrlFor(name: string): string;
export function ensureDatabase(name: string): Promise<string>;
export function dropDatabase(name: string): Promise<void>;
export function findNginx(options?: { install?: boolean }): string | null;
export function waitForHttp(url: string, options?: { timeoutMs?: number; child?: ChildProcess }): Promise<void>;
export function migrate(databaseUrl: string): string;

export class BackendNode {
  constructor(options: { name: string; port: number; env: Record<string, string>; logDir?: string; echo?: boolean });
  readonly name: string;
  readonly port: number;
  readonly url: string;
  env: Record<string, string>;
  child: ChildProcess | null;
  readonly pid: number | undefined;
  readonly running: boolean;
  start(): Promise<BackendNode>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Nginx {
  url: string;
  child: ChildProcess;
  confPath: string;
  stop(): Promise<void>;
}

export function nginxConfig(options: { prefix: string; port: number; backendPorts: number[] }): string;
export function startNginx(options: {
  nginxBin: string;
  port: number;
  backendPorts: number[];
  logDir?: string;
  echo?: boolean;
}): Promise<Nginx>;

export interface Cluster {
  /** nginx's URL, or the first node's when nginx is unavailable. */
  url: string;
  nginx: Nginx | null;
  nodes: BackendNode[];
  /** Bearer token for each node's `/metrics` (METRICS_TOKEN, generated unless given). */
  metricsToken: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startCluster(options?: {
  databaseUrl: string;
  redisUrl?: string | null;
  nodes?: number;
  nginx?: boolean;
  port?: number;
  env?: Record<string, string>;
  logDir?: string;
  echo?: boolean;
}): Promise<Cluster>;

export interface RedisServer {
  url: string;
  port: number;
  start(): Promise<RedisServer>;
  stop(): Promise<void>;
}

export function startRedisServer(options?: { port?: number }): Promise<RedisServer>;
