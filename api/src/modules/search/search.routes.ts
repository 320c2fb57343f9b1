/**
 * GET /api/search?q=&limit= : find a street, a named place or a district by name, for the
 * public and the staff maps. Public data only (see search.sql.ts); cacheable.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { searchPlaces } from './search.sql.ts';

const MAX_LIMIT = 20;

export function searchRoutes({ sql }: AppDeps) {
  const app = new Hono();
  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').trim();
    if (q.length < 2 || q.length > 100) throw badRequest('invalid_query', 'q must be 2 to 100 characters');
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 8 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw badRequest('invalid_limit', 'limit must be a positive integer');
    const rows = await searchPlaces(sql, q, Math.min(limit, MAX_LIMIT));
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({
      query: q,
      results: rows.map((r) => ({
        kind: r.kind,
        name: { el: r.name_el, en: r.name_en ?? r.name_el },
        layer: r.layer_id === null ? null : { id: r.layer_id, name: { el: r.layer_el, en: r.layer_en } },
        center: [r.lon, r.lat],
        bbox: r.bbox,
        score: r.score,
      })),
    });
  });
  return app;
}
