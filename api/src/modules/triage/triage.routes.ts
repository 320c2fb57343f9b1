/**
 * Staff triage desk (issue 4, part 3) and the control room's incident data (part 6), mounted at
 * /api: the queue synced with the map, the detail panel, single and bulk changes, merge,
 * moderation, notes and public updates, work orders from reports, the map GeoJSON (cached per
 * scope and feed position), MVT tiles and a resumable SSE stream of changes.
 *
 * Authorization: requireStaff on every route; reads are filtered by the caller's RowScope in SQL
 * (a report outside it is a 404, audited), changes need write scope on the report (403 when it is
 * readable but not writable). Every change writes its audit row in the same transaction.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { parseBbox } from '../../../../lib/geo.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, notFound, unprocessable } from '../../errors.ts';
import { parseId } from '../../http/request.ts';
import { readJson, requireStaff, type Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { allows, canRead, canWrite, denied, rowScope, type RowScope } from '../auth/authz.ts';
import { departmentExists, isSessionLive } from '../auth/auth.sql.ts';
import { streamRegistry } from '../../http/streams.ts';
import { lastEventId, serveFeed } from '../../http/feed-hub.ts';
import { INCIDENT_STATUSES, OPEN_STATUSES } from '../../../../lib/incidents.schema.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { writableIncident } from '../incidents/incidents.service.ts';
import { changeStatus, isTransitionAllowed, setModeration, type IncidentOwnerRow } from '../incidents/incidents.sql.ts';
import { photoPaths } from '../incidents/photos.ts';
import { kindForLayer } from '../registries/registries.schema.ts';
import { getAssetRef, getWorkOrder, insertWorkOrder, invalidCrew, listWorkOrders, setCrew, setIncidents } from '../registries/registries.sql.ts';
import { deriveKind } from '../registries/assignment.sql.ts';
import { listInspections } from '../registries/inspections.sql.ts';
import {
  BulkSchema,
  MergeSchema,
  ModerationSchema,
  NoteSchema,
  PatchIncidentSchema,
  PRIORITIES,
  QUEUE_SORTS,
  SLA_STATES,
  StatusMoveSchema,
  TriageWorkOrderSchema,
} from './triage.schema.ts';
import { applyChanges } from './triage.service.ts';
import {
  countQueue,
  findNearbyDuplicates,
  findPhotoOwners,
  getAssetDetail,
  getStaffIncident,
  insertEvent,
  lastStaffFeedId,
  listAssetIncidents,
  listDepartments,
  listDistricts,
  listIncidentWorkOrders,
  listMergedDuplicates,
  listQueue,
  listStaffPhotos,
  listTimeline,
  mergeIncident,
  setDescription,
  staffIncidentsGeojson,
  staffIncidentsTile,
  type QueueFilter,
  type QueueRow,
  type QueueSort,
} from './triage.sql.ts';
import { staffStreamHub, type StaffFeedEvent } from './triage.stream.ts';

const gzipAsync = promisify(gzip);
/** How long one map snapshot is shared; the stream (resumed from X-Feed-Id) carries what follows. */
const GEOJSON_TTL_MS = 5_000;

/** Roles that change reports (admin always may); department scope is checked per report. */
const WRITERS = ['dispatcher', 'technician'] as const;
const ID = /^[a-z][a-z0-9_]{1,62}$/;
const HASH_FILE = /^([0-9a-f]{64})\.jpg$/;

function list(c: Context, name: string, allowed?: readonly string[], pattern = ID): string[] | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length > 50) throw badRequest('invalid_parameter', `${name}: at most 50 values`);
  for (const s of items) {
    if (allowed ? !allowed.includes(s) : !pattern.test(s)) throw badRequest('invalid_parameter', `${name}: ${JSON.stringify(s.slice(0, 40))} is not allowed${allowed ? ` (one of ${allowed.join(', ')})` : ''}`);
  }
  return items;
}

function hours(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(v)) throw badRequest('invalid_parameter', `${name} must be a number of hours`);
  return Number(v);
}

function intParam(c: Context, name: string, dflt: number, min: number, max: number): number {
  const v = c.req.query(name);
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest('invalid_parameter', `${name} must be an integer ${min}-${max}`);
  return n;
}

/** Staff JSON of a queue row: no reporter contact (that is in the detail, for writers only). */
function queueItem(r: QueueRow) {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    open: r.open,
    priority: r.priority,
    category: r.category_id,
    department: r.department_id,
    district: r.district_code,
    assignedTo: r.assigned_to === null ? null : { id: r.assigned_to, name: r.assigned_name },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sla: { dueAt: r.sla_due_at, breachedAt: r.sla_breached_at, state: r.sla_state },
    supportCount: r.support_count,
    address: r.address,
    description: r.description,
    location: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
    published: !r.hidden && !r.needs_moderation,
    hidden: r.hidden,
    needsModeration: r.needs_moderation,
    possibleDuplicateOf: r.possible_duplicate_of === null ? null : { id: r.possible_duplicate_of, number: r.possible_duplicate_number },
    duplicateOf: r.duplicate_of === null ? null : { id: r.duplicate_of, number: r.duplicate_number },
    asset: r.asset_id === null ? null : { id: r.asset_id, layer: r.asset_layer_id },
    channel: r.channel,
    photoCount: r.photo_count,
  };
}

/** The map's view of a feed event (same properties as the GeoJSON), or null outside the scope. */
function streamFeature(e: StaffFeedEvent, scope: RowScope) {
  if (!allows(scope, { departmentId: e.row.department_id, assignees: e.row.assigned_to === null ? [] : [e.row.assigned_to] })) return null;
  const r = e.row;
  return {
    type: 'Feature',
    id: r.id,
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: {
      number: r.number,
      status: r.status,
      priority: r.priority,
      category: r.category_id,
      department: r.department_id,
      district: r.district_code,
      sla: r.sla_state,
      created: Math.floor(r.created_at.getTime() / 1000),
      held: r.held,
      assignedTo: r.assigned_to,
      supportCount: r.support_count,
      slaDueAt: r.sla_due_at,
      updatedAt: r.updated_at,
    },
  };
}

/** Cache key part of a scope: reports visible to the caller. */
function scopeKey(scope: RowScope): string {
  if ('all' in scope) return 'all';
  if ('none' in scope) return 'none';
  if ('assignedTo' in scope) return `user:${scope.assignedTo}`;
  return `dept:${scope.departmentId ?? '-'}`;
}

export function triageRoutes(deps: AppDeps) {
  const { sql, config, boss, logger } = deps;
  const app = new Hono();

  // ---- reference data and queue ----------------------------------------------------------------

  app.get('/triage/meta', requireStaff(), async (c) => {
    const [departments, districts, priorities, transitions] = await Promise.all([
      listDepartments(sql),
      listDistricts(sql),
      sql`select priority, rank, name_el, name_en from incident_priorities order by rank`,
      sql`select from_status, to_status from incident_status_transitions order by from_status, to_status`,
    ]);
    return c.json({ statuses: INCIDENT_STATUSES, openStatuses: OPEN_STATUSES, priorities, transitions, slaStates: SLA_STATES, departments, districts, sorts: QUEUE_SORTS });
  });

  const queueFilter = (c: Context): QueueFilter => {
    const statuses = list(c, 'status', [...INCIDENT_STATUSES, 'open', 'closed']);
    const expanded = statuses?.flatMap((s) => (s === 'open' ? [...OPEN_STATUSES] : s === 'closed' ? INCIDENT_STATUSES.filter((x) => !OPEN_STATUSES.includes(x)) : [s]));
    let bbox: QueueFilter['bbox'];
    const b = c.req.query('bbox');
    if (b !== undefined && b !== '') {
      const parsed = parseBbox(b);
      if ('error' in parsed) throw badRequest('invalid_bbox', parsed.error);
      bbox = parsed.bbox;
    }
    const assigned = c.req.query('assigned');
    let assignedTo: number | null | undefined;
    if (assigned === 'none') assignedTo = null;
    else if (assigned === 'me') assignedTo = c.get('staff').id;
    else if (assigned !== undefined && assigned !== '') assignedTo = parseId(assigned, 'assigned');
    const moderation = c.req.query('held');
    if (moderation !== undefined && moderation !== 'true' && moderation !== 'false') throw badRequest('invalid_parameter', 'held must be true or false');
    const minAgeHours = hours(c, 'minAgeHours');
    const maxAgeHours = hours(c, 'maxAgeHours');
    if (minAgeHours !== undefined && maxAgeHours !== undefined && minAgeHours > maxAgeHours) throw badRequest('invalid_parameter', 'minAgeHours is above maxAgeHours');
    return {
      statuses: expanded,
      categories: list(c, 'category'),
      departments: list(c, 'department'),
      districts: list(c, 'district', undefined, /^[A-Za-z0-9_.-]{1,40}$/),
      priorities: list(c, 'priority', PRIORITIES),
      slaStates: list(c, 'sla', SLA_STATES),
      minAgeHours,
      maxAgeHours,
      bbox,
      assignedTo,
      needsModeration: moderation === undefined ? undefined : moderation === 'true',
    };
  };

  /** The queue: filters, sort, paging (limit ≤ 200, offset ≤ 10,000), and the total for the pager. */
  app.get('/triage/incidents', requireStaff(), async (c) => {
    const scope = rowScope(c.get('staff'), 'read');
    const filter = queueFilter(c);
    const sortText = c.req.query('sort') ?? 'newest';
    if (!(QUEUE_SORTS as readonly string[]).includes(sortText)) throw badRequest('invalid_parameter', `sort must be one of ${QUEUE_SORTS.join(', ')}`);
    const limit = intParam(c, 'limit', 50, 1, 200);
    const offset = intParam(c, 'offset', 0, 0, 10_000);
    const [rows, total] = await Promise.all([listQueue(sql, scope, filter, sortText as QueueSort, limit, offset), countQueue(sql, scope, filter)]);
    return c.json({ incidents: rows.map(queueItem), total, limit, offset });
  });

  // ---- control-room map data -------------------------------------------------------------------

  /**
   * Every report the caller may see, for the map layers and the time filter. The body is built
   * in SQL, gzipped once, and shared by every caller of the same scope for GEOJSON_TTL_MS, so 50
   * control-room screens cost one query. `X-Feed-Id` is the staff feed position the snapshot
   * includes: the client opens /api/triage/stream with Last-Event-ID = X-Feed-Id and misses
   * nothing. ETag lets a reload answer 304.
   */
  const geojsonCache = new Map<string, Promise<{ body: string; gzip: Buffer; etag: string; feedId: number }>>();
  app.get('/triage/incidents.geojson', requireStaff(), async (c) => {
    const scope = rowScope(c.get('staff'), 'read');
    const key = `${scopeKey(scope)}|${Math.floor(Date.now() / GEOJSON_TTL_MS)}`;
    let entry = geojsonCache.get(key);
    if (!entry) {
      entry = (async () => {
        // Read before the snapshot: a change between the two is in both, and replaying it is harmless.
        const feedId = await lastStaffFeedId(sql);
        const body = await staffIncidentsGeojson(sql, scope);
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
  app.get('/triage/stream', requireStaff(), async (c) => {
    const staff = c.get('staff');
    const scope = rowScope(staff, 'read');
    const last = lastEventId(c);
    // The session is re-checked while the stream is open: a disabled user stops receiving (Z5).
    const session = { id: staff.sessionId, alive: () => isSessionLive(sql, staff.sessionId) };
    return serveFeed(c, staffStreamHub(sql, logger), { event: 'incident', last, select: (e) => streamFeature(e, scope), registry: streamRegistry(sql, logger), session });
  });

  // ---- detail ----------------------------------------------------------------------------------

  /** A report the caller may read, else 404 (audited: probing other departments' ids is visible). */
  async function readableIncident(c: Context, id: number) {
    const staff = c.get('staff');
    const row = await getStaffIncident(sql, rowScope(staff, 'read'), id);
    if (!row) {
      const [exists] = await sql`select 1 from incidents where id = ${id}`;
      if (exists) throw denied('incident', id, false);
      throw notFound('no such report');
    }
    return row;
  }

  app.get('/triage/incidents/:id', requireStaff(), async (c) => {
    const staff = c.get('staff');
    const id = parseId(c.req.param('id'));
    const row = await readableIncident(c, id);
    const scope = rowScope(staff, 'read');
    const writable = canWrite(staff, { departmentId: row.department_id, assignees: row.assigned_to === null ? [] : [row.assigned_to] });
    const [timeline, photos, nearby, workOrders, merged, asset] = await Promise.all([
      listTimeline(sql, id),
      listStaffPhotos(sql, id),
      findNearbyDuplicates(sql, scope, id),
      listIncidentWorkOrders(sql, id),
      listMergedDuplicates(sql, id),
      row.asset_id === null ? Promise.resolve(undefined) : getAssetDetail(sql, row.asset_id),
    ]);
    let assetJson = null;
    if (asset) {
      const [incidents, assetWorkOrders, inspections] = await Promise.all([
        listAssetIncidents(sql, scope, asset.id, id),
        listWorkOrders(sql, rowScope(staff, 'read'), { assetId: asset.id, limit: 100 }),
        listInspections(sql, { assetId: asset.id, scopeDepartment: 'all' in scope ? undefined : 'none' in scope ? null : staff.departmentId, limit: 50 }),
      ]);
      assetJson = {
        id: asset.id,
        layer: { id: asset.layer_id, name: { el: asset.layer_name_el, en: asset.layer_name_en }, group: asset.layer_group },
        externalId: asset.external_id,
        name: asset.name,
        properties: asset.properties,
        condition: asset.condition,
        criticality: asset.criticality,
        installDate: asset.install_date,
        distanceM: row.asset_distance_m,
        location: { type: 'Point', coordinates: [asset.lon, asset.lat] },
        history: {
          incidents: incidents.map((i) => ({ id: i.id, number: i.number, status: i.status, category: i.category_id, createdAt: i.created_at, resolvedAt: i.resolved_at })),
          workOrders: assetWorkOrders.map((w) => ({ id: w.id, kind: w.kind, title: w.title, status: w.status, department: w.department_id, startedAt: w.started_at, finishedAt: w.finished_at, actualCost: w.actual_cost, createdAt: w.created_at })),
          inspections: inspections.map((i) => ({ id: i.id, kind: i.kind, inspectedOn: i.inspected_on, result: i.result, nextDue: i.next_due })),
        },
      };
    }
    // Relative: the control room may be opened under another host name than PUBLIC_URL, and its
    // content security policy only allows images from the page's own origin.
    const photoBase = '/api/triage/photos';
    return c.json({
      incident: {
        ...queueItem(row),
        publicId: row.public_id,
        description: row.full_description,
        answers: row.answers,
        moderationReason: row.moderation_reason,
        sensitive: row.category_sensitive,
        anonymous: row.anonymous,
        // The reporter's contact is for the people who act on the report, not for read-only roles.
        contact: writable ? { name: row.reporter_name, email: row.reporter_email, phone: row.reporter_phone } : null,
        mergedDuplicates: merged,
        // The crew finished the work answering this report and its category needs a check first.
        readyToClose: row.ready_to_close_at === null ? null : { at: row.ready_to_close_at, workOrderId: row.ready_to_close_work_order },
      },
      photos: photos.map((p) => ({
        id: p.id,
        status: p.status,
        url: p.status === 'ready' ? `${photoBase}/${p.sha256}.jpg` : null,
        thumbnailUrl: p.status === 'ready' ? `${photoBase}/${p.thumb_sha256}.jpg` : null,
        width: p.width,
        height: p.height,
        createdAt: p.created_at,
      })),
      timeline: timeline.map((e) => ({
        id: e.id,
        kind: e.kind,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        note: e.note,
        public: e.public,
        actor: e.actor_user_id === null ? { kind: e.actor } : { kind: e.actor, id: e.actor_user_id, name: e.actor_name },
        at: e.created_at,
      })),
      asset: assetJson,
      workOrders: workOrders.map((w) => ({ id: w.id, kind: w.kind, title: w.title, status: w.status, department: w.department_id, createdAt: w.created_at })),
      nearby: nearby.map((n) => ({ id: n.id, number: n.number, status: n.status, category: n.category_id, createdAt: n.created_at, supportCount: n.support_count, distanceM: n.distance_m, sameCategory: n.same_category })),
      permissions: { write: writable },
    });
  });

  /** Photo derivatives of any report in scope (pending, sensitive and held-back ones included). */
  app.get('/triage/photos/:file', requireStaff(), async (c) => {
    const m = HASH_FILE.exec(c.req.param('file'));
    if (!m) throw notFound();
    const owners = await findPhotoOwners(sql, m[1]!);
    if (!owners.some((o) => canRead(c.get('staff'), { departmentId: o.department_id, assignees: o.assigned_to === null ? [] : [o.assigned_to] }))) throw notFound();
    let bytes: Buffer;
    try {
      bytes = await readFile(photoPaths(config.dataDir).derivative(m[1]!));
    } catch {
      throw notFound();
    }
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': 'image/jpeg', 'X-Content-Type-Options': 'nosniff' });
  });

  // ---- changes ---------------------------------------------------------------------------------

  /** One report: priority, department, assignee, category and/or a status move, in one transaction. */
  app.patch('/triage/incidents/:id', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const id = parseId(c.req.param('id'));
    const changes = await readJson(c, PatchIncidentSchema);
    const result = await sql.begin(async (tx) => {
      const inc = await writableIncident(tx, c, id, { forUpdate: true });
      return applyChanges(tx, { c, staff, boss }, inc, changes);
    });
    const row = await getStaffIncident(sql, { all: true }, id);
    return c.json({ incident: queueItem(row!), statusEventId: result.statusEventId });
  });

  /** A status move with its public note (a rejection must carry the reason the citizen reads). */
  app.post('/triage/incidents/:id/status', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const id = parseId(c.req.param('id'));
    const move = await readJson(c, StatusMoveSchema);
    const result = await sql.begin(async (tx) => {
      const inc = await writableIncident(tx, c, id, { forUpdate: true });
      return applyChanges(tx, { c, staff, boss }, inc, { status: move });
    });
    const row = await getStaffIncident(sql, { all: true }, id);
    return c.json({ incident: queueItem(row!), statusEventId: result.statusEventId });
  });

  /**
   * Bulk action over up to 500 reports in one transaction: rows locked in id order (no deadlock
   * with a concurrent bulk), every report must be writable and every status move allowed, else
   * nothing changes and the answer names the first report that failed.
   */
  app.post('/triage/incidents/bulk', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const body = await readJson(c, BulkSchema);
    const ids = [...body.ids].sort((a, b) => a - b);
    const statusEvents = await sql.begin(async (tx) => {
      await tx`select id from incidents where id = any(${ids}::bigint[]) order by id for update`;
      // Every report is checked before anything changes: a refusal is audited outside this
      // transaction, which must not yet hold the audit chain's lock (it would wait on itself).
      const incidents: IncidentOwnerRow[] = [];
      for (const id of ids) incidents.push(await writableIncident(tx, c, id));
      const events: number[] = [];
      for (const inc of incidents) {
        const r = await applyChanges(tx, { c, staff, boss }, inc, body.set);
        if (r.statusEventId !== null) events.push(r.statusEventId);
      }
      return events;
    });
    logger.info('triage bulk', { userId: staff.id, count: ids.length, statusEvents: statusEvents.length });
    return c.json({ updated: ids.length, ids });
  });

  /** Merge a duplicate into a master (incident_merge in 0030 carries supporters and subscribers). */
  app.post('/triage/incidents/:id/merge', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, MergeSchema);
    if (body.into === id) throw unprocessable('invalid_merge', 'a report cannot be merged into itself');
    const out = await sql.begin(async (tx) => {
      // Lock in id order, like incident_merge does, so crossing merges cannot deadlock.
      const [first, second] = id < body.into ? [id, body.into] : [body.into, id];
      const a = await writableIncident(tx, c, first, { forUpdate: true });
      const b = await writableIncident(tx, c, second, { forUpdate: true });
      const [dup, master] = a.id === id ? [a, b] : [b, a];
      if (master.status === 'duplicate') throw unprocessable('invalid_merge', `report ${master.number} is itself a duplicate; merge into its master`);
      if (!(await isTransitionAllowed(tx, dup.status, 'duplicate'))) throw unprocessable('invalid_transition', `report ${dup.number}: ${dup.status} → duplicate is not allowed`);
      const eventId = await mergeIncident(tx, { duplicateId: dup.id, masterId: master.id, actorUserId: staff.id, note: body.note ?? null });
      await recordAudit(tx, c, {
        action: 'incident.merge',
        objectType: 'incident',
        objectId: dup.id,
        before: { status: dup.status, duplicateOf: null },
        after: { status: 'duplicate', duplicateOf: master.id },
        reason: body.note ?? null,
      });
      await enqueueInTx(boss, tx, 'status-email', { eventId }, stableUuid(`status-email:${eventId}`));
      return { master, dup, eventId };
    });
    const [m] = await sql<{ support_count: number }[]>`select support_count from incidents where id = ${out.master.id}`;
    return c.json({ duplicate: { id: out.dup.id, number: out.dup.number, status: 'duplicate' }, master: { id: out.master.id, number: out.master.number, supportCount: m!.support_count }, eventId: out.eventId });
  });

  /** Internal note (never public) or public update (timeline + email to the report's subscribers). */
  app.post('/triage/incidents/:id/notes', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, NoteSchema);
    const eventId = await sql.begin(async (tx) => {
      await writableIncident(tx, c, id, { forUpdate: true });
      const ev = await insertEvent(tx, { incidentId: id, kind: 'note', note: body.text, public: body.public, actorUserId: staff.id });
      if (body.public) {
        await recordAudit(tx, c, { action: 'incident.public_update', objectType: 'incident', objectId: id, after: { eventId: ev } });
        await enqueueInTx(boss, tx, 'status-email', { eventId: ev }, stableUuid(`status-email:${ev}`));
      }
      return ev;
    });
    return c.json({ eventId, public: body.public }, 201);
  });

  /**
   * Moderation: publish or hide, and/or edit the public description. The original text goes to
   * incident_moderated_texts (erased with the report's personal data by the retention job), never
   * to the append-only audit log, which records only that the text was moderated and by whom.
   */
  app.post('/triage/incidents/:id/moderation', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, ModerationSchema);
    await sql.begin(async (tx) => {
      await writableIncident(tx, c, id, { forUpdate: true });
      const [before] = await tx<{ description: string; hidden: boolean; needs_moderation: boolean }[]>`
        select description, hidden, needs_moderation from incidents where id = ${id}`;
      if (body.description !== undefined && body.description !== before!.description) {
        await tx`insert into incident_moderated_texts (incident_id, original, moderated_by) values (${id}, ${before!.description}, ${staff.id})`;
        await setDescription(tx, id, body.description);
        await insertEvent(tx, { incidentId: id, kind: 'moderation', note: 'description edited', public: false, actorUserId: staff.id });
      }
      if (body.publish !== undefined) await setModeration(tx, { id, publish: body.publish, actorUserId: staff.id });
      const [after] = await tx<{ description: string; hidden: boolean; needs_moderation: boolean }[]>`
        select description, hidden, needs_moderation from incidents where id = ${id}`;
      await recordAudit(tx, c, {
        action: 'incident.moderation',
        objectType: 'incident',
        objectId: id,
        before: { hidden: before!.hidden, needsModeration: before!.needs_moderation },
        after: { descriptionModerated: after!.description !== before!.description, hidden: after!.hidden, needsModeration: after!.needs_moderation },
        reason: body.reason ?? null,
      });
    });
    const row = await getStaffIncident(sql, { all: true }, id);
    return c.json({ incident: queueItem(row!) });
  });

  /**
   * A repair work order from one or more reports (the registries' work_orders table): the first
   * report with an asset lends it, its kind and its point; every report gets a timeline row, and
   * with startIncidents the open ones move to in_progress with a public note.
   */
  app.post('/triage/work-orders', requireStaff(WRITERS), async (c) => {
    const staff = c.get('staff');
    const body = await readJson(c, TriageWorkOrderSchema);
    if (body.plannedStart && body.plannedEnd && body.plannedEnd < body.plannedStart) throw unprocessable('invalid_body', 'plannedEnd is before plannedStart');
    const created = await sql.begin(async (tx) => {
      const ids = [...body.incidentIds].sort((a, b) => a - b);
      const incidents: IncidentOwnerRow[] = [];
      for (const id of ids) incidents.push(await writableIncident(tx, c, id, { forUpdate: true }));
      const ordered = body.incidentIds.map((id) => incidents.find((i) => i.id === id)!);
      const [withAsset] = await tx<{ asset_id: number }[]>`
        select asset_id from incidents where id = any(${body.incidentIds}::bigint[]) and asset_id is not null
        order by array_position(${body.incidentIds}::bigint[], id) limit 1`;
      const asset = withAsset ? await getAssetRef(tx, withAsset.asset_id) : undefined;
      // The asset's layer first, else the reports' category (migrations/0081).
      const kind = body.kind ?? (asset ? kindForLayer(asset.layer_id, asset.layer_group) : null) ?? (await deriveKind(tx, body.incidentIds)).kind;
      if (!kind) throw unprocessable('kind_required', 'give a registry kind: it cannot be derived from these reports');
      const badCrew = await invalidCrew(tx, body.crew);
      if (badCrew.length) throw unprocessable('invalid_crew', 'crew members must be enabled crew or technician accounts', { userIds: badCrew });
      const departmentId = body.departmentId ?? ordered[0]!.department_id;
      if (!(await departmentExists(tx, departmentId))) throw unprocessable('unknown_department', `no department ${departmentId}`);
      if (!canWrite(staff, { departmentId })) throw denied('department', departmentId, true, 'cannot open work for another department');
      const point = asset ? { lon: asset.lon, lat: asset.lat } : { lon: ordered[0]!.lon, lat: ordered[0]!.lat };
      const woId = await insertWorkOrder(tx, {
        kind,
        title: body.title,
        description: body.description,
        status: body.status,
        assetId: asset?.id ?? null,
        lon: point.lon,
        lat: point.lat,
        departmentId,
        plannedStart: body.plannedStart ?? null,
        plannedEnd: body.plannedEnd ?? null,
        estimatedCost: null,
        materials: [],
        createdBy: staff.id,
      });
      await setIncidents(tx, woId, body.incidentIds);
      await setCrew(tx, woId, body.crew);
      const w = (await getWorkOrder(tx, woId))!;
      await recordAudit(tx, c, { action: 'work_order.create', objectType: 'work_order', objectId: woId, after: { kind, status: w.status, departmentId, assetId: w.asset_id, incidentIds: body.incidentIds, crew: body.crew, from: 'triage' } });
      for (const inc of ordered) {
        await insertEvent(tx, { incidentId: inc.id, kind: 'work_order', note: `work order ${woId}`, public: false, actorUserId: staff.id });
        if (body.startIncidents && (inc.status === 'submitted' || inc.status === 'acknowledged')) {
          const r = await changeStatus(tx, { id: inc.id, status: 'in_progress', note: 'Ανατέθηκε σε συνεργείο / A repair crew has been assigned', actorUserId: staff.id, duplicateOf: null });
          await recordAudit(tx, c, { action: 'incident.status', objectType: 'incident', objectId: inc.id, before: { status: r.from_status }, after: { status: 'in_progress' }, reason: `work order ${woId}` });
          await enqueueInTx(boss, tx, 'status-email', { eventId: r.event_id }, stableUuid(`status-email:${r.event_id}`));
        }
      }
      return w;
    });
    return c.json({ workOrder: { id: created.id, kind: created.kind, title: created.title, status: created.status, department: created.department_id, asset: created.asset_id, incidentIds: created.incident_ids, crew: created.crew } }, 201);
  });

  return app;
}

/**
 * Control-room MVT of incidents (mounted at /tiles/staff): what the caller may see, never cached
 * by a shared cache (private, no-store from requireStaff). Crew get their assigned reports via
 * the GeoJSON; the tile covers department and all-department scopes.
 */
export function staffTilesRoutes(deps: AppDeps) {
  const { sql } = deps;
  const app = new Hono();
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
    return c.body(new Uint8Array(tile), 200, { 'Content-Type': 'application/vnd.mapbox-vector-tile' });
  });
  return app;
}
