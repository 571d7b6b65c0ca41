import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a browser page at `Origin` may use the session cookie: the app's own origin (the host the request was
 * sent to) or one listed in CORS_ORIGINS. A request without Origin is not from a browser page (no CSRF risk).
 */
export function originAllowed(headers: IncomingHttpHeaders, corsOrigins: readonly string[]): boolean {
  const origin = headers.origin;
  if (!origin) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host && host === headers.host) return true;
  return corsOrigins.includes(origin.replace(/\/+$/, ''));
}
