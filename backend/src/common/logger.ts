import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import pino, { type Logger } from 'pino';
import type { TandemRequest } from './access.decorator';
import { loadConfig } from '../config';

/**
 * Structured JSON logs (one object per line on stdout): `LOG_LEVEL` (default `info`; `silent` turns them off).
 * Every line carries the node id, so the logs of a cluster can be merged.
 */
export function createLogger(config = loadConfig()): Logger {
  return pino({
    level: config.logLevel,
    base: { node: config.nodeId },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** Nest's own messages (bootstrap, errors from the exception filter) through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/** Probes would drown the log: they are logged at debug level only. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$|\?)/;

/**
 * One line per request once it is answered: request id (the `X-Request-Id` the client sees, also stored in the
 * audit entry), method, URL, status, duration and the caller. Runs after `requestMeta`.
 */
export function requestLogger(logger: Logger, options: { atInfo?: boolean } = {}) {
  return (req: TandemRequest, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const status = res.statusCode;
      // Unless asked for (LOG_REQUESTS=1), request lines are debug: they must not scroll the start-up box away.
      const level = status >= 500 ? 'error' : !options.atInfo || QUIET_PATHS.test(req.originalUrl) ? 'debug' : 'info';
      logger[level](
        {
          reqId: req.meta?.requestId,
          method: req.method,
          url: req.originalUrl,
          status,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          caller: req.caller ? `${req.caller.type}:${req.caller.id}` : undefined,
          ip: req.meta?.ip,
        },
        'request',
      );
    });
    next();
  };
}
