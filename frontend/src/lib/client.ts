import { TandemClient, TandemApiError } from '@tandem/shared';

/**
 * The one TandemClient of the page. Same origin as the backend (it serves this app), so no token is kept in
 * the page: the httpOnly session cookie authenticates both REST and the socket.
 */
let client: TandemClient | undefined;

export function getClient(): TandemClient {
  client ??= new TandemClient({ baseUrl: '' });
  return client;
}

/** A message a person can read, for any error a call may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof TandemApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isConflict(error: unknown): error is TandemApiError {
  return error instanceof TandemApiError && error.status === 409;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TandemApiError && error.status === 401;
}
