import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import pino, { type DestinationStream } from 'pino';
import type { TandemRequest } from './access.decorator';
import { loadConfig } from '../config';

/** Probes would drown the log: they are logged at debug level only. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$|\?)/;

/**
 * Structured JSON logs through `nestjs-pino` (one object per line on stdout, or `destination`): `LOG_LEVEL`
 * (default `info`; `silent` turns them off). Every line carries the node id, so the logs of a cluster can be merged;
 * every line written while a request is handled (Nest's `Logger` in any service included) carries its `reqId`: the
 * `X-Request-Id` the client sees and the audit entry stores (set by `requestMeta`, which runs first). One line per
 * request once it is answered: method, URL, status, duration and the caller.
 */
export function loggerModule(destination?: DestinationStream) {
  const config = loadConfig();
  const pinoHttp: Options = {
    level: config.logLevel,
    base: { node: config.nodeId },
    timestamp: pino.stdTimeFunctions.isoTime,
    genReqId: (req) => (req as unknown as TandemRequest).meta.requestId ?? '',
    // Service lines carry only the request id; the request's own line carries the rest.
    quietReqLogger: true,
    customAttributeKeys: { responseTime: 'ms' },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customProps: (req: IncomingMessage) => {
      const { caller, meta } = req as unknown as TandemRequest;
      return { caller: caller ? `${caller.type}:${caller.id}` : undefined, ip: meta?.ip };
    },
    // Unless asked for (LOG_REQUESTS=1), request lines are debug: they must not scroll the start-up box away.
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500
        ? 'error'
        : !config.logRequests || QUIET_PATHS.test((req as unknown as TandemRequest).originalUrl)
          ? 'debug'
          : 'info',
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  };
  return LoggerModule.forRoot({ pinoHttp: destination ? [pinoHttp, destination] : pinoHttp });
}
