/** Request helpers of the incidents and Open311 routes (device and idempotency keys, query lists). */
import type { Context } from 'hono';
import { badRequest } from '../../errors.ts';
import { RateLimited } from './incidents.service.ts';

/** Optional `X-Device-Id` (a random id the app keeps): a second rate-limit and support key. */
export function deviceId(c: Context): string | undefined {
  const d = c.req.header('x-device-id');
  if (d === undefined || d === '') return undefined;
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(d)) throw badRequest('invalid_device_id', 'X-Device-Id must be 8-128 characters of A-Z a-z 0-9 _ -');
  return d;
}

export function idempotencyKey(c: Context): string | undefined {
  const k = c.req.header('idempotency-key');
  if (k === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,200}$/.test(k)) throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 8-200 visible ASCII characters');
  return k;
}

/** Lets a 429 carry Retry-After through the shared error funnel. */
export async function withRetryAfter<T>(c: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RateLimited) c.header('Retry-After', String(err.retryAfter));
    throw err;
  }
}

/** A finite number from a query parameter, or a 400 naming it. */
export function queryNumber(c: Context, name: string): number {
  const v = c.req.query(name);
  if (v === undefined || !/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(v)) throw badRequest('invalid_parameter', `${name} must be a number`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest('invalid_parameter', `${name} must be finite`);
  return n;
}

/** Comma list of ids from a query parameter, each checked against a pattern. */
export function queryList(c: Context, name: string, pattern: RegExp, max = 50): string[] | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length > max || !items.every((s) => pattern.test(s))) throw badRequest('invalid_parameter', `${name} must be a comma list of ids`);
  return items;
}
