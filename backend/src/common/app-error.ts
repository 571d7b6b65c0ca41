import type { FieldError } from '@tandem/shared';

/** Machine-readable reasons carried in every error body's `code` (DESIGN 8). */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  /** A cookie-authenticated mutation without the `X-Tandem-CSRF` header. */
  Csrf = 'csrf',
  /** The current password given to a self-service change (or to remove two-factor) is wrong. */
  WrongPassword = 'wrong_password',
  /** A two-factor code (TOTP or recovery) or challenge that is wrong, used, or expired. */
  InvalidMfaCode = 'invalid_mfa_code',
  /** `REQUIRE_MFA_FOR_ADMINS`: this admin session may only enrol in two-factor. */
  MfaEnrollmentRequired = 'mfa_enrollment_required',
  NotFound = 'not_found',
  VersionConflict = 'version_conflict',
  AlreadyDecided = 'already_decided',
  StaleRevision = 'stale_revision',
  Conflict = 'conflict',
  NotApplicable = 'not_applicable',
  WipLimit = 'wip_limit',
  Claimed = 'claimed',
  /** The decision is not one this suggestion's kind (or an interrupt's config) allows. */
  DecisionNotAllowed = 'decision_not_allowed',
  /** A webhook target on a loopback or private address (allowed only with WEBHOOK_ALLOW_PRIVATE=1). */
  PrivateAddress = 'private_address',
  PayloadTooLarge = 'payload_too_large',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
  Internal = 'internal',
}

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Csrf]: 403,
  [ErrorCode.WrongPassword]: 403,
  [ErrorCode.InvalidMfaCode]: 401,
  [ErrorCode.MfaEnrollmentRequired]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.VersionConflict]: 409,
  [ErrorCode.AlreadyDecided]: 409,
  [ErrorCode.StaleRevision]: 409,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.NotApplicable]: 409,
  [ErrorCode.WipLimit]: 409,
  [ErrorCode.Claimed]: 409,
  [ErrorCode.DecisionNotAllowed]: 400,
  [ErrorCode.PrivateAddress]: 400,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/** The one exception type services throw; the global filter turns it into DESIGN 8's body. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      details?: FieldError[] | Record<string, unknown>;
      current?: unknown;
      /** Response headers that go with the error (e.g. `Retry-After`); not part of the body. */
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }

  static notFound(what: string, id?: string): AppError {
    return new AppError(ErrorCode.NotFound, id ? `${what} ${id} not found` : `${what} not found`);
  }

  static badRequest(message: string, details?: Record<string, unknown>): AppError {
    return new AppError(ErrorCode.BadRequest, message, { details });
  }

  static versionConflict(what: string, current: unknown): AppError {
    return new AppError(ErrorCode.VersionConflict, `${what} was changed by someone else; reload and retry`, {
      current,
    });
  }
}
