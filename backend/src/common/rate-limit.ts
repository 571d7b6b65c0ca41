import {
  Inject,
  Injectable,
  Module,
  type CallHandler,
  type DynamicModule,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import type { TandemRequest } from './access.decorator';
import { AppError, ErrorCode } from './app-error';
import type { Caller } from './caller';
import { counterStorage, type CounterStorage } from './counter-storage';
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
  /** Seconds until the caller's window ends (what `Retry-After` says). */
  retryAfterSeconds: number;
}

export const WINDOW_MS = 60_000;

export interface RateLimitOptions {
  redisUrl?: string;
  /** Key prefix (TANDEM_REDIS_PREFIX), so deployments and test runs sharing one Redis stay apart. */
  prefix: string;
  limits: RateLimits;
}

/** The app's one `CounterStorage` (Redis when configured): request budgets and the sign-in limiter count in it. */
export const COUNTER_STORAGE = Symbol('COUNTER_STORAGE');
const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

/**
 * Per-caller budgets for REST (applied by the global interceptor below) and for socket messages (the gateway
 * calls `check(caller, 'socket')` and answers `rate_limited` when it is refused). Fails open: a Redis outage
 * must not turn into an API outage.
 */
@Injectable()
export class RateLimitService {
  constructor(
    @Inject(COUNTER_STORAGE) private readonly storage: CounterStorage,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
  ) {}

  /** 0: not limited (system callers, or a budget set to 0). */
  limitFor(caller: Caller): number {
    if (caller.type === 'agent') return this.options.limits.agentPerMinute;
    if (caller.type === 'human') return this.options.limits.humanPerMinute;
    return 0;
  }

  async check(caller: Caller, transport: RateLimitTransport): Promise<RateLimitVerdict> {
    const limit = this.limitFor(caller);
    const open = { allowed: true, limit, remaining: limit, retryAfterSeconds: WINDOW_MS / 1000 };
    if (limit === 0) return open;
    const key = `${this.options.prefix}:rl:${transport}:${caller.type}:${caller.id}`;
    let count: number;
    let ttlMs: number;
    try {
      ({ count, ttlMs } = await this.storage.increment(key, WINDOW_MS));
    } catch {
      rateLimiterErrors.inc();
      return open;
    }
    const allowed = count <= limit;
    if (!allowed) rateLimited.inc({ caller: caller.type, transport });
    const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return { allowed, limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
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

/** Global: the gateway checks socket budgets, and the auth module's sign-in limiter shares the storage. */
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitModule,
      global: true,
      providers: [
        { provide: COUNTER_STORAGE, useFactory: () => counterStorage(options.redisUrl) },
        { provide: RATE_LIMIT_OPTIONS, useValue: options },
        RateLimitService,
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
      ],
      exports: [RateLimitService, COUNTER_STORAGE],
    };
  }
}
