import type { BBox } from '../../../../lib/geo.ts';
import type { LocalisedTitle } from '../../../../lib/work-order-title.ts';
import type { MaterialLine, PUBLIC_STATUSES, WorkOrderKind, WorkOrderStatus } from '../../../../lib/registries.schema.ts';
import type { z } from 'zod';
import type { RowScope } from '../auth/authz.ts';

/** A client or a transaction. */
import type { Db } from '../../db.ts';


export interface WorkOrderRow {
  id: number;
  kind: WorkOrderKind;
  title: string;
  /** The generated title per locale; null when typed by hand (migrations/0090). */
  title_i18n: LocalisedTitle | null;
  description: string;
  status: WorkOrderStatus;
  asset_id: number | null;
  asset_name: string | null;
  asset_layer_id: string | null;
  lon: number;
  lat: number;
  department_id: string;
  planned_start: string | null;
  planned_end: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  verified_at: Date | null;
  verified_by: number | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  estimated_cost: number | null;
  actual_cost: number | null;
  materials: z.infer<typeof MaterialLine>[];
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  crew: { id: number; name: string }[];
  incident_ids: number[];
  photos: { id: number; phase: 'before' | 'after'; sha256: string; caption: string | null; addedAt: string }[];
}

function scopeFilter(sql: Db, scope: RowScope) {
  if ('all' in scope) return sql``;
  if ('none' in scope) return sql`and false`;
  if ('assignedTo' in scope) return sql`and exists (select 1 from work_order_crew c where c.work_order_id = w.id and c.user_id = ${scope.assignedTo})`;
  return scope.departmentId === null ? sql`and false` : sql`and w.department_id = ${scope.departmentId}`;
}

function workOrderSelect(sql: Db) {
  return sql`
    select
      w.id, w.kind, w.title, w.title_i18n, w.description, w.status, w.asset_id, a.name as asset_name, a.layer_id as asset_layer_id,
      st_x(w.location) as lon, st_y(w.location) as lat, w.department_id,
      to_char(w.planned_start, 'YYYY-MM-DD') as planned_start, to_char(w.planned_end, 'YYYY-MM-DD') as planned_end,
      w.started_at, w.finished_at, w.verified_at, w.verified_by, w.cancelled_at, w.cancel_reason,
      w.estimated_cost::float8 as estimated_cost, w.actual_cost::float8 as actual_cost, w.materials,
      w.created_by, w.created_at, w.updated_at, w.version,
      coalesce((
        select json_agg(json_build_object('id', u.id, 'name', u.name) order by u.id)
        from work_order_crew c join users u on u.id = c.user_id
        where c.work_order_id = w.id
      ), '[]') as crew,
      coalesce((select json_agg(wi.incident_id order by wi.incident_id) from work_order_incidents wi where wi.work_order_id = w.id), '[]') as incident_ids,
      coalesce((
        select json_agg(json_build_object('id', p.id, 'phase', p.phase, 'sha256', p.sha256, 'caption', p.caption, 'addedAt', p.added_at) order by p.id)
        from work_order_photos p where p.work_order_id = w.id
      ), '[]') as photos
    from work_orders w
    left join assets a on a.id = w.asset_id
  `;
}

export async function getWorkOrder(sql: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<WorkOrderRow | undefined> {
  if (opts.forUpdate) await sql`select id from work_orders where id = ${id} for update`;
  const [row] = await sql<WorkOrderRow[]>`${workOrderSelect(sql)} where w.id = ${id}`;
  return row;
}

export interface WorkOrderFilter {
  kind?: string;
  status?: string;
  departmentId?: string;
  assetId?: number;
  /** Keyset cursor: ids below this one (newest first). */
  before?: number;
  limit: number;
}

export async function listWorkOrders(sql: Db, scope: RowScope, f: WorkOrderFilter): Promise<WorkOrderRow[]> {
  return sql<WorkOrderRow[]>`
    ${workOrderSelect(sql)}
    where true
      ${scopeFilter(sql, scope)}
      ${f.kind ? sql`and w.kind = ${f.kind}` : sql``}
      ${f.status ? sql`and w.status = ${f.status}` : sql``}
      ${f.departmentId ? sql`and w.department_id = ${f.departmentId}` : sql``}
      ${f.assetId ? sql`and w.asset_id = ${f.assetId}` : sql``}
      ${f.before ? sql`and w.id < ${f.before}` : sql``}
    order by w.id desc
    limit ${f.limit}
  `;
}

export interface AssetRef {
  id: number;
  layer_id: string;
  layer_group: string;
  layer_public: boolean;
  name: string | null;
  lon: number;
  lat: number;
}

/** The asset a work order or inspection is about, with a representative point (on its surface). */
export async function getAssetRef(sql: Db, id: number): Promise<AssetRef | undefined> {
  const [row] = await sql<AssetRef[]>`
    select a.id, a.layer_id, l.layer_group, l.is_public as layer_public, a.name,
           st_x(st_pointonsurface(a.geom)) as lon, st_y(st_pointonsurface(a.geom)) as lat
    from assets a
    join layers l on l.id = a.layer_id
    where a.id = ${id}
  `;
  return row;
}

export interface IncidentRef {
  id: number;
  asset_id: number | null;
  department_id: string;
  assigned_to: number | null;
  lon: number;
  lat: number;
}

/** What a work order opened from incidents takes from them: the asset, the place, the department. */
export async function getIncidentRefs(sql: Db, ids: number[]): Promise<IncidentRef[]> {
  if (ids.length === 0) return [];
  return sql<IncidentRef[]>`
    select i.id, i.asset_id, i.department_id, i.assigned_to, st_x(i.geom) as lon, st_y(i.geom) as lat
    from incidents i
    where i.id = any(${ids}::bigint[])
    order by array_position(${ids}::bigint[], i.id)
  `;
}

export interface NewWorkOrder {
  kind: string;
  title: string;
  titleI18n: LocalisedTitle | null;
  description: string;
  status: string;
  assetId: number | null;
  lon: number;
  lat: number;
  departmentId: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  estimatedCost: number | null;
  materials: unknown[];
  createdBy: number;
}

export async function insertWorkOrder(sql: Db, w: NewWorkOrder): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into work_orders (kind, title, title_i18n, description, status, asset_id, location, department_id, planned_start, planned_end, estimated_cost, materials, created_by)
    values (
      ${w.kind}, ${w.title}, ${w.titleI18n === null ? null : sql.json(w.titleI18n)}, ${w.description}, ${w.status}, ${w.assetId},
      st_setsrid(st_makepoint(${w.lon}, ${w.lat}), 4326), ${w.departmentId},
      ${w.plannedStart}::date, ${w.plannedEnd}::date, ${w.estimatedCost}, ${sql.json(w.materials as never)}, ${w.createdBy}
    )
    returning id
  `;
  return row!.id;
}

export interface WorkOrderPatch {
  title?: string;
  description?: string;
  departmentId?: string;
  plannedStart?: string | null;
  plannedEnd?: string | null;
  estimatedCost?: number | null;
  actualCost?: number | null;
  materials?: unknown[];
}

export async function updateWorkOrder(sql: Db, id: number, p: WorkOrderPatch): Promise<void> {
  const keep = <T>(v: T | undefined, col: string) => (v === undefined ? sql(col) : v);
  await sql`
    update work_orders set
      title = ${keep(p.title, 'title')},
      -- A title typed over a generated one is a hand-typed title from now on.
      title_i18n = ${p.title === undefined ? sql('title_i18n') : null},
      description = ${keep(p.description, 'description')},
      department_id = ${keep(p.departmentId, 'department_id')},
      planned_start = ${p.plannedStart === undefined ? sql`planned_start` : sql`${p.plannedStart}::date`},
      planned_end = ${p.plannedEnd === undefined ? sql`planned_end` : sql`${p.plannedEnd}::date`},
      estimated_cost = ${keep(p.estimatedCost, 'estimated_cost')},
      actual_cost = ${keep(p.actualCost, 'actual_cost')},
      materials = ${p.materials === undefined ? sql`materials` : sql.json(p.materials as never)}
    where id = ${id}
  `;
}

/** The status change itself; the trigger (0023) refuses moves not in work_order_transitions. */
export async function setWorkOrderStatus(sql: Db, id: number, to: string, by: number, reason: string | null): Promise<void> {
  await sql`
    update work_orders set
      status = ${to},
      cancel_reason = case when ${to} = 'cancelled' then ${reason} else cancel_reason end,
      verified_by = case when ${to} = 'verified' then ${by}::bigint else verified_by end
    where id = ${id}
  `;
}

export async function transitionRoles(sql: Db, from: string, to: string): Promise<string[] | null> {
  const [row] = await sql<{ roles: string[] }[]>`select roles from work_order_transitions where from_status = ${from} and to_status = ${to}`;
  return row?.roles ?? null;
}

/** Crew members must be enabled crew or technicians; returns the ids that are not. */
export async function invalidCrew(sql: Db, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    select id from users where id = any(${userIds}::bigint[]) and disabled_at is null and role in ('crew', 'technician')
  `;
  const ok = new Set(rows.map((r) => r.id));
  return userIds.filter((u) => !ok.has(u));
}

export async function setCrew(sql: Db, workOrderId: number, userIds: number[]): Promise<void> {
  await sql`delete from work_order_crew where work_order_id = ${workOrderId}`;
  if (userIds.length) {
    await sql`insert into work_order_crew (work_order_id, user_id) select ${workOrderId}, unnest(${userIds}::bigint[]) on conflict do nothing`;
  }
}

export async function setIncidents(sql: Db, workOrderId: number, incidentIds: number[]): Promise<void> {
  await sql`delete from work_order_incidents where work_order_id = ${workOrderId}`;
  if (incidentIds.length) {
    await sql`insert into work_order_incidents (work_order_id, incident_id) select ${workOrderId}, unnest(${incidentIds}::bigint[]) on conflict do nothing`;
  }
}

/** A photo change bumps the work order's version too, so an offline client sees the change. */
/**
 * Who may already see a stored photo file: the reports it is attached to and the work orders
 * that hold it. Attaching a hash to a work order is allowed only to someone who can see one of
 * these, so a hash cannot be used to pull a hidden report's photo into a work order.
 */
export async function findPhotoHolders(sql: Db, sha256: string): Promise<{ department_id: string; assignees: number[] }[]> {
  return sql<{ department_id: string; assignees: number[] }[]>`
    select i.department_id, case when i.assigned_to is null then '[]'::json else json_build_array(i.assigned_to) end as assignees
    from attachments a join incidents i on i.id = a.incident_id
    where a.status = 'ready' and (a.sha256 = ${sha256} or a.thumb_sha256 = ${sha256})
    union all
    select w.department_id, coalesce((select json_agg(c.user_id) from work_order_crew c where c.work_order_id = w.id), '[]') as assignees
    from work_order_photos p join work_orders w on w.id = p.work_order_id
    where p.sha256 = ${sha256} or p.thumb_sha256 = ${sha256}`;
}

export async function addPhoto(sql: Db, workOrderId: number, p: { phase: string; sha256: string; caption: string | null; addedBy: number }): Promise<boolean> {
  const rows = await sql`
    insert into work_order_photos (work_order_id, phase, sha256, caption, added_by)
    values (${workOrderId}, ${p.phase}, ${p.sha256}, ${p.caption}, ${p.addedBy})
    on conflict (work_order_id, sha256) do nothing
    returning id
  `;
  if (rows.length) await sql`update work_orders set updated_at = now() where id = ${workOrderId}`;
  return rows.length > 0;
}

// ---- public read model ----

export interface PublicWorkOrderRow {
  id: number;
  kind: WorkOrderKind;
  status: (typeof PUBLIC_STATUSES)[number];
  status_name_el: string;
  status_name_en: string;
  department_name_el: string;
  department_name_en: string;
  asset_id: number | null;
  asset_name: string | null;
  layer_id: string | null;
  planned_start: string | null;
  planned_end: string | null;
  started_on: string | null;
  finished_on: string | null;
  updated_at: Date;
  geometry: { type: 'Point'; coordinates: [number, number] };
}

/** Reads only the public_work_orders view (0025): the columns a citizen may see, nothing else. */
export async function listPublicWorkOrders(sql: Db, f: { kind?: string; status?: string; bbox?: BBox; limit: number }): Promise<PublicWorkOrderRow[]> {
  return sql<PublicWorkOrderRow[]>`
    select id, kind, status, status_name_el, status_name_en, department_name_el, department_name_en,
           asset_id, asset_name, layer_id,
           to_char(planned_start, 'YYYY-MM-DD') as planned_start, to_char(planned_end, 'YYYY-MM-DD') as planned_end,
           to_char(started_on, 'YYYY-MM-DD') as started_on, to_char(finished_on, 'YYYY-MM-DD') as finished_on,
           updated_at, st_asgeojson(geom, 6)::json as geometry
    from public_work_orders
    where true
      ${f.kind ? sql`and kind = ${f.kind}` : sql``}
      ${f.status ? sql`and status = ${f.status}` : sql``}
      ${f.bbox ? sql`and geom && st_makeenvelope(${f.bbox[0]}, ${f.bbox[1]}, ${f.bbox[2]}, ${f.bbox[3]}, 4326)` : sql``}
    order by updated_at desc, id desc
    limit ${f.limit}
  `;
}
