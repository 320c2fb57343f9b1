/**
 * Request plumbing every module shares: strict JSON bodies and path ids.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, badRequest, unprocessable } from '../errors.ts';

/**
 * JSON endpoints accept only `application/json` (415 otherwise). A browser cannot send that
 * content type cross-origin without a CORS preflight, which this server never grants, so
 * together with the Origin check this closes CSRF on JSON routes (ASVS 3.5.2). Parse errors are
 * 400; a body over the route's limit stays the 413 the limit raised.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError(415, 'unsupported_media_type', 'send the body as application/json');
  let text: string;
  try {
    text = await c.req.text();
  } catch (err) {
    if ((err as { status?: number })?.status === 413) throw err;
    throw badRequest('invalid_json', 'the body cannot be read');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'the body is not valid JSON');
  }
}

/**
 * A JSON body validated by a strict schema (422): unknown fields such as `approved_by` are
 * refused, never silently written.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJsonBody(c));
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    throw unprocessable('invalid_body', 'the body does not match the schema', details);
  }
  return parsed.data;
}

/** A positive integer id from a path or query parameter, or 400 `invalid_id` naming it. */
export function parseId(text: string | undefined, name = 'id'): number {
  if (text === undefined || !/^\d{1,15}$/.test(text) || Number(text) < 1) throw badRequest('invalid_id', `${name} must be a positive integer`);
  return Number(text);
}
