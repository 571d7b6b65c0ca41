import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@tandem/shared';
import type { Request } from 'express';
import type { Caller, RequestMeta } from './caller';

export interface AccessRule {
  /** Least human role allowed; omit for a route only agents (or nobody human) may call. */
  role?: Role;
  /** Whether agents may call the route (services then check the workflow is assigned to them). */
  agents?: boolean;
}

export const ACCESS_KEY = 'tandem:access';
export const PUBLIC_KEY = 'tandem:public';
export const ENROLLMENT_KEY = 'tandem:mfa-enrollment';

/** Declares who may call a route. Every non-public route has one; the guard refuses the rest. */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS_KEY, rule);
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** A route an admin who must enrol in two-factor (`REQUIRE_MFA_FOR_ADMINS`) may call before enrolling. */
export const AllowDuringMfaEnrollment = () => SetMetadata(ENROLLMENT_KEY, true);

export interface TandemRequest extends Request {
  caller?: Caller;
  meta: RequestMeta;
}

export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<TandemRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a public route');
  return caller;
});

export const Meta = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestMeta => context.switchToHttp().getRequest<TandemRequest>().meta,
);
