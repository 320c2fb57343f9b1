/**
 * One error funnel: every handler throws AppError (or lets a library error through) and
 * app.onError turns it into `{ error: { code, message, details? } }` with the right status.
 * Unknown errors become a generic 500 body: no SQL, stack or personal data leaves the process.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const notFound = (message = 'not found') => new AppError(404, 'not_found', message);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);

/** SQLSTATE classes that mean the input was wrong, not the server. */
const SQLSTATE_TO_HTTP: Record<string, [ContentfulStatusCode, string]> = {
  '22P02': [400, 'invalid_text_representation'],
  '22003': [400, 'numeric_value_out_of_range'],
  '22023': [400, 'invalid_parameter_value'],
  '23505': [409, 'unique_violation'],
  '23503': [422, 'foreign_key_violation'],
  '23514': [422, 'check_violation'],
  '23502': [422, 'not_null_violation'],
  XX000: [422, 'geometry_error'],
  '57014': [503, 'query_timeout'],
  '53300': [503, 'too_many_connections'],
  '57P01': [503, 'database_restarting'],
};

export function toHttpError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; status?: number; name?: string };
  if (typeof e?.code === 'string' && SQLSTATE_TO_HTTP[e.code]) {
    const [status, code] = SQLSTATE_TO_HTTP[e.code];
    return new AppError(status, code, code.replace(/_/g, ' '));
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'CONNECT_TIMEOUT' || e?.code === 'CONNECTION_CLOSED') {
    return new AppError(503, 'database_unavailable', 'the database is unavailable, try again shortly');
  }
  // hono's HTTPException (body limit, bad JSON) carries a status.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const status = e.status as ContentfulStatusCode;
    return new AppError(status, status === 413 ? 'payload_too_large' : 'bad_request', (err as Error).message || 'bad request');
  }
  return new AppError(500, 'internal_error', 'internal error');
}
