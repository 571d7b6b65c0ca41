import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import {
  NotNullConstraintViolationException,
  OptimisticLockError,
  UniqueConstraintViolationException,
  ValidationError as OrmValidationError,
} from '@mikro-orm/core';
import type { ErrorBody } from '@tandem/shared';
import type { Response } from 'express';
import { AppError, ErrorCode } from './app-error';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
};

/** PostgreSQL class 22 "data exception": out-of-range numbers and dates, bad encodings, malformed text. */
function isDataException(error: unknown): boolean {
  const state =
    (error as { sqlState?: string; code?: string } | null)?.sqlState ?? (error as { code?: string } | null)?.code;
  return typeof state === 'string' && /^22[0-9A-Z]{3}$/.test(state);
}

/** Connection-level failures: the database went away mid-request. The client may retry. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    /Connection terminated|terminating connection|Client has encountered a connection error/i.test(message)
  );
}

/** Maps every error to DESIGN 8's body: `{statusCode, error, message, code, details?, current?}`. */
export function toErrorBody(exception: unknown): ErrorBody {
  const body = (status: number, code: ErrorCode | string, message: string, extra: Partial<ErrorBody> = {}) => ({
    statusCode: status,
    error: REASONS[status] ?? 'Error',
    message,
    code,
    ...extra,
  });
  if (exception instanceof AppError) {
    // Headers go on the response (see the filter below), not into the body.
    const extra = { ...exception.extra };
    delete extra.headers;
    return body(exception.status, exception.code, exception.message, extra);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
    return body(status, CODE_BY_STATUS[status] ?? ErrorCode.BadRequest, message);
  }
  const parserType = (exception as { type?: string } | null)?.type;
  if (parserType === 'entity.too.large') {
    return body(413, ErrorCode.PayloadTooLarge, 'Request body exceeds the 1 MiB limit');
  }
  if (parserType === 'entity.parse.failed') {
    return body(400, ErrorCode.BadRequest, 'Request body is not valid JSON');
  }
  if (exception instanceof OptimisticLockError) {
    return body(409, ErrorCode.VersionConflict, 'The row was changed by someone else; reload and retry');
  }
  if (exception instanceof UniqueConstraintViolationException) {
    return body(409, ErrorCode.Conflict, 'A row with the same unique value already exists');
  }
  if (exception instanceof NotNullConstraintViolationException || exception instanceof OrmValidationError) {
    // A null sent for a field that must have a value (`@IsOptional` lets null through to the entity).
    return body(400, ErrorCode.BadRequest, 'A required value is missing or null');
  }
  if (isDataException(exception)) {
    // A value the database cannot hold slipped past validation: still the client's input, so 400 (not 500).
    return body(400, ErrorCode.BadRequest, 'A value in the request cannot be stored (out of range or malformed)');
  }
  if (isUnavailable(exception)) {
    return body(503, ErrorCode.Unavailable, 'The database is unavailable; retry shortly');
  }
  return body(500, ErrorCode.Internal, 'Internal server error');
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (response.headersSent) {
      response.end();
      return;
    }
    if (exception instanceof AppError) {
      for (const [name, value] of Object.entries(exception.extra.headers ?? {})) response.setHeader(name, value);
    }
    response.status(body.statusCode).json(body);
  }
}
