/**
 * Every module's routes are an OpenAPIHono router: a route declared with `defineRoute` carries
 * its contract (parameters, body and response schemas, security), hono validates requests
 * against it, and /openapi.json is generated from the same declarations (api/src/openapi.ts),
 * so the document cannot drift from what a handler accepts and answers.
 */
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Env, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { badRequest, unprocessable } from '../errors.ts';
import { mediaResponse } from './media.ts';
import { readJsonBody } from './request.ts';

type Issue = z.core.$ZodIssue;
const issueList = (issues: readonly Issue[]) => issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));

/**
 * A request that does not match its route's schema: the body is 422 `invalid_body` (as
 * `readJson` answers), a path parameter 400 `invalid_id`, the query string 400
 * `invalid_query`, each naming the parameters and giving the first issues as details. A route
 * whose clients know a more specific code passes its own hook to `openapi()`.
 */
export function rejectInvalid(result: { target: string; success: boolean; error?: { issues: readonly Issue[] } }): void {
  if (result.success || !result.error) return;
  const details = issueList(result.error.issues);
  if (result.target === 'json') throw unprocessable('invalid_body', 'the body does not match the schema', details);
  const names = [...new Set(details.map((d) => d.path || result.target))].join(', ');
  if (result.target === 'param') throw badRequest('invalid_id', `${names} must be a positive integer`, details);
  throw badRequest('invalid_query', `${names} is not valid`, details);
}

/** A module's router. */
export function createRouter<E extends Env = Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: rejectInvalid });
}

/**
 * JSON bodies stay strict before the schema runs: only `application/json` (415), parse errors
 * 400 `invalid_json`, a body over the route's limit the 413 the limit raised (http/request.ts).
 * The text is cached by hono, so the validator that follows does not read the stream again.
 */
const strictJson: MiddlewareHandler = async (c, next) => {
  await readJsonBody(c);
  await next();
};

/**
 * `createRoute`, with the strict JSON gate in front of a route that takes a JSON body. Route
 * middleware (a staff check) runs before validation, so a signed-out caller learns nothing of
 * the schema.
 */
export function defineRoute<R extends RouteConfig>(config: R): R {
  const json = (config.request?.body?.content as Record<string, unknown> | undefined)?.['application/json'];
  if (!json) return createRoute(config);
  const own = config.middleware ? (Array.isArray(config.middleware) ? config.middleware : [config.middleware]) : [];
  return createRoute({ ...config, middleware: [...own, strictJson] }) as R;
}

/** The shared `{ error: { code, message, details? } }` body of every 4xx and 5xx. */
const errorResponse = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } as const;

/** The error responses an operation may give, by status code. */
export function errorResponses<C extends number>(...codes: C[]): Record<C, typeof errorResponse> {
  return Object.fromEntries(codes.map((c) => [c, errorResponse])) as Record<C, typeof errorResponse>;
}

/** A JSON response with its schema. */
export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return mediaResponse(description, 'application/json', schema);
}

/** A required JSON request body validated by `schema`. */
export function jsonRequest<S extends z.ZodType>(schema: S, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

/** Operations that need a staff session cookie. */
export const staffSession = [{ staffSession: [] }];
