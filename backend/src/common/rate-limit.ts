import {
  Global,
  Injectable,
  Logger,
  Module,
  type CallHandler,
  type DynamicModule,
  type ExecutionContext,
  type NestInterceptor,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Response } from 'express';
import { createClient } from 'redis';
import type { Observable } from 'rxjs';
import type { TandemRequest } from './access.decorator';
import { AppError, ErrorCode } from './app-error';
import type { Caller } from './caller';
import { rateLimited, rateLimiterErrors } from './metrics';

/** Per-minute budgets. Humans and agents have separate buckets, so a runaway agent cannot starve a human. */
export interface RateLimits {
  humanPerMinute: number;
  agentPerMinute: number;
}

export type RateLimitTransport = 'rest' | 'socket';

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends (what `Retry-After` says). */
  retryAfterSeconds: number;
}

export const WINDOW_MS = 60_000;

/** Counts hits per key in fixed one-minute windows. */
interface HitCounter {
  /** The count in the window including this hit. */
  hit(key: string, windowMs: number): Promise<number>;
  close(): Promise<void>;
}

class MemoryCounter implements HitCounter {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    if (this.counts.size > 10_000) {
      for (const [k, v] of this.counts) if (v.expiresAt <= now) this.counts.delete(k);
    }
    const entry = this.counts.get(key);
    if (!entry || entry.expiresAt <= now) {
      this.counts.set(key, { count: 1, expiresAt: now + windowMs });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}

/** Shared by every node through Redis, so a caller's budget holds across the cluster. */
class RedisCounter implements HitCounter {
  private readonly logger = new Logger('RateLimit');
  private lastErrorLog = 0;

  private constructor(private readonly client: ReturnType<typeof createClient>) {}

  static async connect(url: string): Promise<RedisCounter> {
    // No offline queue: while Redis is down a check fails at once (and lets the request through).
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
    });
    const counter = new RedisCounter(client);
    client.on('error', (error: Error) => counter.logError(error));
    await client.connect();
    return counter;
  }

  private logError(error: Error) {
    if (Date.now() - this.lastErrorLog < 5000) return;
    this.lastErrorLog = Date.now();
    this.logger.warn(`Redis: ${error.message || error.name}; rate limits are not enforced until it is back`);
  }

  async hit(key: string, windowMs: number): Promise<number> {
    // node-redis queues a MULTI even without an offline queue: refuse at once while disconnected.
    if (!this.client.isReady) throw new Error('Redis is not connected');
    const [count] = await this.client.multi().incr(key).pExpire(key, windowMs).exec();
    return Number(count);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

export interface RateLimitOptions {
  redisUrl?: string;
  /** Key prefix (TANDEM_REDIS_PREFIX), so deployments and test runs sharing one Redis stay apart. */
  prefix: string;
  limits: RateLimits;
}

/**
 * Per-caller budgets for REST (applied by the global interceptor below) and for socket messages (the gateway
 * calls `check(caller, 'socket')` and answers `rate_limited` when it is refused). Fails open: a Redis outage
 * must not turn into an API outage.
 */
@Injectable()
export class RateLimitService implements OnApplicationShutdown {
  private constructor(
    private readonly counter: HitCounter,
    private readonly options: RateLimitOptions,
  ) {}

  static async create(options: RateLimitOptions): Promise<RateLimitService> {
    const counter = options.redisUrl ? await RedisCounter.connect(options.redisUrl) : new MemoryCounter();
    return new RateLimitService(counter, options);
  }

  limitFor(caller: Caller): number {
    if (caller.type === 'agent') return this.options.limits.agentPerMinute;
    if (caller.type === 'human') return this.options.limits.humanPerMinute;
    return 0;
  }

  async check(caller: Caller, transport: RateLimitTransport): Promise<RateLimitVerdict> {
    const limit = this.limitFor(caller);
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    if (limit === 0 || caller.type === 'system') return { allowed: true, limit, remaining: limit, retryAfterSeconds };
    const key = `${this.options.prefix}:rl:${transport}:${caller.type}:${caller.id}:${window}`;
    let count: number;
    try {
      count = await this.counter.hit(key, WINDOW_MS);
    } catch {
      rateLimiterErrors.inc();
      return { allowed: true, limit, remaining: limit, retryAfterSeconds };
    }
    const allowed = count <= limit;
    if (!allowed) rateLimited.inc({ caller: caller.type, transport });
    return { allowed, limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.counter.close();
  }
}

export function rateLimitError(verdict: RateLimitVerdict): AppError {
  return new AppError(ErrorCode.RateLimited, `Too many requests; retry in ${verdict.retryAfterSeconds} s`, {
    details: { limit: verdict.limit, windowSeconds: WINDOW_MS / 1000, retryAfterSeconds: verdict.retryAfterSeconds },
  });
}

/** REST: runs after the guards, so the caller is known; public routes (health, login) are not limited. */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limiter: RateLimitService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const caller = http.getRequest<TandemRequest>().caller;
    if (!caller) return next.handle();
    const verdict = await this.limiter.check(caller, 'rest');
    const res = http.getResponse<Response>();
    if (verdict.limit > 0) {
      res.setHeader('RateLimit-Limit', verdict.limit);
      res.setHeader('RateLimit-Remaining', verdict.remaining);
    }
    if (!verdict.allowed) {
      res.setHeader('Retry-After', verdict.retryAfterSeconds);
      throw rateLimitError(verdict);
    }
    return next.handle();
  }
}

@Global()
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        { provide: RateLimitService, useFactory: () => RateLimitService.create(options) },
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
      ],
      exports: [RateLimitService],
    };
  }
}
