import type { Caller, RequestMeta } from './caller';

/**
 * What the guard in `common/` needs from features, as interfaces it owns: `common/` knows no feature. The auth
 * module provides `CALLER_RESOLVER`, the core provides `REFUSAL_RECORDER`.
 */
export interface CallerResolver {
  /**
   * The caller a session token or API key belongs to, or null. An admin session that may only enrol in two-factor
   * (`REQUIRE_MFA_FOR_ADMINS`) resolves only with `allowEnrollment` (REST; the guard then limits its routes).
   */
  resolve(token: string, options?: { allowEnrollment?: boolean }): Promise<Caller | null>;
}

export interface RefusalRecorder {
  /** Audits a refusal (`access.denied`); called outside any transaction. */
  recordDenied(
    caller: Caller,
    meta: RequestMeta,
    reason: string,
    target?: { context?: Record<string, unknown> },
  ): Promise<void>;
}

export const CALLER_RESOLVER = Symbol('CallerResolver');
export const REFUSAL_RECORDER = Symbol('RefusalRecorder');
