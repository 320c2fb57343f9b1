/**
 * Repair registries (issue 4, part 4): work orders per registry kind with their lifecycle, crew,
 * dates, costs, materials, photos and linked incidents; playground inspections (EN 1176-7) with
 * the next one due; per-asset history; CSV export; and the public registry map.
 *
 * Every change is one transaction that also writes its audit row. Per-object rules (authz.ts): a
 * technician sees and changes only their department's work, crew only work they are on; a work
 * order outside the caller's read scope is a 404, inside read but outside write scope a 403.
 */
import { z } from 'zod';
import type { Context } from 'hono';
import type postgres from 'postgres';
import { parseBbox } from '../../../../lib/geo.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../errors.ts';
import { parseId } from '../../http/request.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff, type Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { canRead, canWrite, denied, rowScope } from '../auth/authz.ts';
import { departmentExists } from '../auth/auth.sql.ts';
import { titleIn } from '../../../../lib/work-order-title.ts';
import { readerLocale } from '../../http/locale.ts';
import { toCsv } from './registries.csv.ts';
import {
  AssetHistorySchema,
  CreateInspectionSchema,
  CreateWorkOrderSchema,
  DueListSchema,
  DueQuerySchema,
  IdParamSchema,
  INSPECTION_KINDS,
  InspectionAnswerSchema,
  InspectionListSchema,
  InspectionQuerySchema,
  PatchWorkOrderSchema,
  PhotoSchema,
  PUBLIC_STATUSES,
  PublicWorkOrderQuerySchema,
  PublicWorkOrdersSchema,
  type RegistryMeta,
  RegistryMetaSchema,
  TransitionAnswerSchema,
  TransitionSchema,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
  WorkOrderAnswerSchema,
  WorkOrderCsvQuerySchema,
  WorkOrderListSchema,
  WorkOrderQuerySchema,
} from '../../../../lib/registries.schema.ts';
import {
  addPhoto,
  getAssetRef,
  findPhotoHolders,
  getIncidentRefs,
  type IncidentRef,
  getWorkOrder,
  listPublicWorkOrders,
  listWorkOrders,
  setCrew,
  setIncidents,
  setWorkOrderStatus,
  transitionRoles,
  updateWorkOrder,
  type WorkOrderRow,
} from './registries.sql.ts';
import { followWorkOrder } from './report-follow-up.ts';
import { assertCrew, auditSnapshot, createWorkOrder } from './work-orders.service.ts';
import { insertInspection, listDue, listInspections, type InspectionRow } from './inspections.sql.ts';

const WRITERS = ['dispatcher', 'technician'] as const;
const ACTORS = ['dispatcher', 'technician', 'crew', 'approver'] as const;
const INSPECTORS = ['dispatcher', 'technician', 'crew'] as const;

/** Staff JSON of a work order. Crew names are staff-only; never on a public route. */
export function workOrderJson(w: WorkOrderRow, locale: string | null) {
  return {
    id: w.id,
    kind: w.kind,
    /** In the reader's language when the platform generated it (migrations/0090). */
    title: titleIn({ title: w.title, titleI18n: w.title_i18n }, locale),
    titleI18n: w.title_i18n,
    description: w.description,
    status: w.status,
    asset: w.asset_id === null ? null : { id: w.asset_id, name: w.asset_name, layerId: w.asset_layer_id },
    location: { type: 'Point' as const, coordinates: [w.lon, w.lat] as [number, number] },
    departmentId: w.department_id,
    plannedStart: w.planned_start,
    plannedEnd: w.planned_end,
    startedAt: w.started_at,
    finishedAt: w.finished_at,
    verifiedAt: w.verified_at,
    verifiedBy: w.verified_by,
    cancelledAt: w.cancelled_at,
    cancelReason: w.cancel_reason,
    estimatedCost: w.estimated_cost,
    actualCost: w.actual_cost,
    materials: w.materials,
    crew: w.crew,
    incidentIds: w.incident_ids,
    photos: w.photos,
    createdBy: w.created_by,
    createdAt: w.created_at,
    updatedAt: w.updated_at,
    version: w.version,
  };
}

function changed(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}

function inspectionJson(i: InspectionRow) {
  return {
    id: i.id,
    assetId: i.asset_id,
    kind: i.kind,
    inspectedOn: i.inspected_on,
    inspector: i.inspector_id === null ? null : { id: i.inspector_id, name: i.inspector_name },
    departmentId: i.department_id,
    checklist: i.checklist,
    result: i.result,
    notes: i.notes,
    nextDue: i.next_due,
    workOrderId: i.work_order_id,
    createdAt: i.created_at,
  };
}

function optionalEnum<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw badRequest('invalid_parameter', `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function limitParam(value: string | undefined, dflt: number, max: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw badRequest('invalid_limit', 'limit must be a positive integer');
  return Math.min(n, max);
}

const ownedBy = (w: WorkOrderRow) => ({ departmentId: w.department_id, assignees: w.crew.map((m) => m.id) });

const tags = ['registries'];
const staffOnly = { tags, security: staffSession };
/** Any signed-in staff member; what they see is scoped per row by the handler. */
const reader = { ...staffOnly, middleware: [requireStaff()] };
const byId = { params: IdParamSchema };
const answer = (description: string) => jsonResponse(WorkOrderAnswerSchema, description);

const meta = defineRoute({
  method: 'get',
  path: '/registries/meta',
  summary: 'Registry kinds, statuses, allowed transitions (with roles) and inspection kinds',
  ...reader,
  responses: { 200: jsonResponse(RegistryMetaSchema, 'reference data'), ...errorResponses(401) },
});

const listRoute = defineRoute({
  method: 'get',
  path: '/registries/work-orders',
  summary: 'Work orders the caller may see, newest first (technicians: their department; crew: their own)',
  ...reader,
  request: { query: WorkOrderQuerySchema },
  responses: { 200: jsonResponse(WorkOrderListSchema, 'a page of work orders'), ...errorResponses(400, 401) },
});

const createRoute = defineRoute({
  method: 'post',
  path: '/registries/work-orders',
  summary: 'Open a work order on an asset and/or from incidents (dispatcher, technician)',
  ...staffOnly,
  middleware: [requireStaff(WRITERS)],
  request: { body: jsonRequest(CreateWorkOrderSchema) },
  responses: { 201: answer('created'), ...errorResponses(400, 401, 403, 413, 415, 422) },
});

const getRoute = defineRoute({
  method: 'get',
  path: '/registries/work-orders/{id}',
  summary: 'One work order',
  ...reader,
  request: byId,
  responses: { 200: answer('the work order'), ...errorResponses(400, 401, 404) },
});

const patchRoute = defineRoute({
  method: 'patch',
  path: '/registries/work-orders/{id}',
  summary: 'Change a work order (dispatcher, technician of its department). Status goes through /transitions',
  ...staffOnly,
  middleware: [requireStaff(WRITERS)],
  request: { ...byId, body: jsonRequest(PatchWorkOrderSchema) },
  responses: { 200: answer('the changed work order'), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
});

const transitionRoute = defineRoute({
  method: 'post',
  path: '/registries/work-orders/{id}/transitions',
  summary: 'Move a work order through its lifecycle (planned → scheduled → in_progress → done → verified; cancelled)',
  description: 'The linked citizen reports follow the work (started, done, ready for the desk to close). 409 is `invalid_transition` or `version_conflict`.',
  ...staffOnly,
  middleware: [requireStaff(ACTORS)],
  request: { ...byId, body: jsonRequest(TransitionSchema) },
  responses: { 200: jsonResponse(TransitionAnswerSchema, 'the moved work order and what happened to its reports'), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
});

const photoRoute = defineRoute({
  method: 'post',
  path: '/registries/work-orders/{id}/photos',
  summary: 'Attach a before/after photo by the SHA-256 of the stored (re-encoded) file; idempotent',
  ...staffOnly,
  middleware: [requireStaff(['dispatcher', 'technician', 'crew'])],
  request: { ...byId, body: jsonRequest(PhotoSchema) },
  responses: { 200: answer('already attached'), 201: answer('attached'), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
});

const createInspectionRoute = defineRoute({
  method: 'post',
  path: '/registries/inspections',
  summary: 'Record an inspection; next due = date + 7 days (routine visual), 1 month (operational), 12 months (annual main); unsafe is due at once',
  ...staffOnly,
  middleware: [requireStaff(INSPECTORS)],
  request: { body: jsonRequest(CreateInspectionSchema) },
  responses: { 201: jsonResponse(InspectionAnswerSchema, 'recorded'), ...errorResponses(400, 401, 403, 413, 415, 422) },
});

const inspectionsRoute = defineRoute({
  method: 'get',
  path: '/registries/inspections',
  summary: 'Inspection records (EN 1176-7), newest first',
  ...reader,
  request: { query: InspectionQuerySchema },
  responses: { 200: jsonResponse(InspectionListSchema, 'a page of inspections'), ...errorResponses(400, 401) },
});

const dueRoute = defineRoute({
  method: 'get',
  path: '/registries/inspections/due',
  summary: 'Latest inspection of each kind per asset and the next due date',
  ...reader,
  request: { query: DueQuerySchema },
  responses: { 200: jsonResponse(DueListSchema, 'due inspections'), ...errorResponses(400, 401) },
});

const historyRoute = defineRoute({
  method: 'get',
  path: '/registries/assets/{id}/history',
  summary: 'Work orders, inspections and due dates of one asset',
  ...reader,
  request: byId,
  responses: { 200: jsonResponse(AssetHistorySchema, 'the asset and its history'), ...errorResponses(400, 401, 404) },
});

const publicRoute = defineRoute({
  method: 'get',
  path: '/registries/public',
  summary:
    'Public repair map: what is being repaired where (GeoJSON). No crew, costs, free text or photos; planned and cancelled work not shown; non-public-layer and sensitive locations coarsened to ~200 m',
  tags: ['registries', 'public'],
  request: { query: PublicWorkOrderQuerySchema },
  responses: { 200: { description: 'the work in view', content: { 'application/geo+json': { schema: PublicWorkOrdersSchema } } }, ...errorResponses(400) },
});

export function registriesRoutes({ sql, boss }: AppDeps) {
  const app = createRouter();

  /** Loads a work order the caller may read (else 404, audited), optionally locked for update. */
  async function readable(db: postgres.ISql, c: Context, id: number, forUpdate = false): Promise<WorkOrderRow> {
    const staff = c.get('staff');
    const w = await getWorkOrder(db, id, { forUpdate });
    if (!w) throw notFound(`no work order ${id}`);
    if (!canRead(staff, ownedBy(w))) throw denied('work_order', id, false);
    return w;
  }

  /**
   * The incidents a work order may link: each must exist and be readable by the caller; one that
   * is not answers exactly like one that does not exist, so ids cannot be probed.
   */
  async function readableIncidents(c: Context, ids: number[]): Promise<IncidentRef[]> {
    const staff = c.get('staff');
    const rows = await getIncidentRefs(sql, ids);
    const visible = rows.filter((i) => canRead(staff, { departmentId: i.department_id, assignees: i.assigned_to === null ? [] : [i.assigned_to] }));
    if (visible.length !== new Set(ids).size) throw unprocessable('unknown_incident', 'one of incidentIds does not exist');
    return visible;
  }


  // ---- reference data for forms ----

  app.openapi(meta, async (c) => {
    const statuses = await sql<RegistryMeta['statuses']>`select id, name_el, name_en, initial, terminal, public from work_order_statuses order by sort_order`;
    const transitions = await sql<RegistryMeta['transitions']>`select from_status, to_status, roles from work_order_transitions order by from_status, to_status`;
    const inspectionKinds = await sql<RegistryMeta['inspectionKinds']>`select id, name_el, name_en, extract(epoch from interval)::int / 86400 as interval_days from inspection_kinds order by sort_order`;
    return c.json({ kinds: [...WORK_ORDER_KINDS], statuses, transitions, inspectionKinds }, 200);
  });

  // ---- work orders ----

  app.openapi(listRoute, async (c) => {
    const staff = c.get('staff');
    const q = c.req.valid('query');
    const limit = limitParam(q.limit, 100, 500);
    const rows = await listWorkOrders(sql, rowScope(staff, 'read'), {
      kind: optionalEnum(q.kind, WORK_ORDER_KINDS, 'kind'),
      status: optionalEnum(q.status, WORK_ORDER_STATUSES, 'status'),
      departmentId: q.department ? (/^[a-z][a-z0-9_]{1,62}$/.test(q.department) ? q.department : (() => { throw badRequest('invalid_parameter', 'department is malformed'); })()) : undefined,
      assetId: q.asset ? parseId(q.asset, 'asset') : undefined,
      before: q.before ? parseId(q.before, 'before') : undefined,
      limit,
    });
    return c.json({ workOrders: rows.map((w) => workOrderJson(w, readerLocale(c))), next: rows.length === limit ? rows[rows.length - 1]!.id : null }, 200);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/registries/work-orders.csv',
    summary: 'CSV export of the visible work orders (formula cells defused); no crew names or photos, only counts',
    ...staffOnly,
    request: { query: WorkOrderCsvQuerySchema },
    responses: { 200: { description: 'one row per work order', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401) },
  });
  // A file-name route: a plain handler, its contract declared just above.
  app.get('/registries/work-orders.csv', requireStaff(), async (c) => {
    const staff = c.get('staff');
    const q = c.req.query();
    const kind = optionalEnum(q.kind, WORK_ORDER_KINDS, 'kind');
    const rows = await listWorkOrders(sql, rowScope(staff, 'read'), {
      kind,
      status: optionalEnum(q.status, WORK_ORDER_STATUSES, 'status'),
      limit: 50_000,
    });
    // Staff export: no crew names or photos, only counts; materials flattened to one cell.
    const csv = toCsv(
      ['id', 'kind', 'status', 'title', 'asset_id', 'asset_name', 'layer_id', 'lon', 'lat', 'department_id', 'planned_start', 'planned_end', 'started_at', 'finished_at', 'verified_at', 'estimated_cost', 'actual_cost', 'materials', 'crew_size', 'incident_ids', 'photos_before', 'photos_after', 'updated_at'],
      rows.map((w) => [
        w.id, w.kind, w.status, w.title, w.asset_id, w.asset_name, w.asset_layer_id, w.lon, w.lat, w.department_id,
        w.planned_start, w.planned_end, w.started_at, w.finished_at, w.verified_at, w.estimated_cost, w.actual_cost,
        (w.materials as { item: string; quantity: number; unit: string }[]).map((m) => `${m.quantity} ${m.unit} ${m.item}`).join('; '),
        w.crew.length, w.incident_ids.join(' '),
        w.photos.filter((p) => p.phase === 'before').length, w.photos.filter((p) => p.phase === 'after').length, w.updated_at,
      ]),
    );
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="work-orders${kind ? `-${kind}` : ''}.csv"`);
    return c.body(csv);
  });

  app.openapi(createRoute, async (c) => {
    const body = c.req.valid('json');
    const incidents = await readableIncidents(c, body.incidentIds);
    const created = await sql.begin((tx) => createWorkOrder(tx, { c, staff: c.get('staff'), boss }, body, incidents));
    return c.json({ workOrder: workOrderJson(created, readerLocale(c)) }, 201);
  });

  app.openapi(getRoute, async (c) => {
    const w = await readable(sql, c, Number(c.req.valid('param').id));
    return c.json({ workOrder: workOrderJson(w, readerLocale(c)) }, 200);
  });

  app.openapi(patchRoute, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const body = c.req.valid('json');
    if (body.crew) await assertCrew(sql, body.crew);
    if (body.departmentId && !(await departmentExists(sql, body.departmentId))) throw unprocessable('unknown_department', `no department ${body.departmentId}`);
    const updated = await sql.begin(async (tx) => {
      const w = await readable(tx, c, id, true);
      if (!canWrite(staff, ownedBy(w))) throw denied('work_order', id, true);
      if (body.departmentId && body.departmentId !== w.department_id && !canWrite(staff, { departmentId: body.departmentId })) {
        throw denied('work_order', id, true, 'cannot move work to another department');
      }
      if (body.version !== undefined && body.version !== w.version) throw conflict('version_conflict', `the work order changed (version ${w.version}); reload and retry`, { version: w.version });
      const { crew, incidentIds, version: _v, ...fields } = body;
      await updateWorkOrder(tx, id, fields);
      if (crew) await setCrew(tx, id, crew);
      if (incidentIds) await setIncidents(tx, id, (await readableIncidents(c, incidentIds)).map((i) => i.id));
      const after = (await getWorkOrder(tx, id))!;
      const diff = changed(auditSnapshot(w), auditSnapshot(after));
      delete diff.before.version;
      delete diff.after.version;
      await recordAudit(tx, c, { action: 'work_order.update', objectType: 'work_order', objectId: id, before: diff.before, after: diff.after });
      return after;
    });
    return c.json({ workOrder: workOrderJson(updated, readerLocale(c)) }, 200);
  });

  app.openapi(transitionRoute, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const body = c.req.valid('json');
    const updated = await sql.begin(async (tx) => {
      const w = await readable(tx, c, id, true);
      if (body.version !== undefined && body.version !== w.version) throw conflict('version_conflict', `the work order changed (version ${w.version}); reload and retry`, { version: w.version });
      const roles = await transitionRoles(tx, w.status, body.to);
      if (!roles) throw new AppError(409, 'invalid_transition', `a work order cannot go from ${w.status} to ${body.to}`);
      if (staff.role !== 'admin' && !roles.includes(staff.role)) throw denied('work_order', id, true, `your role cannot move work from ${w.status} to ${body.to}`);
      await setWorkOrderStatus(tx, id, body.to, staff.id, body.reason ?? null);
      const followUp = await followWorkOrder(tx, { c, boss, actorUserId: staff.id }, { workOrderId: id, from: w.status, to: body.to, publicNote: body.publicNote ?? null });
      const after = (await getWorkOrder(tx, id))!;
      await recordAudit(tx, c, {
        action: 'work_order.transition',
        objectType: 'work_order',
        objectId: id,
        before: { status: w.status },
        after: { status: after.status },
        reason: body.reason ?? null,
      });
      return { after, followUp };
    });
    return c.json({ workOrder: workOrderJson(updated.after, readerLocale(c)), reports: updated.followUp }, 200);
  });

  app.openapi(photoRoute, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const body = c.req.valid('json');
    const { w, added } = await sql.begin(async (tx) => {
      const w = await readable(tx, c, id, true);
      if (!canWrite(staff, ownedBy(w))) throw denied('work_order', id, true);
      // Only a photo the caller can already see (a report's or a work order's): not found otherwise.
      const holders = await findPhotoHolders(tx, body.sha256);
      if (!holders.some((h) => canRead(staff, { departmentId: h.department_id, assignees: h.assignees }))) throw unprocessable('unknown_photo', 'no photo with this hash');
      const added = await addPhoto(tx, id, { phase: body.phase, sha256: body.sha256, caption: body.caption ?? null, addedBy: staff.id });
      if (added) await recordAudit(tx, c, { action: 'work_order.photo_add', objectType: 'work_order', objectId: id, after: { phase: body.phase, sha256: body.sha256 } });
      return { w: (await getWorkOrder(tx, id))!, added };
    });
    // Retried uploads (offline crews) are harmless: the same photo twice is one photo.
    return c.json({ workOrder: workOrderJson(w, readerLocale(c)) }, added ? 201 : 200);
  });

  // ---- inspections ----

  app.openapi(createInspectionRoute, async (c) => {
    const staff = c.get('staff');
    const body = c.req.valid('json');
    const asset = await getAssetRef(sql, body.assetId);
    if (!asset) throw unprocessable('unknown_asset', `no asset ${body.assetId}`);
    const departmentId = body.departmentId ?? staff.departmentId;
    if (!departmentId) throw unprocessable('department_required', 'give a departmentId');
    if (!(await departmentExists(sql, departmentId))) throw unprocessable('unknown_department', `no department ${departmentId}`);
    // Inspections are recorded by the department's own people (crew included: routine visual checks).
    const scope = rowScope(staff, 'write');
    const allowed = 'all' in scope || ('assignedTo' in scope ? staff.departmentId === departmentId : canWrite(staff, { departmentId }));
    if (!allowed) throw denied('department', departmentId, true, 'cannot record inspections for another department');
    if (body.inspectedOn > new Date().toISOString().slice(0, 10)) throw unprocessable('future_date', 'inspectedOn is in the future');
    if (body.workOrderId !== undefined) {
      const w = await getWorkOrder(sql, body.workOrderId);
      if (!w || !canRead(staff, ownedBy(w))) throw unprocessable('unknown_work_order', `no work order ${body.workOrderId}`);
    }
    const row = await sql.begin(async (tx) => {
      const id = await insertInspection(tx, {
        assetId: asset.id,
        kind: body.kind,
        inspectedOn: body.inspectedOn,
        inspectorId: staff.id,
        departmentId,
        checklist: body.checklist,
        result: body.result,
        notes: body.notes,
        workOrderId: body.workOrderId ?? null,
      });
      const [i] = await listInspections(tx, { id, limit: 1 });
      await recordAudit(tx, c, {
        action: 'inspection.create',
        objectType: 'inspection',
        objectId: id,
        after: { assetId: i!.asset_id, kind: i!.kind, inspectedOn: i!.inspected_on, result: i!.result, nextDue: i!.next_due, departmentId },
      });
      return i!;
    });
    return c.json({ inspection: inspectionJson(row) }, 201);
  });

  /** Inspections follow department scope; crew read their department's (they do the routine checks). */
  const inspectionScope = (staff: Staff): string | null | undefined => {
    const scope = rowScope(staff, 'read');
    return 'all' in scope ? undefined : 'none' in scope ? null : staff.departmentId;
  };

  app.openapi(inspectionsRoute, async (c) => {
    const staff = c.get('staff');
    const q = c.req.valid('query');
    const limit = limitParam(q.limit, 100, 500);
    const rows = await listInspections(sql, {
      assetId: q.asset ? parseId(q.asset, 'asset') : undefined,
      kind: optionalEnum(q.kind, INSPECTION_KINDS, 'kind'),
      before: q.before ? parseId(q.before, 'before') : undefined,
      scopeDepartment: inspectionScope(staff),
      limit,
    });
    return c.json({ inspections: rows.map(inspectionJson), next: rows.length === limit ? rows[rows.length - 1]!.id : null }, 200);
  });

  app.openapi(dueRoute, async (c) => {
    const staff = c.get('staff');
    const q = c.req.valid('query');
    if (q.by !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(q.by)) throw badRequest('invalid_parameter', 'by must be YYYY-MM-DD');
    const rows = await listDue(sql, { assetId: q.asset ? parseId(q.asset, 'asset') : undefined, dueBy: q.by, scopeDepartment: inspectionScope(staff), limit: limitParam(q.limit, 500, 5000) });
    return c.json({
      due: rows.map((r) => ({
        assetId: r.asset_id,
        assetName: r.asset_name,
        layerId: r.layer_id,
        kind: r.kind,
        lastInspectionId: r.last_inspection_id,
        lastInspectedOn: r.last_inspected_on,
        lastResult: r.last_result,
        nextDue: r.next_due,
        overdue: r.overdue,
      })),
    }, 200);
  });

  // ---- per-asset history ----

  app.openapi(historyRoute, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const asset = await getAssetRef(sql, id);
    if (!asset) throw notFound(`no asset ${id}`);
    const [workOrders, inspections, due] = await Promise.all([
      listWorkOrders(sql, rowScope(staff, 'read'), { assetId: id, limit: 500 }),
      listInspections(sql, { assetId: id, scopeDepartment: inspectionScope(staff), limit: 500 }),
      listDue(sql, { assetId: id, scopeDepartment: inspectionScope(staff), limit: 10 }),
    ]);
    return c.json({
      asset: { id: asset.id, layerId: asset.layer_id, name: asset.name },
      workOrders: workOrders.map((w) => workOrderJson(w, readerLocale(c))),
      inspections: inspections.map(inspectionJson),
      due: due.map((r) => ({ kind: r.kind, nextDue: r.next_due, overdue: r.overdue, lastResult: r.last_result })),
    }, 200);
  });

  // ---- public registry map ----

  /**
   * What is being repaired where, for citizens: GeoJSON from the public_work_orders view only,
   * through an allowlist of properties (docs/reliability.md rule 1). No crew, user ids, costs, free
   * text or photos: see migrations/0025 for why each is left out.
   */
  app.openapi(publicRoute, async (c) => {
    const q = c.req.valid('query');
    let bbox;
    if (q.bbox !== undefined) {
      const parsed = parseBbox(q.bbox);
      if ('error' in parsed) throw badRequest('invalid_bbox', parsed.error);
      bbox = parsed.bbox;
    }
    const status = optionalEnum(q.status, PUBLIC_STATUSES, 'status');
    const rows = await listPublicWorkOrders(sql, { kind: optionalEnum(q.kind, WORK_ORDER_KINDS, 'kind'), status, bbox, limit: limitParam(q.limit, 5000, 5000) });
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(
      {
        type: 'FeatureCollection' as const,
        features: rows.map((r) => ({
          type: 'Feature' as const,
          id: r.id,
          geometry: r.geometry,
          properties: {
            id: r.id,
            kind: r.kind,
            status: r.status,
            statusName: { el: r.status_name_el, en: r.status_name_en },
            department: { el: r.department_name_el, en: r.department_name_en },
            asset: r.asset_id === null ? null : { id: r.asset_id, name: r.asset_name, layerId: r.layer_id },
            plannedStart: r.planned_start,
            plannedEnd: r.planned_end,
            startedOn: r.started_on,
            finishedOn: r.finished_on,
            updatedAt: r.updated_at,
          },
        })),
        numberReturned: rows.length,
      },
      200,
      { 'Content-Type': 'application/geo+json' },
    );
  });

  return app;
}
