/**
 * Building blocks of the per-module OpenAPI fragments (*.openapi.ts): the shared error response,
 * staff security, parameters, and request bodies derived from the zod schemas the routes
 * validate with, so the document cannot drift from what a handler accepts.
 */
import { z } from 'zod';

/** The shared `{ error: { code, message, details? } }` body of every 4xx and 5xx. */
export const errorResponse = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** Operations that need a staff session cookie. */
export const staffSession = [{ staffSession: [] }];

/** The error responses an operation may give, by status code. */
export function errors(...codes: number[]): Record<number, typeof errorResponse> {
  return Object.fromEntries(codes.map((c) => [c, errorResponse]));
}

/** A response with a body of one media type (JSON unless told), optionally with its schema. */
export function body(description: string, type = 'application/json', schema?: object) {
  return { description, content: { [type]: schema ? { schema } : {} } };
}

/** A JSON Schema of what a zod schema accepts as input (refinements are not representable: the 422 covers them). */
export function fromZod(schema: z.ZodType): object {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

/** A required JSON request body validated by `schema`. */
export function jsonBody(schema: z.ZodType) {
  return { required: true, content: { 'application/json': { schema: fromZod(schema) } } };
}

/** A path parameter. */
export function inPath(name: string, schema: object = { type: 'integer', minimum: 1 }, description?: string) {
  return { name, in: 'path', required: true, schema, ...(description ? { description } : {}) };
}

/** A query parameter (optional unless told). */
export function inQuery(name: string, schema: object, description?: string, required = false) {
  return { name, in: 'query', required, schema, ...(description ? { description } : {}) };
}
