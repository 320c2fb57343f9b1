/**
 * The control room's incident map data (mounted at /api and /tiles/staff): the snapshot of every
 * report in scope (cached per scope and feed position), the resumable SSE stream of changes
 * that follows it, and the staff MVT tiles. Snapshot and stream send one shape, the staff
 * incident Feature of lib/staff-incident.ts.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { z } from 'zod';
import { StaffIncidentCollectionSchema, staffIncidentCollection, staffIncidentFeature } from '../../../../lib/staff-incident.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { lastEventId, serveFeed } from '../../http/feed-hub.ts';
import { createRouter, errorResponses, staffSession } from '../../http/router.ts';
import { streamRegistry } from '../../http/streams.ts';
import { requireStaff, type Staff } from '../../middleware/auth.ts';
import { allows, rowScope, scopeKey, type RowScope } from '../auth/authz.ts';
import { isSessionLive } from '../auth/auth.sql.ts';
import { lastStaffFeedId, staffIncidentRows, staffIncidentsTile } from './triage.sql.ts';
import { binary, bufferBody, mediaResponse } from '../../http/media.ts';
import { MVT_CONTENT_TYPE } from '../tiles/tiles.routes.ts';
import { staffStreamHub, type StaffFeedEvent } from './triage.stream.ts';

const gzipAsync = promisify(gzip);
/** How long one map snapshot is shared; the stream (resumed from X-Feed-Id) carries what follows. */
const GEOJSON_TTL_MS = 5_000;

/** The map's view of a feed event (the snapshot's shape), or null outside the caller's scope. */
function streamFeature(e: StaffFeedEvent, scope: RowScope) {
  const owned = { departmentId: e.row.department_id, assignees: e.row.assigned_to === null ? [] : [e.row.assigned_to] };
  return allows(scope, owned) ? staffIncidentFeature(e.row) : null;
}

const tags = ['triage'];
/** The snapshot's resume point, sent with every 200 and 304. */
const feedHeaders = z.object({
  'X-Feed-Id': z.string().meta({ description: 'the staff feed position the snapshot includes: open /api/triage/stream with Last-Event-ID (or `lastEventId`) = this' }),
  ETag: z.string(),
});
/** The map snapshot's and the column snapshot's 304. */
export const unchanged = { description: 'unchanged since If-None-Match', headers: feedHeaders };

export function triageMapRoutes(deps: AppDeps) {
  const { sql, logger } = deps;
  const app = createRouter();

  // ---- control-room map data -------------------------------------------------------------------

  /**
   * Every report the caller may see, for the map layers and the time filter. The body is encoded
   * once (lib/staff-incident.ts), gzipped once, and shared by every caller of the same scope for GEOJSON_TTL_MS, so 50
   * control-room screens cost one query. `X-Feed-Id` is the staff feed position the snapshot
   * includes: the client opens /api/triage/stream with Last-Event-ID = X-Feed-Id and misses
   * nothing. ETag lets a reload answer 304.
   */
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/triage/incidents.geojson',
    summary: 'Every report the caller may see as GeoJSON points for the control-room map; gzip when accepted, ETag for 304, and X-Feed-Id: the feed position to resume /api/triage/stream from',
    tags,
    security: staffSession,
    responses: {
      200: { description: 'the staff incident features (lib/staff-incident.ts)', headers: feedHeaders, content: { 'application/geo+json': { schema: StaffIncidentCollectionSchema } } },
      304: unchanged,
      ...errorResponses(401),
    },
  });
  const geojsonCache = new Map<string, Promise<{ body: string; gzip: Buffer; etag: string; feedId: number }>>();
  app.get('/triage/incidents.geojson', requireStaff(), async (c) => {
    const scope = rowScope(c.get('staff'), 'read');
    const key = `${scopeKey(scope)}|${Math.floor(Date.now() / GEOJSON_TTL_MS)}`;
    let entry = geojsonCache.get(key);
    if (!entry) {
      entry = (async () => {
        // Read before the snapshot: a change between the two is in both, and replaying it is harmless.
        const feedId = await lastStaffFeedId(sql);
        const body = staffIncidentCollection(await staffIncidentRows(sql, scope));
        const gzip = await gzipAsync(body, { level: 6 });
        return { body, gzip, feedId, etag: `"${createHash('sha1').update(`${scopeKey(scope)}|${feedId}|${body.length}`).digest('base64url').slice(0, 20)}"` };
      })();
      entry.catch(() => geojsonCache.delete(key));
      geojsonCache.set(key, entry);
      // A handful of scopes are live at a time; older snapshots are useless.
      while (geojsonCache.size > 16) geojsonCache.delete(geojsonCache.keys().next().value!);
    }
    const { body, gzip, etag, feedId } = await entry;
    c.header('ETag', etag);
    c.header('X-Feed-Id', String(feedId));
    c.header('Vary', 'Cookie, Accept-Encoding');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(gzip), 200, { 'Content-Type': 'application/geo+json', 'Content-Encoding': 'gzip' });
    }
    return c.body(body, 200, { 'Content-Type': 'application/geo+json' });
  });

  /** Live changes for the control room: `incident` events with staff fields, resumable by Last-Event-ID. */
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/triage/stream',
    summary: 'Server-sent events: `incident` changes in the caller scope, with staff fields; resumable with Last-Event-ID (header or `lastEventId` query)',
    tags,
    security: staffSession,
    request: { query: z.object({ lastEventId: z.string().optional().meta({ description: 'a feed position (integer ≥ 0), for clients that cannot set the Last-Event-ID header' }) }) },
    responses: {
      200: {
        description: 'an event stream; each `incident` event carries its feed position as `id` and one staff incident Feature (lib/staff-incident.ts, as in the snapshot) as JSON `data`',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...errorResponses(400, 401),
    },
  });
  app.get('/triage/stream', requireStaff(), async (c) => {
    const staff = c.get('staff');
    const scope = rowScope(staff, 'read');
    const last = lastEventId(c);
    // The session is re-checked while the stream is open: a disabled user stops receiving (Z5).
    const session = { id: staff.sessionId, alive: () => isSessionLive(sql, staff.sessionId) };
    return serveFeed(c, staffStreamHub(sql, logger), { event: 'incident', last, select: (e) => streamFeature(e, scope), registry: streamRegistry(sql, logger), session });
  });

  return app;
}

/**
 * Control-room MVT of incidents (mounted at /tiles/staff): what the caller may see, never cached
 * by a shared cache (private, no-store from requireStaff). Crew get their assigned reports via
 * the GeoJSON; the tile covers department and all-department scopes.
 */
const tileIndex = (max: string) => z.string().meta({ description: `integer, ${max}` });

export function staffTilesRoutes(deps: AppDeps) {
  const { sql } = deps;
  const app = createRouter();
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/incidents/{z}/{x}/{y}.mvt',
    summary: 'Control-room vector tile of the reports in the caller department (all departments for admins); crew accounts use the GeoJSON instead (403)',
    tags,
    security: staffSession,
    request: { params: z.object({ z: tileIndex('0-22'), x: tileIndex('0 to 2^z - 1'), y: tileIndex('0 to 2^z - 1') }) },
    responses: {
      200: mediaResponse('Mapbox Vector Tile, layer `incidents`', MVT_CONTENT_TYPE, binary),
      ...errorResponses(400, 401, 403, 404),
    },
  });
  app.get('/incidents/:z{[0-9]{1,2}}/:x{[0-9]{1,7}}/:y', requireStaff(), async (c) => {
    const staff: Staff = c.get('staff');
    const z = Number(c.req.param('z'));
    const x = Number(c.req.param('x'));
    const yText = c.req.param('y');
    const m = /^(\d{1,7})\.mvt$/.exec(yText);
    if (!m) throw notFound();
    const y = Number(m[1]);
    if (z > 22 || x >= 2 ** z || y >= 2 ** z) throw badRequest('invalid_tile', 'tile out of range');
    const scope = rowScope(staff, 'read');
    if ('none' in scope || 'assignedTo' in scope) throw new AppError(403, 'forbidden', 'use /api/triage/incidents.geojson');
    const dept = 'all' in scope ? null : scope.departmentId;
    if (!('all' in scope) && dept === null) throw new AppError(403, 'forbidden', 'no department');
    const tile = await staffIncidentsTile(sql, z, x, y, dept);
    return c.body(bufferBody(tile), 200, { 'Content-Type': MVT_CONTENT_TYPE });
  });
  return app;
}
