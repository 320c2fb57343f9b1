/**
 * GET /api/triage/incidents.columns: every report the caller may see as the binary column
 * snapshot of lib/staff-incident-columns.ts, what the control room's map loads at start (the
 * GeoJSON of /api/triage/incidents.geojson stays for other clients). Compressed once per snapshot
 * (brotli or gzip, as accepted) and shared by every caller of the same scope and filter for
 * SNAPSHOT_TTL_MS; `X-Feed-Id` (also in the snapshot's header) is the staff feed position it
 * includes, for resuming /api/triage/stream; ETag answers a reload with 304.
 *
 * Staff only; the caller's RowScope is applied in SQL (another department's reports are not
 * read at all). Optional filters narrow the rows: status (or `open` / `closed`), priority,
 * category, department, district.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Context } from 'hono';
import { z } from 'zod';
import { COLUMNS_MEDIA_TYPE, encodeStaffIncidentColumns } from '../../../../lib/staff-incident-columns.ts';
import { INCIDENT_STATUSES, OPEN_STATUSES } from '../../../../lib/incidents.schema.ts';
import { ColumnsQuerySchema, PRIORITIES } from '../../../../lib/triage.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { createRouter, errorResponses, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { rowScope, scopeKey } from '../auth/authz.ts';
import { staffIncidentColumnRows, type ColumnFilter } from './triage-columns.sql.ts';
import { unchanged } from './triage.map.routes.ts';
import { lastStaffFeedId } from './triage.sql.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
/** As the GeoJSON snapshot: the stream (resumed from X-Feed-Id) carries what follows. */
const SNAPSHOT_TTL_MS = 5_000;
const CODE = /^[a-z][a-z0-9_]{1,62}$/;
const DISTRICT = /^[A-Za-z0-9_.-]{1,40}$/;
const FILTERS = ['status', 'priority', 'category', 'department', 'district'] as const;

interface Snapshot {
  raw: Uint8Array;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  feedId: number;
  count: number;
}

function values(c: Context, name: string, ok: (s: string) => boolean, expected: string): string[] | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  const items = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))].sort();
  if (items.length > 50) throw badRequest('invalid_parameter', `${name}: at most 50 values`);
  const bad = items.find((s) => !ok(s));
  if (bad !== undefined) throw badRequest('invalid_parameter', `${name}: ${JSON.stringify(bad.slice(0, 40))} is not ${expected}`);
  return items;
}

function columnFilter(c: Context): ColumnFilter {
  const known = new Set<string>(FILTERS);
  const unknown = Object.keys(c.req.queries()).find((k) => !known.has(k));
  if (unknown) throw badRequest('invalid_parameter', `unknown parameter ${JSON.stringify(unknown.slice(0, 40))} (one of ${FILTERS.join(', ')})`);
  const statuses = values(c, 'status', (s) => s === 'open' || s === 'closed' || (INCIDENT_STATUSES as readonly string[]).includes(s), `a status, open or closed`);
  return {
    statuses: statuses && [...new Set(statuses.flatMap((s) => (s === 'open' ? [...OPEN_STATUSES] : s === 'closed' ? INCIDENT_STATUSES.filter((x) => !OPEN_STATUSES.includes(x)) : [s])))],
    priorities: values(c, 'priority', (s) => (PRIORITIES as readonly string[]).includes(s), `one of ${PRIORITIES.join(', ')}`),
    categories: values(c, 'category', (s) => CODE.test(s), 'a category code'),
    departments: values(c, 'department', (s) => CODE.test(s), 'a department code'),
    districts: values(c, 'district', (s) => DISTRICT.test(s), 'a district code'),
  };
}

export function triageColumnsRoutes(deps: AppDeps) {
  const { sql } = deps;
  const app = createRouter();
  const cache = new Map<string, Promise<Snapshot>>();

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/triage/incidents.columns',
    summary:
      'Every report the caller may see as a binary column snapshot for the control-room map (lib/staff-incident-columns.ts: "SIC1", a JSON header with dictionaries and offsets, then typed-array columns: positions f32, ids, protocol numbers, codes, creation times); brotli or gzip when accepted, ETag for 304, X-Feed-Id: the feed position to resume /api/triage/stream from. No reporter contact or description.',
    tags: ['triage'],
    security: staffSession,
    request: { query: ColumnsQuerySchema },
    responses: {
      200: {
        description: 'the column snapshot',
        headers: unchanged.headers.extend({ 'X-Count': z.string().meta({ description: 'how many reports the snapshot holds' }) }),
        content: { [COLUMNS_MEDIA_TYPE]: { schema: z.string().meta({ format: 'binary' }) } },
      },
      304: unchanged,
      ...errorResponses(400, 401),
    },
  });

  app.get('/triage/incidents.columns', requireStaff(), async (c) => {
    const scope = rowScope(c.get('staff'), 'read');
    const filter = columnFilter(c);
    const filterKey = JSON.stringify(filter);
    const key = `${scopeKey(scope)}|${filterKey}|${Math.floor(Date.now() / SNAPSHOT_TTL_MS)}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = (async () => {
        // Read before the rows: a change between the two is in both, and replaying it is harmless.
        const feedId = await lastStaffFeedId(sql);
        const rows = await staffIncidentColumnRows(sql, scope, filter);
        const raw = encodeStaffIncidentColumns(rows, { feedId });
        const [gz, br] = await Promise.all([
          gzipAsync(raw, { level: 6 }),
          // Quality 5: most of brotli's gain at a fraction of its top levels' time.
          brotliAsync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
        ]);
        const etag = `"c${createHash('sha1').update(`${scopeKey(scope)}|${filterKey}`).update(raw).digest('base64url').slice(0, 20)}"`;
        return { raw, gzip: gz, br, etag, feedId, count: rows.length };
      })();
      entry.catch(() => cache.delete(key));
      cache.set(key, entry);
      // A handful of scopes and filters are live at a time; older snapshots are useless.
      while (cache.size > 16) cache.delete(cache.keys().next().value!);
    }
    const snap = await entry;
    c.header('ETag', snap.etag);
    c.header('X-Feed-Id', String(snap.feedId));
    c.header('X-Count', String(snap.count));
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Cookie, Accept-Encoding');
    if (c.req.header('if-none-match') === snap.etag) return c.body(null, 304);
    const accept = c.req.header('accept-encoding') ?? '';
    if (/\bbr\b/.test(accept)) return c.body(new Uint8Array(snap.br), 200, { 'Content-Type': COLUMNS_MEDIA_TYPE, 'Content-Encoding': 'br' });
    if (/\bgzip\b/.test(accept)) return c.body(new Uint8Array(snap.gzip), 200, { 'Content-Type': COLUMNS_MEDIA_TYPE, 'Content-Encoding': 'gzip' });
    return c.body(snap.raw as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': COLUMNS_MEDIA_TYPE });
  });

  return app;
}
