/**
 * Responses that are not JSON (pages, files, tiles, GeoJSON text built in SQL), for the routes
 * that keep a plain handler and register their contract with `registerPath`.
 */
import { z } from 'zod';

/** A file's bytes. */
export const binary = z.string().meta({ format: 'binary' });

/** A response body of one media type: text unless a schema says otherwise. */
export function mediaResponse<T extends string, S extends z.ZodType = z.ZodString>(description: string, type: T, schema?: S) {
  return { description, content: { [type]: { schema: schema ?? z.string() } } as Record<T, { schema: S }> };
}

/** A Buffer as a response body without a copy: a byte view on the Buffer's own memory. */
export function bufferBody(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}
