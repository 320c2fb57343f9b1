/**
 * Responses that are not JSON (pages, files, tiles, GeoJSON text built in SQL), for the routes
 * that keep a plain handler and register their contract with `registerPath`.
 */
import { z } from 'zod';

/** A file's bytes. */
export const binary = z.string().meta({ format: 'binary' });

/** A response body of one media type: text unless a schema says otherwise. */
export function mediaResponse(description: string, type: string, schema: z.ZodType = z.string()) {
  return { description, content: { [type]: { schema } } };
}
