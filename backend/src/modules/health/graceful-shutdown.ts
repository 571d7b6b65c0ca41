import type { Server } from 'node:http';
import { Injectable, type INestApplication, type LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DrainState } from './drain-state';

/** Counts REST requests being answered, so shutdown can wait for them (Socket.IO traffic is not counted). */
@Injectable()
export class InFlight {
  private readonly active = new Set<Response>();
  private idle: (() => void)[] = [];
  private closing = false;

  get count(): number {
    return this.active.size;
  }

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    this.active.add(res);
    if (this.closing) res.setHeader('Connection', 'close');
    const finish = () => {
      if (!this.active.delete(res)) return;
      if (this.active.size === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };

  /** Answers from now on close their kept-alive connection, so the listener can finish closing. */
  closeConnectionsAfterResponse(): void {
    this.closing = true;
    for (const res of this.active) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  settled(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

/**
 * SIGTERM: readiness turns 503, the listener stops accepting, requests in flight finish (keep-alive connections
 * are closed after their response), then `app.close()` disconnects every socket (clients reconnect, through the
 * load balancer, to another node and replay what they missed) and closes the pools. Resolves false when it had
 * to give up at `timeoutMs`.
 */
export async function gracefulShutdown(
  app: INestApplication,
  { timeoutMs = 10_000, logger }: { timeoutMs?: number; logger?: LoggerService } = {},
): Promise<boolean> {
  const started = Date.now();
  app.get(DrainState, { strict: false }).draining = true;
  const inFlight = app.get(InFlight, { strict: false });
  const server = app.getHttpServer() as Server;
  inFlight.closeConnectionsAfterResponse();
  server.close();
  server.closeIdleConnections();
  const drained = await within(inFlight.settled(), Math.max(0, timeoutMs - 2000));
  if (!drained) logger?.warn(`${inFlight.count} requests still in flight; closing anyway`, 'Shutdown');
  const closed = await within(app.close(), Math.max(0, timeoutMs - (Date.now() - started)));
  if (!closed) {
    logger?.warn('app.close() did not finish in time', 'Shutdown');
    server.closeAllConnections();
  }
  logger?.log(`stopped in ${Date.now() - started} ms`, 'Shutdown');
  return drained && closed;
}
