/**
 * Request plumbing shared by the staff API: strict JSON bodies and the caller's IP.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { z } from 'zod';
import { AppError, badRequest, unprocessable } from '../../errors.ts';

/**
 * JSON endpoints accept only `application/json` (415 otherwise). A browser cannot send that
 * content type cross-origin without a CORS preflight, which this server never grants, so
 * together with the Origin check this closes CSRF on JSON routes (ASVS 3.5.2, docs/reliability.md
 * Z12). Then the body is parsed (400) and validated by a strict schema (422): unknown fields such as
 * `approved_by` are refused, never silently written.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError(415, 'unsupported_media_type', 'send the body as application/json');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (err) {
    if ((err as { status?: number })?.status === 413) throw err;
    throw badRequest('invalid_json', 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    throw unprocessable('invalid_body', 'the body does not match the schema', details);
  }
  return parsed.data;
}

/**
 * The peer address of the TCP connection. X-Forwarded-For is not trusted: anyone can send it,
 * and a throttle keyed on it would be trivially bypassed. Behind a reverse proxy every request
 * shares the proxy's address; the per-username limit still holds there.
 */
export function clientIp(c: Context): string | null {
  try {
    const address = getConnInfo(c).remote.address;
    if (!address) return null;
    // IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address.
    return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  } catch {
    return null;
  }
}
