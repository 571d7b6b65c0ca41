import { Logger } from '@nestjs/common';
import { createClient } from 'redis';
import { closeRedis } from './redis-close';

/** A key's count in its window, and the time left in that window. */
export interface Count {
  count: number;
  ttlMs: number;
}

/**
 * Hit counters in fixed windows that start at a key's first hit: the request budgets (`rate-limit.ts`) and the
 * sign-in limiter (which counts failures, reads a count without adding to it, and clears one) both keep theirs here.
 */
export interface CounterStorage {
  /** Adds one and answers the count in the window, this hit included. */
  increment(key: string, windowMs: number): Promise<Count>;
  peek(key: string): Promise<Count>;
  reset(key: string): Promise<void>;
  /** Nest calls it on the provider that holds the storage. */
  onApplicationShutdown(): Promise<void>;
}

/** This node's memory: a single node without Redis, and the sign-in limiter's fallback while Redis is down. */
export class MemoryCounterStorage implements CounterStorage {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry;
    this.entries.delete(key);
    return null;
  }

  async increment(key: string, windowMs: number): Promise<Count> {
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

  async reset(key: string) {
    this.entries.delete(key);
  }

  async onApplicationShutdown() {
    this.entries.clear();
  }
}

/**
 * Shared by every node, so a budget holds across the cluster. No offline queue: while
 * Redis is down every call fails at once, and the caller decides (request budgets let the request through, the
 * sign-in limiter counts in memory).
 */
export class RedisCounterStorage implements CounterStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  private constructor(private readonly client: ReturnType<typeof createClient>) {}

  static async connect(url: string): Promise<RedisCounterStorage> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
    });
    const storage = new RedisCounterStorage(client);
    client.on('error', (error: Error) => storage.warn(error));
    await client.connect();
    return storage;
  }

  private warn(error: Error) {
    if (Date.now() - this.lastWarning < 5000) return;
    this.lastWarning = Date.now();
    this.logger.warn(
      `Redis: ${error.message || error.name}; request budgets are not enforced and sign-in limits are counted per node until it is back`,
    );
  }

  /** node-redis queues a MULTI even without an offline queue: refuse at once while disconnected. */
  private ready() {
    if (!this.client.isReady) throw new Error('Redis is not connected');
    return this.client;
  }

  async increment(key: string, windowMs: number): Promise<Count> {
    const [count, , ttlMs] = await this.ready().multi().incr(key).pExpire(key, windowMs, 'NX').pTTL(key).exec();
    return { count: Number(count), ttlMs: Number(ttlMs) };
  }

  async peek(key: string) {
    const [count, ttlMs] = await this.ready().multi().get(key).pTTL(key).exec();
    return { count: Number(count ?? 0), ttlMs: Math.max(0, Number(ttlMs)) };
  }

  async reset(key: string) {
    await this.ready().del(key);
  }

  async onApplicationShutdown() {
    await closeRedis(this.client);
  }
}

export async function counterStorage(redisUrl: string | undefined): Promise<CounterStorage> {
  return redisUrl ? RedisCounterStorage.connect(redisUrl) : new MemoryCounterStorage();
}
