/**
 * The triage desk's read side (mounted at /api): reference data, the queue synced with the map,
 * the detail panel and the photos of any report in scope. Reads are filtered by the caller's
 * RowScope in SQL; a report outside it is a 404, audited.
 */
import { readFile } from 'node:fs/promises';
import type { Context } from 'hono';
import { z } from 'zod';
import { parseBbox } from '../../../../lib/geo.ts';
import { INCIDENT_STATUSES, OPEN_STATUSES } from '../../../../lib/incidents.schema.ts';
import {
  IncidentDetailSchema,
  IncidentIdParamsSchema,
  PRIORITIES,
  QUEUE_SORTS,
  QueuePageSchema,
  QueueQuerySchema,
  SLA_STATES,
  TriageMetaSchema,
} from '../../../../lib/triage.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse, staffSession } from '../../http/router.ts';
import { parseId } from '../../http/request.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { canRead, canWrite, denied, rowScope } from '../auth/authz.ts';
import { photoPaths } from '../incidents/photos.ts';
import { listWorkOrders } from '../registries/registries.sql.ts';
import { listInspections } from '../registries/inspections.sql.ts';
import { queueItem } from './triage.json.ts';
import {
  countQueue,
  findNearbyDuplicates,
  findPhotoOwners,
  getAssetDetail,
  getStaffIncident,
  listAssetIncidents,
  listDepartments,
  listDistricts,
  listIncidentWorkOrders,
  listMergedDuplicates,
  listQueue,
  listStaffPhotos,
  listTimeline,
  type QueueFilter,
  type QueueSort,
} from './triage.sql.ts';

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

const staff = { tags: ['triage'], security: staffSession, middleware: [requireStaff()] };

const meta = defineRoute({
  method: 'get',
  path: '/triage/meta',
  summary: 'Reference data of the triage desk: statuses, priorities, allowed transitions, SLA states, departments, districts, sorts',
  ...staff,
  responses: { 200: jsonResponse(TriageMetaSchema, 'the reference data'), ...errorResponses(401) },
});

const queue = defineRoute({
  method: 'get',
  path: '/triage/incidents',
  summary: 'The report queue the caller may see (department scope), filtered, sorted and paged, with the total for the pager; no reporter contact',
  ...staff,
  request: { query: QueueQuerySchema },
  responses: { 200: jsonResponse(QueuePageSchema, 'one page of the queue'), ...errorResponses(400, 401) },
});

const detail = defineRoute({
  method: 'get',
  path: '/triage/incidents/{id}',
  summary:
    'One report in full: timeline, photos, asset and its history, work orders, nearby possible duplicates; reporter contact only for those who may change it (404 and an audit row outside the caller scope)',
  ...staff,
  request: { params: IncidentIdParamsSchema },
  responses: { 200: jsonResponse(IncidentDetailSchema, 'the report, for the detail panel'), ...errorResponses(400, 401, 404) },
});

export function triageReadRoutes(deps: AppDeps) {
  const { sql, config } = deps;
  const app = createRouter();

  // ---- reference data and queue ----------------------------------------------------------------

  app.openapi(meta, async (c) => {
    const [departments, districts, priorities, transitions] = await Promise.all([
      listDepartments(sql),
      listDistricts(sql),
      sql<{ priority: string; rank: number; name_el: string; name_en: string }[]>`select priority, rank, name_el, name_en from incident_priorities order by rank`,
      sql<{ from_status: string; to_status: string }[]>`select from_status, to_status from incident_status_transitions order by from_status, to_status`,
    ]);
    return c.json({ statuses: [...INCIDENT_STATUSES], openStatuses: [...OPEN_STATUSES], priorities, transitions, slaStates: [...SLA_STATES], departments, districts, sorts: [...QUEUE_SORTS] }, 200);
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
  app.openapi(queue, async (c) => {
    const scope = rowScope(c.get('staff'), 'read');
    const filter = queueFilter(c);
    const sortText = c.req.query('sort') ?? 'newest';
    if (!(QUEUE_SORTS as readonly string[]).includes(sortText)) throw badRequest('invalid_parameter', `sort must be one of ${QUEUE_SORTS.join(', ')}`);
    const limit = intParam(c, 'limit', 50, 1, 200);
    const offset = intParam(c, 'offset', 0, 0, 10_000);
    const [rows, total] = await Promise.all([listQueue(sql, scope, filter, sortText as QueueSort, limit, offset), countQueue(sql, scope, filter)]);
    return c.json({ incidents: rows.map(queueItem), total, limit, offset }, 200);
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

  app.openapi(detail, async (c) => {
    const staff = c.get('staff');
    const { id } = c.req.valid('param');
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
        location: { type: 'Point' as const, coordinates: [asset.lon, asset.lat] as [number, number] },
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
    }, 200);
  });

  /** Photo derivatives of any report in scope (pending, sensitive and held-back ones included). */
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/triage/photos/{file}',
    summary: 'A photo derivative (`<sha256>.jpg`) of any report in the caller scope, held-back and sensitive ones included',
    tags: staff.tags,
    security: staffSession,
    request: { params: z.object({ file: z.string().regex(HASH_FILE).meta({ description: '`<sha256>.jpg`; any other name is a 404' }) }) },
    responses: { 200: { description: 'the photo', content: { 'image/jpeg': { schema: z.string().meta({ format: 'binary' }) } } }, ...errorResponses(401, 404) },
  });
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

  return app;
}
