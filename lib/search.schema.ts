/**
 * The contract of GET /api/search: the server validates and documents with these schemas and the
 * web's place search is typed by them.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

export const SEARCH_MAX_LIMIT = 20;

export const SearchQuerySchema = z.object({
  q: z.string().trim().min(2).max(100).meta({ description: 'what to look for: a street, place or district name, in Greek, Latin or Greeklish' }),
  limit: z.coerce.number().int().min(1).optional().meta({ description: `how many results, default 8, capped at ${SEARCH_MAX_LIMIT}` }),
});

export const PlaceResultSchema = z.object({
  kind: z.enum(['street', 'place', 'district']),
  name: NamesSchema,
  layer: z.object({ id: z.string(), name: NamesSchema }).nullable(),
  center: z.tuple([z.number(), z.number()]).meta({ description: '[lon, lat]' }),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  score: z.number(),
});
export type PlaceResult = z.infer<typeof PlaceResultSchema>;

export const SearchResponseSchema = z.object({ query: z.string(), results: z.array(PlaceResultSchema) });
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
