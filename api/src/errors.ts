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
  '57014': [503, 'query_timeout'],
  '55P03': [503, 'lock_timeout'],
  '25P03': [503, 'transaction_timeout'],
  '40P01': [503, 'deadlock_detected'],
  '40001': [503, 'serialization_failure'],
  '53300': [503, 'too_many_connections'],
  '57P01': [503, 'database_restarting'],
  '57P02': [503, 'database_restarting'],
  '57P03': [503, 'database_starting'],
};

/** postgres.js and socket errors meaning the database cannot be reached right now. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/** PostGIS raises its geometry errors as XX000 (internal_error); only those are the caller's fault. */
const GEOMETRY_MESSAGE = /geometr|GEOS|lwgeom|polygon|ring|coordinate|self-intersection|SRID|ST_/i;

export function toHttpError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; status?: number; name?: string };
  if (typeof e?.code === 'string' && SQLSTATE_TO_HTTP[e.code]) {
    const [status, code] = SQLSTATE_TO_HTTP[e.code];
    return new AppError(status, code, code.replace(/_/g, ' '));
  }
  // Class 08 (connection exception) and socket errors: the client may retry, nothing was done.
  if (typeof e?.code === 'string' && (CONNECTION_ERRORS.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) {
    return new AppError(503, 'database_unavailable', 'the database is unavailable, try again shortly');
  }
  if (e?.code === 'XX000' && GEOMETRY_MESSAGE.test(String((err as Error)?.message ?? ''))) return new AppError(422, 'geometry_error', 'geometry error');
  // hono's HTTPException (body limit, bad JSON) carries a status.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const status = e.status as ContentfulStatusCode;
    return new AppError(status, status === 413 ? 'payload_too_large' : 'bad_request', (err as Error).message || 'bad request');
  }
  return new AppError(500, 'internal_error', 'internal error');
}
