import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../../common/auth.guard';
import { loadConfig } from '../../config';

/**
 * The browser's session: httpOnly, SameSite=Lax, and Secure whenever the request came over HTTPS (`req.secure`
 * believes X-Forwarded-Proto only from the proxies in TRUST_PROXY) or COOKIE_SECURE=1 says so.
 */
export function setSessionCookie(req: Request, res: Response, token: string): void {
  const config = loadConfig();
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure || req.secure,
    path: '/',
    maxAge: config.sessionTtlHours * 3_600_000,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: loadConfig().cookieSecure || req.secure,
  });
}
