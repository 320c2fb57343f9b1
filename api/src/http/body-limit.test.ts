/**
 * limitBody's cheap path: a GET or HEAD (every tile and map request) must not read
 * `c.req.raw.body`, which on @hono/node-server builds a whole web Request per request.
 */
import { describe, expect, it } from 'vitest';
import { limitBody } from './body-limit.ts';

type Ctx = Parameters<typeof limitBody>[0];

/** A context whose raw request counts reads of `body`. */
function context(method: string, headers: Record<string, string> = {}) {
  let bodyReads = 0;
  const raw = {
    get body() {
      bodyReads++;
      return null;
    },
    headers: new Headers(headers),
  };
  const c = { req: { method, raw, header: (name: string) => raw.headers.get(name) ?? undefined } } as unknown as Ctx;
  return { c, reads: () => bodyReads };
}

describe('limitBody', () => {
  it('lets a GET or HEAD through without touching the request body', () => {
    for (const method of ['GET', 'HEAD']) {
      const { c, reads } = context(method, { 'content-length': '999999999' });
      expect(() => limitBody(c, 10)).not.toThrow();
      expect(reads()).toBe(0);
    }
  });

  it('still looks at the body of a POST', () => {
    const { c, reads } = context('POST');
    limitBody(c, 10);
    expect(reads()).toBe(1);
  });
});
