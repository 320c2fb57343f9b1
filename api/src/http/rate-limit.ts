/**
 * Per-client token buckets for the public GETs that cost the database most: clusters over a
 * large box, statistics over a long range, deep Open311 pages. Each request spends tokens by its
 * cost and a client out of tokens gets 429 with Retry-After. Buckets are
 * per process: with N API instances a client gets N times the budget, which still bounds it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { clientIp } from './client-ip.ts';

export interface BucketOptions {
  /** Tokens a client may spend at once. @default 60 */
  capacity: number;
  /** Tokens returned per second. @default 1 */
  refillPerSecond: number;
}

/** A route family and what one request to it costs (0 = not limited). */
export interface HeavyRoute {
  pattern: RegExp;
  cost: (c: Context) => number;
}

const num = (c: Context, name: string) => {
  const v = Number(c.req.query(name));
  return Number.isFinite(v) ? v : null;
};

/** Area of a `bbox=w,s,e,n` query in square degrees (the municipality is ~0.01). */
function bboxArea(c: Context): number {
  const parts = (c.req.query('bbox') ?? '').split(',').map(Number);
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) return 0;
  return Math.abs((parts[2]! - parts[0]!) * (parts[3]! - parts[1]!));
}

/**
 * The heavy public reads. Costs grow with the work asked for and are 0 at the size a person
 * uses (a city-sized box, a quarter of statistics, the first five Open311 pages), so a map user
 * never meets the limit while a script asking for the world or for decades soon does.
 */
export const HEAVY_ROUTES: HeavyRoute[] = [
  { pattern: /^\/api\/public\/incidents(\/clusters)?$/, cost: (c) => Math.min(20, Math.floor(bboxArea(c) / 0.05)) },
  {
    pattern: /^\/api\/public\/stats(\.csv)?$/,
    cost: (c) => {
      const from = Date.parse(c.req.query('from') ?? '');
      const to = c.req.query('to') ? Date.parse(c.req.query('to')!) : Date.now();
      const years = Number.isFinite(from) && Number.isFinite(to) ? Math.max(0, to - from) / (365 * 86_400_000) : 0.25;
      return Math.min(20, Math.floor(years * 4));
    },
  },
  { pattern: /^\/open311\/v2\/requests(\.(json|xml))?$/, cost: (c) => Math.min(20, Math.floor(((num(c, 'page') ?? 1) - 1) / 5)) },
];

export class TooManyRequests extends AppError {
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super(429, 'rate_limited', `too many requests; try again in ${retryAfter} s`);
    this.retryAfter = retryAfter;
  }
}

/** Token buckets keyed by client address; idle full buckets are dropped so memory stays bounded. */
export function createBuckets(o: BucketOptions = { capacity: 60, refillPerSecond: 1 }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = Date.now();
  return {
    /** Spends `cost` tokens for `key`; returns 0 when allowed, else seconds to wait. */
    spend(key: string, cost: number, now = Date.now()): number {
      if (now - lastSweep > 60_000) {
        for (const [k, b] of buckets) if (b.tokens + ((now - b.at) / 1000) * o.refillPerSecond >= o.capacity) buckets.delete(k);
        lastSweep = now;
      }
      const b = buckets.get(key) ?? { tokens: o.capacity, at: now };
      b.tokens = Math.min(o.capacity, b.tokens + ((now - b.at) / 1000) * o.refillPerSecond);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return 0;
      }
      return Math.max(1, Math.ceil((cost - b.tokens) / o.refillPerSecond));
    },
  };
}

/** Limits the GETs of `routes` per client address (TRUST_PROXY-aware, client-ip.ts). */
export function heavyGetLimit(routes = HEAVY_ROUTES, o?: BucketOptions): MiddlewareHandler {
  const buckets = createBuckets(o);
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const route = routes.find((r) => r.pattern.test(c.req.path));
      const cost = route ? route.cost(c) : 0;
      if (cost > 0) {
        const wait = buckets.spend(clientIp(c) ?? 'unknown', cost);
        if (wait > 0) {
          c.header('Retry-After', String(wait));
          throw new TooManyRequests(wait);
        }
      }
    }
    await next();
  };
}
