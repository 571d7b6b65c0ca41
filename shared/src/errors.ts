/** Every error body (DESIGN 8). `code` is a machine-readable reason; a 409 carries `current`. */
export interface FieldError {
  field: string;
  errors: string[];
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: FieldError[] | Record<string, unknown>;
  current?: unknown;
}
