import type { Redis } from './realtime-redis';

/**
 * Sets whose members expire unless refreshed: presence survives only as long as some node keeps touching it,
 * so the connections of a crashed node vanish within one TTL.
 */
export interface PresenceStore {
  put(key: string, member: string, ttlMs: number): Promise<void>;
  remove(key: string, member: string): Promise<void>;
  members(key: string): Promise<string[]>;
}

/**
 * Across nodes: one sorted set per key, scored by expiry time. node-redis queues MULTI while reconnecting even
 * without an offline queue, so each call fails fast when the client is not ready instead of waiting.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(private readonly client: Redis) {}

  private get redis(): Redis {
    if (!this.client.isReady) throw new Error('Redis is not connected');
    return this.client;
  }

  async put(key: string, member: string, ttlMs: number): Promise<void> {
    await this.redis
      .multi()
      .zAdd(key, { score: Date.now() + ttlMs, value: member })
      .pExpire(key, ttlMs * 2)
      .exec();
  }

  async remove(key: string, member: string): Promise<void> {
    await this.redis.zRem(key, member);
  }

  async members(key: string): Promise<string[]> {
    const now = Date.now();
    const [, members] = await this.redis
      .multi()
      .zRemRangeByScore(key, '-inf', now)
      .zRangeByScore(key, now, '+inf')
      .exec();
    return members as unknown as string[];
  }
}

/** One node without Redis: the same contract in memory. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly sets = new Map<string, Map<string, number>>();

  put(key: string, member: string, ttlMs: number): Promise<void> {
    const set = this.sets.get(key) ?? new Map<string, number>();
    set.set(member, Date.now() + ttlMs);
    this.sets.set(key, set);
    return Promise.resolve();
  }

  remove(key: string, member: string): Promise<void> {
    this.sets.get(key)?.delete(member);
    return Promise.resolve();
  }

  members(key: string): Promise<string[]> {
    const set = this.sets.get(key);
    if (!set) return Promise.resolve([]);
    const now = Date.now();
    for (const [member, expiry] of set) if (expiry <= now) set.delete(member);
    return Promise.resolve([...set.keys()]);
  }
}
