/**
 * Request body caps for every route. A declared Content-Length over the cap is refused before a
 * byte is read; a chunked body is counted as it streams and fails with 413 the moment it passes
 * the cap. Nothing is buffered here (hono's bodyLimit buffers a chunked body whole, which would
 * hold a 256 MiB upload in memory), so upload routes can still stream to disk.
 */
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';

export const KIB = 1024;
export const MIB = 1024 * KIB;

/** Cap of a JSON body (and of any route not listed in ROUTE_BODY_LIMITS). @default 1 MiB */
export const DEFAULT_BODY_LIMIT = MIB;

/**
 * Routes with a cap of their own. Open311 forms carry a description of at most 2,000 characters
 * and a few short fields, so 64 KiB is generous; report photos are at most 10 MB plus multipart
 * overhead; crew photos are a raw image body; layer imports are streamed to disk.
 */
export const ROUTE_BODY_LIMITS: { pattern: RegExp; maxSize: number }[] = [
  { pattern: /^\/api\/imports$/, maxSize: 256 * MIB },
  { pattern: /^\/api\/incidents\/\d{4}\/\d{1,6}\/photos$/, maxSize: 10 * MIB + 256 * KIB },
  { pattern: /^\/api\/crew\/work-orders\/\d{1,15}\/photos$/, maxSize: 10 * MIB },
  { pattern: /^\/api\/auth\/login$/, maxSize: 8 * KIB },
  { pattern: /^\/open311\/v2\/requests(\.(json|xml))?$/, maxSize: 64 * KIB },
];

export class PayloadTooLarge extends AppError {
  constructor(maxSize: number) {
    super(413, 'payload_too_large', `the body is over ${maxSize} bytes`);
  }
}

/** True for the error a capped body raises while it is being read (to rethrow it as 413). */
export const isPayloadTooLarge = (err: unknown): boolean => err instanceof PayloadTooLarge || (err as { status?: number })?.status === 413;

/** Caps one request body at `maxSize` bytes without buffering it. */
export function limitBody(c: Parameters<MiddlewareHandler>[0], maxSize: number): void {
  // A GET or HEAD carries no body a handler can read (a web Request of those methods has none),
  // so it is let through before `c.req.raw.body` is touched: reading that makes @hono/node-server
  // build a whole web Request from the incoming message, on every map tile (bench T1, T4).
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
  const body = c.req.raw.body;
  if (!body) return;
  const length = c.req.header('content-length');
  if (length !== undefined && !c.req.raw.headers.has('transfer-encoding')) {
    if (!/^\d{1,15}$/.test(length) || Number(length) > maxSize) throw new PayloadTooLarge(maxSize);
    return;
  }
  // A pull-through stream rather than pipeThrough: on overflow it stops reading without
  // cancelling the source, so a producer still writing (a socket, a FormData encoder) is left
  // alone while the handler answers 413.
  const reader = body.getReader();
  let size = 0;
  const counted = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const { done, value } = await reader.read();
      if (done) return ctl.close();
      size += value.byteLength;
      if (size > maxSize) {
        ctl.error(new PayloadTooLarge(maxSize));
        reader.releaseLock();
        return;
      }
      ctl.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
}

/** Every route gets exactly one cap: its own from the table, else the default. */
export function bodyLimits(routes = ROUTE_BODY_LIMITS, fallback = DEFAULT_BODY_LIMIT): MiddlewareHandler {
  return async (c, next) => {
    const rule = routes.find((r) => r.pattern.test(c.req.path));
    limitBody(c, rule?.maxSize ?? fallback);
    await next();
  };
}
