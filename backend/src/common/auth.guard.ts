import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAtLeast } from '@tandem/shared';
import { CALLER_RESOLVER, REFUSAL_RECORDER, type CallerResolver, type RefusalRecorder } from './auth-ports';
import { ACCESS_KEY, PUBLIC_KEY, type AccessRule, type TandemRequest } from './access.decorator';
import { AppError, ErrorCode } from './app-error';

export const SESSION_COOKIE = 'tandem_session';

/** Reads the caller's token from `Authorization: Bearer`, or the session cookie. */
export function tokenFrom(authorization: string | undefined, cookies: Record<string, string> | undefined) {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? cookies?.[SESSION_COOKIE] ?? null;
}

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
    const token = tokenFrom(req.header('authorization'), req.cookies as Record<string, string> | undefined);
    const caller = token ? await this.auth.resolve(token) : null;
    if (!caller) throw new AppError(ErrorCode.Unauthorized, 'Sign in or send a valid API key');
    req.caller = caller;
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
