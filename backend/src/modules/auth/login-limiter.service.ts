import { Global, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { createClient, type RedisClientType } from 'redis';
import { loadConfig } from '../../config';
import { sha256Hex } from './secrets';

/** Refused sign-in attempts per key in a fixed window that starts at the first refusal. */
interface FailureStore {
  /** Adds one and answers the count in the window and the time left in it. */
  add(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  peek(key: string): Promise<{ count: number; ttlMs: number }>;
  clear(key: string): Promise<void>;
}

class MemoryFailureStore implements FailureStore {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry;
    this.entries.delete(key);
    return null;
  }

  async add(key: string, windowMs: number) {
    const now = Date.now();
    if (this.entries.size > 50_000) {
      for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
    }
    const entry = this.live(key) ?? { count: 0, expiresAt: now + windowMs };
    entry.count += 1;
    this.entries.set(key, entry);
    return { count: entry.count, ttlMs: entry.expiresAt - now };
  }

  async peek(key: string) {
    const entry = this.live(key);
    return entry ? { count: entry.count, ttlMs: entry.expiresAt - Date.now() } : { count: 0, ttlMs: 0 };
  }

  async clear(key: string) {
    this.entries.delete(key);
  }
}

/** Shared by every node, so an attacker gains nothing by spreading attempts over nodes. */
class RedisFailureStore implements FailureStore {
  private constructor(private readonly client: RedisClientType) {}

  /** No offline queue: while Redis is down a call fails at once and the limiter falls back to memory. */
  static async connect(url: string, onError: (error: Error) => void): Promise<RedisFailureStore> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
    }) as RedisClientType;
    client.on('error', onError);
    await client.connect();
    return new RedisFailureStore(client);
  }

  private ready() {
    if (!this.client.isReady) throw new Error('Redis is not connected');
    return this.client;
  }

  async add(key: string, windowMs: number) {
    const [count, , ttlMs] = await this.ready().multi().incr(key).pExpire(key, windowMs, 'NX').pTTL(key).exec();
    return { count: Number(count), ttlMs: Number(ttlMs) };
  }

  async peek(key: string) {
    const [count, ttlMs] = await this.ready().multi().get(key).pTTL(key).exec();
    return { count: Number(count ?? 0), ttlMs: Math.max(0, Number(ttlMs)) };
  }

  async clear(key: string) {
    await this.ready().del(key);
  }

  async close() {
    await this.client.close().catch(() => undefined);
  }
}

export interface LoginBlock {
  scope: 'account' | 'address';
  retryAfterSeconds: number;
  /** The first refusal of this window: audited; the later ones are only counted. */
  first: boolean;
}

/**
 * Brute-force limit of sign-in (SECURITY.md): refused attempts per account and per client address. With Redis
 * the counts are shared by all nodes; without it (or while it is unreachable) they are kept in this node's memory.
 */
@Injectable()
export class LoginLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger('LoginLimiter');
  private readonly config = loadConfig();
  private readonly memory = new MemoryFailureStore();
  private shared: RedisFailureStore | null = null;
  private readonly namespace: string;
  private lastWarning = 0;

  constructor(orm: MikroORM) {
    // Deployments (and test runs) that share one Redis and prefix but not a database keep separate counts.
    this.namespace = `${this.config.redisPrefix}:login:${String(orm.config.get('dbName') ?? '')}`;
  }

  async connect(redisUrl: string | undefined): Promise<this> {
    if (redisUrl) this.shared = await RedisFailureStore.connect(redisUrl, (error) => this.warn(error));
    return this;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shared?.close();
  }

  private warn(error: unknown) {
    if (Date.now() - this.lastWarning < 5000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`Redis unavailable (${String(error)}); sign-in limits are kept in memory meanwhile`);
  }

  private get windowMs() {
    return this.config.loginWindowSeconds * 1000;
  }

  private keys(email: string, ip: string | null) {
    return {
      account: `${this.namespace}:account:${sha256Hex(email)}`,
      address: `${this.namespace}:address:${ip ?? 'unknown'}`,
    };
  }

  /** Redis when it answers, this node's memory otherwise: a Redis outage must not switch the limit off. */
  private async use<T>(work: (store: FailureStore) => Promise<T>): Promise<T> {
    if (this.shared) {
      try {
        return await work(this.shared);
      } catch (error) {
        this.warn(error);
      }
    }
    return work(this.memory);
  }

  /** Whether this attempt is refused before the password is even checked. */
  async check(email: string, ip: string | null): Promise<LoginBlock | null> {
    const keys = this.keys(email, ip);
    return this.use(async (store) => {
      const [account, address] = await Promise.all([store.peek(keys.account), store.peek(keys.address)]);
      const scope =
        address.count >= this.config.loginMaxFailuresPerIp
          ? 'address'
          : account.count >= this.config.loginMaxFailuresPerAccount
            ? 'account'
            : null;
      if (!scope) return null;
      const ttlMs = scope === 'address' ? address.ttlMs : account.ttlMs;
      const refusals = await store.add(`${scope === 'address' ? keys.address : keys.account}:refused`, ttlMs || 1000);
      return { scope, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)), first: refusals.count === 1 };
    });
  }

  /** A wrong password (or two-factor code): counts against both the account and the address. */
  async failed(email: string, ip: string | null): Promise<void> {
    const keys = this.keys(email, ip);
    await this.use((store) =>
      Promise.all([store.add(keys.account, this.windowMs), store.add(keys.address, this.windowMs)]),
    );
  }

  /** A completed sign-in clears the account's count (not the address's: one good account must not launder it). */
  async succeeded(email: string): Promise<void> {
    const keys = this.keys(email, null);
    await this.use((store) => store.clear(keys.account));
  }
}

/** Global so that AuthModule (imported statically elsewhere) gets the one limiter, wired to the app's Redis. */
@Global()
@Module({})
export class LoginLimiterModule {
  static forRoot(options: { redisUrl?: string }): DynamicModule {
    return {
      module: LoginLimiterModule,
      providers: [
        {
          provide: LoginLimiter,
          inject: [MikroORM],
          useFactory: (orm: MikroORM) => new LoginLimiter(orm).connect(options.redisUrl),
        },
      ],
      exports: [LoginLimiter],
    };
  }
}
