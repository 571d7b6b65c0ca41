import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process, served at `GET /metrics`. The counters are module-level so any code
 * (the realtime gateway, the replay service, the rate limiter) can import and increment them directly.
 * Default metrics include `nodejs_eventloop_lag_seconds` (and its p50/p90/p99), heap and RSS.
 */
export const metricsRegistry = new Registry();

collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 10 });

export const httpRequestDuration = new Histogram({
  name: 'tandem_http_request_duration_seconds',
  help: 'REST latency by route (the route pattern, not the raw URL), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Realtime: `socketConnections.inc()` on connect, `.dec()` on disconnect. */
export const socketConnections = new Gauge({
  name: 'tandem_socket_connections',
  help: 'Socket.IO connections open on this node',
  registers: [metricsRegistry],
});

/** Realtime: sockets dropped because they stopped reading and their write buffer passed the limit. */
export const slowConsumersDropped = new Counter({
  name: 'tandem_slow_consumers_dropped_total',
  help: 'Sockets disconnected by this node because they stopped reading (write buffer over the limit)',
  registers: [metricsRegistry],
});

/** Realtime: `eventsEmitted.inc({ type: envelope.type })` per event emitted to a channel. */
export const eventsEmitted = new Counter({
  name: 'tandem_events_emitted_total',
  help: 'Events emitted to channels by this node, by event type',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

/** Realtime: `replaysServed.inc({ outcome: 'replayed' | 'resync' })` per `subscribe` with `since`. */
export const replaysServed = new Counter({
  name: 'tandem_replays_served_total',
  help: 'Subscriptions with `since` answered by a replay from the audit log, or by a resync',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Realtime: `replayedEvents.inc(n)` with the number of events a replay sent. */
export const replayedEvents = new Counter({
  name: 'tandem_replayed_events_total',
  help: 'Events sent by replays',
  registers: [metricsRegistry],
});

/** Realtime: `redisAdapterErrors.inc({ client: 'pub' | 'sub' | 'cmd' | 'adapter' })` on each error event. */
export const redisAdapterErrors = new Counter({
  name: 'tandem_redis_adapter_errors_total',
  help: 'Errors raised by the Redis clients behind the Socket.IO adapter and presence',
  labelNames: ['client'] as const,
  registers: [metricsRegistry],
});

export const rateLimited = new Counter({
  name: 'tandem_rate_limited_total',
  help: 'Requests and socket messages refused with 429, by caller type and transport',
  labelNames: ['caller', 'transport'] as const,
  registers: [metricsRegistry],
});

export const rateLimiterErrors = new Counter({
  name: 'tandem_rate_limiter_errors_total',
  help: 'Rate-limit checks that could not reach Redis (the request was let through)',
  registers: [metricsRegistry],
});

/** Group commit (core/write-path): how many writes share a transaction, and how often one has to step back. */
export const writeBatchSize = new Histogram({
  name: 'tandem_write_batch_size',
  help: 'Writes committed together in one transaction by the group commit',
  buckets: [1, 2, 4, 8, 16, 32],
  registers: [metricsRegistry],
});

export const writesRequeued = new Counter({
  name: 'tandem_writes_requeued_total',
  help: 'Writes rolled back to their savepoint on a lock held by another batch, and queued again',
  registers: [metricsRegistry],
});

/** Route label: the matched route pattern, so `/api/tasks/<uuid>` does not create one series per task. */
function routeOf(req: Request, status: number): string {
  const pattern = (req.route as { path?: string } | undefined)?.path;
  if (pattern) return `${req.baseUrl}${pattern}`;
  return status === 404 ? 'unmatched' : 'other';
}

/** Express middleware timing every request into `tandem_http_request_duration_seconds`. */
export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.once('finish', () => {
    end({ method: req.method, route: routeOf(req, res.statusCode), status: String(res.statusCode) });
  });
  next();
}

/** Sign-in attempts refused with 429 by the brute-force limit (only the first per window is audited). */
export const loginThrottled = new Counter({
  name: 'tandem_login_refused_total',
  help: 'Sign-in attempts refused by the brute-force limit, by what tripped it (account or address)',
  labelNames: ['scope'] as const,
  registers: [metricsRegistry],
});
