import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAtLeast } from '@tandem/shared';
import { CALLER_RESOLVER, REFUSAL_RECORDER, type CallerResolver, type RefusalRecorder } from './auth-ports';
import { ACCESS_KEY, ENROLLMENT_KEY, PUBLIC_KEY, type AccessRule, type TandemRequest } from './access.decorator';
import { AppError, ErrorCode } from './app-error';

export const SESSION_COOKIE = 'tandem_session';

/** Reads the caller's token from `Authorization: Bearer`, or the session cookie. */
export function tokenFrom(authorization: string | undefined, cookies: Record<string, string> | undefined) {
  return credentialFrom(authorization, cookies)?.token ?? null;
}

function credentialFrom(authorization: string | undefined, cookies: Record<string, string> | undefined) {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return { token: bearer, viaCookie: false };
  const cookie = cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, viaCookie: true } : null;
}

/** The header the app's own pages send on every call (shared/ `CSRF_HEADER`); other sites' pages cannot. */
const CSRF_HEADER = 'x-tandem-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route: who is asking (401 if nobody), and may they (403, audited). Routes declare their rule with
 * `@Access`; a route without one is refused, so nothing is open by omission.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CALLER_RESOLVER) private readonly auth: CallerResolver,
    @Inject(REFUSAL_RECORDER) private readonly audit: RefusalRecorder,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<TandemRequest>();
    const credential = credentialFrom(req.header('authorization'), req.cookies as Record<string, string> | undefined);
    const caller = credential ? await this.auth.resolve(credential.token, { allowEnrollment: true }) : null;
    if (!caller) throw new AppError(ErrorCode.Unauthorized, 'Sign in or send a valid API key');
    req.caller = caller;
    // CSRF: a cookie rides along on cross-site requests, a custom header does not. Bearer callers are unaffected.
    if (credential?.viaCookie && !SAFE_METHODS.has(req.method) && req.header(CSRF_HEADER) !== '1') {
      await this.audit.recordDenied(caller, req.meta, `${req.method} ${req.path} without ${CSRF_HEADER}`, {
        context: { method: req.method, path: req.originalUrl, csrf: true },
      });
      throw new AppError(ErrorCode.Csrf, `Cookie-authenticated changes need the header ${CSRF_HEADER}: 1`);
    }
    if (
      caller.type === 'human' &&
      caller.mfaEnrollmentRequired &&
      !this.reflector.getAllAndOverride<boolean>(ENROLLMENT_KEY, targets)
    ) {
      throw new AppError(
        ErrorCode.MfaEnrollmentRequired,
        'Admins must turn on two-factor sign-in first: POST /api/auth/mfa/setup, then POST /api/auth/mfa/enable',
      );
    }
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, targets);
    const allowed =
      rule !== undefined &&
      (caller.type === 'agent'
        ? rule.agents === true
        : caller.type === 'human' && !!rule.role && roleAtLeast(caller.role, rule.role));
    if (!allowed) {
      const needed = caller.type === 'agent' ? 'a human account' : `role ${rule?.role ?? 'none'}`;
      await this.audit.recordDenied(
        caller,
        req.meta,
        `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path} needs ${needed}`,
        {
          context: { method: req.method, path: req.originalUrl },
        },
      );
      throw new AppError(ErrorCode.Forbidden, `This needs ${needed}`);
    }
    return true;
  }
}
