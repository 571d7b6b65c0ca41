import { AppError, ErrorCode } from '../common/app-error';
import type { Caller, RequestMeta } from '../common/caller';
import type { AuditDraft } from './audit.service';

/**
 * A 403 that must be audited (`access.denied`). Services throw it instead of writing the entry themselves: the
 * entry is appended after the request's transaction rolled back (by `WritePath.run`, or by the
 * `RefusalInterceptor` for reads), so a refusal never needs a second connection while the first holds row locks.
 */
export class AuditedRefusal extends AppError {
  recorded = false;

  constructor(
    readonly caller: Caller,
    readonly meta: RequestMeta,
    readonly reason: string,
    readonly target: Partial<AuditDraft>,
    message: string,
  ) {
    super(ErrorCode.Forbidden, message);
  }
}
