import type { ErrorBody } from '../errors.js';

/** A non-2xx answer from the API, carrying DESIGN 8's error body (a 409 carries `current`). */
export class TandemApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'TandemApiError';
    this.status = status;
    this.body = body;
  }

  get code(): string {
    return this.body.code;
  }

  /** The current entity sent with a 409 (stale version, already decided, ...). */
  get current(): unknown {
    return this.body.current;
  }

  /** Builds the error from a failed response; a body that is not JSON (a proxy's page) still gives an ErrorBody. */
  static async from(response: Response): Promise<TandemApiError> {
    const text = await response.text();
    let body: ErrorBody;
    try {
      body = JSON.parse(text) as ErrorBody;
      if (typeof body !== 'object' || body === null || typeof body.message !== 'string') throw new Error('no body');
    } catch {
      body = {
        statusCode: response.status,
        error: response.statusText || 'Error',
        message: text.slice(0, 500) || `HTTP ${response.status}`,
        code: 'http_error',
      };
    }
    return new TandemApiError(response.status, body);
  }
}
