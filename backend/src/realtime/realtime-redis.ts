import { Logger } from '@nestjs/common';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { redisAdapterErrors } from '../common/metrics';
import { closeRedis } from '../common/redis-close';

export type Redis = RedisClientType;
/** The adapter's publisher and subscriber: one Redis, or a Redis Cluster for sharded pub/sub. */
export type PubSubRedis = RedisClientType | RedisClusterType;

/**
 * The adapter calls these without handling their promises: while Redis is down they reject, and an unhandled
 * rejection would end the process. The promise is still returned, so a caller that awaits it sees the error.
 */
function swallowRejections(client: PubSubRedis, methods: string[]) {
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    if (typeof target[method] !== 'function') continue;
    const original = target[method].bind(client);
    target[method] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
  }
}

/**
 * The Redis connections of one node: `pub` and `sub` for the Socket.IO adapter, `cmd` for presence keys.
 * Errors are logged, never thrown: with Redis down each node keeps serving its own clients (DESIGN 5), and the
 * clients reconnect by themselves (the `sub` client re-subscribes the adapter's channels on reconnect).
 */
export class RealtimeRedis {
  private readonly logger = new Logger('Redis');
  private lastErrorLog = 0;

  private constructor(
    readonly pub: PubSubRedis,
    readonly sub: PubSubRedis,
    readonly cmd: Redis,
  ) {}

  /** `clusterNodes` (host:port of some masters): the adapter's pub/sub goes to that Redis Cluster instead. */
  static async connect(url: string, clusterNodes: string[] = []): Promise<RealtimeRedis> {
    const options = {
      url,
      socket: { reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 1000), connectTimeout: 3000 },
    };
    // The adapter publishes without handling rejections, so its clients keep the offline queue (commands wait
    // for the reconnect) instead of failing fast into an unhandled rejection.
    const single = (): PubSubRedis => createClient(options);
    const cluster = (): PubSubRedis =>
      createCluster({
        rootNodes: clusterNodes.map((node) => ({ url: `redis://${node}` })),
        defaults: { socket: options.socket },
      }) as unknown as RedisClusterType;
    // Two connections: a subscriber cannot publish.
    const pub = clusterNodes.length ? cluster() : single();
    const sub = clusterNodes.length ? cluster() : single();
    // Presence answers fast or not at all: REST must keep working while Redis is down.
    const cmd = createClient({ ...options, disableOfflineQueue: true }) as Redis;
    swallowRejections(pub, ['publish', 'sPublish']);
    swallowRejections(sub, ['subscribe', 'pSubscribe', 'sSubscribe', 'unsubscribe', 'pUnsubscribe', 'sUnsubscribe']);
    const redis = new RealtimeRedis(pub, sub, cmd);
    for (const [name, client] of Object.entries({ pub, sub, cmd })) {
      client.on('error', (error: Error) => {
        redisAdapterErrors.inc({ client: name });
        redis.logError(name, error);
      });
    }
    await Promise.all([pub.connect(), sub.connect(), cmd.connect()]);
    return redis;
  }

  /** One line per few seconds at most: a Redis outage would otherwise log every reconnect attempt thrice. */
  private logError(client: string, error: Error) {
    const now = Date.now();
    if (now - this.lastErrorLog < 5000) return;
    this.lastErrorLog = now;
    this.logger.warn(`Redis ${client} client: ${error.message || error.name}; retrying`);
  }

  get ready(): boolean {
    return this.cmd.isReady;
  }

  async close(): Promise<void> {
    await Promise.all([this.pub, this.sub, this.cmd].map((client) => closeRedis(client)));
  }
}
