import { randomUUID } from 'node:crypto';
import type { NextFunction, Response } from 'express';
import type { TandemRequest } from './access.decorator';

/** Gives every request an id (echoed as `X-Request-Id`) and records ip and user agent for the audit log. */
export function requestMeta(req: TandemRequest, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  req.meta = { requestId, ip: req.ip ?? req.socket.remoteAddress ?? null, userAgent: req.header('user-agent') ?? null };
  next();
}
