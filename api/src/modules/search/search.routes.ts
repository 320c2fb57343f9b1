/**
 * GET /api/search?q=&limit= : find a street, a named place or a district by name, for the
 * public and the staff maps. Public data only (see search.sql.ts); cacheable.
 */
import { SEARCH_MAX_LIMIT, SearchQuerySchema, SearchResponseSchema } from '../../../../lib/search.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse } from '../../http/router.ts';
import { searchPlaces } from './search.sql.ts';

const search = defineRoute({
  method: 'get',
  path: '/search',
  summary: 'Streets, named places and districts of the municipality matching a text, typo-tolerant in Greek, Latin and Greeklish',
  tags: ['maps'],
  request: { query: SearchQuerySchema },
  responses: { 200: jsonResponse(SearchResponseSchema, 'the best matches, best first'), ...errorResponses(400) },
});

export function searchRoutes({ sql }: AppDeps) {
  const app = createRouter();
  app.openapi(search, async (c) => {
    const { q, limit } = c.req.valid('query');
    const rows = await searchPlaces(sql, q, Math.min(limit ?? 8, SEARCH_MAX_LIMIT));
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(
      {
        query: q,
        results: rows.map((r) => ({
          kind: r.kind,
          name: { el: r.name_el, en: r.name_en ?? r.name_el },
          layer: r.layer_id === null ? null : { id: r.layer_id, name: { el: r.layer_el ?? r.layer_id, en: r.layer_en ?? r.layer_el ?? r.layer_id } },
          center: [r.lon, r.lat] as [number, number],
          bbox: r.bbox,
          score: r.score,
        })),
      },
      200,
    );
  });
  return app;
}
