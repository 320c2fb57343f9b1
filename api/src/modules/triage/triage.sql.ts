/**
 * Query functions of the staff triage desk: the queue, the detail panel and the control-room map
 * data (the changes staff make are in incidents/incidents.sql.ts). Every read takes a RowScope (auth/authz.ts) and applies it in
 * SQL, so a report outside the caller's scope is never fetched at all.
 */
import type { StaffFeatureRow } from '../../../../lib/staff-incident.ts';
import type { RowScope } from '../auth/authz.ts';

/** A client or a transaction. */
import type { Db } from '../../db.ts';
export type { Db };

/** The scope as a filter on `incidents i`. Crew see the reports assigned to them. */
export function incidentScope(sql: Db, scope: RowScope) {
  if ('all' in scope) return sql``;
  if ('none' in scope) return sql`and false`;
  if ('assignedTo' in scope) return sql`and i.assigned_to = ${scope.assignedTo}`;
  return scope.departmentId === null ? sql`and false` : sql`and i.department_id = ${scope.departmentId}`;
}

export interface QueueFilter {
  statuses?: string[];
  categories?: string[];
  departments?: string[];
  districts?: string[];
  priorities?: string[];
  slaStates?: string[];
  /** Reports at least / at most this many hours old. */
  minAgeHours?: number;
  maxAgeHours?: number;
  bbox?: [number, number, number, number];
  /** A user id, or null for unassigned. */
  assignedTo?: number | null;
  needsModeration?: boolean;
}

export type QueueSort = 'newest' | 'oldest' | 'sla' | 'priority' | 'updated';

export interface QueueRow {
  id: number;
  number: string;
  status: string;
  open: boolean;
  priority: string;
  category_id: string;
  department_id: string;
  district_code: string | null;
  assigned_to: number | null;
  assigned_name: string | null;
  created_at: Date;
  updated_at: Date;
  sla_due_at: Date;
  sla_breached_at: Date | null;
  sla_state: 'ok' | 'due_soon' | 'breached';
  support_count: number;
  address: string | null;
  description: string;
  lon: number;
  lat: number;
  hidden: boolean;
  needs_moderation: boolean;
  possible_duplicate_of: number | null;
  possible_duplicate_number: string | null;
  duplicate_of: number | null;
  duplicate_number: string | null;
  asset_id: number | null;
  asset_layer_id: string | null;
  channel: string;
  photo_count: number;
}

function queueWhere(sql: Db, scope: RowScope, f: QueueFilter) {
  return sql`
    where true
      ${incidentScope(sql, scope)}
      ${f.statuses?.length ? sql`and i.status = any(${f.statuses})` : sql``}
      ${f.categories?.length ? sql`and i.category_id = any(${f.categories})` : sql``}
      ${f.departments?.length ? sql`and i.department_id = any(${f.departments})` : sql``}
      ${f.districts?.length ? sql`and i.district_code = any(${f.districts})` : sql``}
      ${f.priorities?.length ? sql`and i.priority = any(${f.priorities})` : sql``}
      ${f.slaStates?.length ? sql`and incident_sla_state(i.status, i.created_at, i.sla_due_at, i.sla_breached_at, now()) = any(${f.slaStates})` : sql``}
      ${f.minAgeHours !== undefined ? sql`and i.created_at <= now() - make_interval(secs => ${f.minAgeHours * 3600})` : sql``}
      ${f.maxAgeHours !== undefined ? sql`and i.created_at >= now() - make_interval(secs => ${f.maxAgeHours * 3600})` : sql``}
      ${f.bbox ? sql`and i.geom && st_makeenvelope(${f.bbox[0]}, ${f.bbox[1]}, ${f.bbox[2]}, ${f.bbox[3]}, 4326)` : sql``}
      ${f.assignedTo === undefined ? sql`` : f.assignedTo === null ? sql`and i.assigned_to is null` : sql`and i.assigned_to = ${f.assignedTo}`}
      ${f.needsModeration === undefined ? sql`` : sql`and (i.needs_moderation or i.hidden) = ${f.needsModeration}`}`;
}

const SORTS = (sql: Db): Record<QueueSort, ReturnType<Db>> => ({
  newest: sql`i.created_at desc, i.id desc`,
  oldest: sql`i.created_at, i.id`,
  sla: sql`i.sla_due_at, i.id`,
  priority: sql`p.rank desc, i.created_at, i.id`,
  updated: sql`i.updated_at desc, i.id desc`,
});

export async function listQueue(sql: Db, scope: RowScope, f: QueueFilter, sort: QueueSort, limit: number, offset: number): Promise<QueueRow[]> {
  return sql<QueueRow[]>`
    select i.id, i.protocol_number as number, i.status, s.open, i.priority, i.category_id, i.department_id, i.district_code,
           i.assigned_to, u.name as assigned_name, i.created_at, i.updated_at, i.sla_due_at, i.sla_breached_at,
           incident_sla_state(i.status, i.created_at, i.sla_due_at, i.sla_breached_at, now()) as sla_state,
           i.support_count, i.address, left(i.description, 200) as description,
           round(st_x(i.geom)::numeric, 6)::float8 as lon, round(st_y(i.geom)::numeric, 6)::float8 as lat,
           i.hidden, i.needs_moderation, i.possible_duplicate_of, pd.protocol_number as possible_duplicate_number,
           i.duplicate_of, dd.protocol_number as duplicate_number, i.asset_id, i.asset_layer_id, i.channel,
           (select count(*)::int from attachments a where a.incident_id = i.id and a.status <> 'rejected') as photo_count
    from incidents i
    join incident_statuses s on s.status = i.status
    join incident_priorities p on p.priority = i.priority
    left join users u on u.id = i.assigned_to
    left join incidents pd on pd.id = i.possible_duplicate_of
    left join incidents dd on dd.id = i.duplicate_of
    ${queueWhere(sql, scope, f)}
    order by ${SORTS(sql)[sort]}
    limit ${limit} offset ${offset}`;
}

export async function countQueue(sql: Db, scope: RowScope, f: QueueFilter): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from incidents i ${queueWhere(sql, scope, f)}`;
  return row!.n;
}

/** The whole private row for the detail panel (reporter contact included; the route decides who sees it). */
export interface StaffIncidentRow extends QueueRow {
  public_id: string;
  full_description: string;
  answers: Record<string, unknown>;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_phone: string | null;
  anonymous: boolean;
  moderation_reason: string | null;
  asset_distance_m: number | null;
  category_sensitive: boolean;
  ready_to_close_at: Date | null;
  ready_to_close_work_order: number | null;
}

export async function getStaffIncident(sql: Db, scope: RowScope, id: number): Promise<StaffIncidentRow | undefined> {
  const [row] = await sql<StaffIncidentRow[]>`
    select i.id, i.protocol_number as number, i.status, s.open, i.priority, i.category_id, i.department_id, i.district_code,
           i.assigned_to, u.name as assigned_name, i.created_at, i.updated_at, i.sla_due_at, i.sla_breached_at,
           incident_sla_state(i.status, i.created_at, i.sla_due_at, i.sla_breached_at, now()) as sla_state,
           i.support_count, i.address, left(i.description, 200) as description, i.description as full_description,
           round(st_x(i.geom)::numeric, 6)::float8 as lon, round(st_y(i.geom)::numeric, 6)::float8 as lat,
           i.hidden, i.needs_moderation, i.moderation_reason, i.possible_duplicate_of, pd.protocol_number as possible_duplicate_number,
           i.duplicate_of, dd.protocol_number as duplicate_number, i.asset_id, i.asset_layer_id, i.asset_distance_m, i.channel,
           (select count(*)::int from attachments a where a.incident_id = i.id and a.status <> 'rejected') as photo_count,
           i.public_id, i.answers, i.reporter_name, i.reporter_email, i.reporter_phone, i.anonymous, c.sensitive as category_sensitive,
           i.ready_to_close_at, i.ready_to_close_work_order
    from incidents i
    join incident_statuses s on s.status = i.status
    join categories c on c.id = i.category_id
    left join users u on u.id = i.assigned_to
    left join incidents pd on pd.id = i.possible_duplicate_of
    left join incidents dd on dd.id = i.duplicate_of
    where i.id = ${id}
      ${incidentScope(sql, scope)}`;
  return row;
}

export interface TimelineRow {
  id: number;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  public: boolean;
  actor: string | null;
  actor_user_id: number | null;
  actor_name: string | null;
  created_at: Date;
}

/** The full timeline, internal notes included (staff only). */
export async function listTimeline(sql: Db, incidentId: number): Promise<TimelineRow[]> {
  return sql<TimelineRow[]>`
    select e.id, e.kind, e.from_status, e.to_status, e.note, e.public, e.actor, e.actor_user_id, u.name as actor_name, e.created_at
    from incident_events e
    left join users u on u.id = e.actor_user_id
    where e.incident_id = ${incidentId}
    order by e.id`;
}

export interface StaffPhotoRow {
  id: number;
  status: string;
  sha256: string | null;
  thumb_sha256: string | null;
  width: number | null;
  height: number | null;
  created_at: Date;
}

export async function listStaffPhotos(sql: Db, incidentId: number): Promise<StaffPhotoRow[]> {
  return sql<StaffPhotoRow[]>`
    select id, status, sha256, thumb_sha256, width, height, created_at
    from attachments where incident_id = ${incidentId} order by id`;
}

/** The report (department and assignee) a photo derivative belongs to, for the staff photo route. */
/**
 * Every report holding a photo file. Files are content-addressed (one file for the same photo on
 * two reports), so access is "may read any of them", never whichever row came first.
 */
export async function findPhotoOwners(sql: Db, hash: string): Promise<{ incident_id: number; department_id: string; assigned_to: number | null }[]> {
  return sql<{ incident_id: number; department_id: string; assigned_to: number | null }[]>`
    select i.id as incident_id, i.department_id, i.assigned_to
    from attachments a join incidents i on i.id = a.incident_id
    where a.status = 'ready' and (a.sha256 = ${hash} or a.thumb_sha256 = ${hash})`;
}

export interface AssetDetailRow {
  id: number;
  layer_id: string;
  layer_name_el: string;
  layer_name_en: string;
  layer_group: string;
  external_id: string | null;
  name: string | null;
  properties: Record<string, unknown>;
  condition: string | null;
  criticality: number | null;
  install_date: string | null;
  lon: number;
  lat: number;
}

export async function getAssetDetail(sql: Db, assetId: number): Promise<AssetDetailRow | undefined> {
  const [row] = await sql<AssetDetailRow[]>`
    select a.id, a.layer_id, l.name_el as layer_name_el, l.name_en as layer_name_en, l.layer_group, a.external_id, a.name,
           a.properties, a.condition, a.criticality, to_char(a.install_date, 'YYYY-MM-DD') as install_date,
           st_x(st_pointonsurface(a.geom)) as lon, st_y(st_pointonsurface(a.geom)) as lat
    from assets a join layers l on l.id = a.layer_id
    where a.id = ${assetId}`;
  return row;
}

export interface AssetIncidentRow {
  id: number;
  number: string;
  status: string;
  category_id: string;
  created_at: Date;
  resolved_at: Date | null;
}

/** Past and current reports on the same asset (the asset's incident history), newest first. */
export async function listAssetIncidents(sql: Db, scope: RowScope, assetId: number, excludeId: number, limit = 50): Promise<AssetIncidentRow[]> {
  return sql<AssetIncidentRow[]>`
    select i.id, i.protocol_number as number, i.status, i.category_id, i.created_at,
           (select min(e.created_at) from incident_events e where e.incident_id = i.id and e.kind = 'status' and e.to_status = 'resolved') as resolved_at
    from incidents i
    where i.asset_id = ${assetId} and i.id <> ${excludeId}
      ${incidentScope(sql, scope)}
    order by i.created_at desc
    limit ${limit}`;
}

export interface LinkedWorkOrderRow {
  id: number;
  kind: string;
  title: string;
  status: string;
  department_id: string;
  created_at: Date;
}

export async function listIncidentWorkOrders(sql: Db, incidentId: number): Promise<LinkedWorkOrderRow[]> {
  return sql<LinkedWorkOrderRow[]>`
    select w.id, w.kind, w.title, w.status, w.department_id, w.created_at
    from work_order_incidents wi join work_orders w on w.id = wi.work_order_id
    where wi.incident_id = ${incidentId}
    order by w.id`;
}

export interface NearbyRow {
  id: number;
  number: string;
  status: string;
  category_id: string;
  created_at: Date;
  support_count: number;
  distance_m: number;
  same_category: boolean;
}

/**
 * Possible duplicates for the detail panel: reports still open (or just resolved) within the
 * category's duplicate radius and window, same category first, then any category within the radius.
 */
export async function findNearbyDuplicates(sql: Db, scope: RowScope, id: number, limit = 10): Promise<NearbyRow[]> {
  return sql<NearbyRow[]>`
    with me as (
      select i.id, i.geom, i.category_id, i.created_at, c.duplicate_radius_m as r, c.duplicate_days as days
      from incidents i join categories c on c.id = i.category_id where i.id = ${id}
    )
    select i.id, i.protocol_number as number, i.status, i.category_id, i.created_at, i.support_count,
           round(st_distance(i.geom::geography, me.geom::geography)::numeric, 0)::float8 as distance_m,
           i.category_id = me.category_id as same_category
    from me join incidents i on i.id <> me.id
    where i.status in ('submitted', 'acknowledged', 'in_progress', 'resolved')
      and i.created_at between me.created_at - make_interval(days => me.days) and me.created_at + make_interval(days => me.days)
      and st_dwithin(i.geom, me.geom, greatest(me.r, 1) / 70000.0)
      and st_dwithin(i.geom::geography, me.geom::geography, greatest(me.r, 1))
      ${incidentScope(sql, scope)}
    order by (i.category_id = me.category_id) desc, i.geom <-> me.geom
    limit ${limit}`;
}

/** Reports merged into this one. */
export async function listMergedDuplicates(sql: Db, masterId: number): Promise<{ id: number; number: string }[]> {
  return sql<{ id: number; number: string }[]>`
    select id, protocol_number as number from incidents where duplicate_of = ${masterId} order by id`;
}

export async function listDepartments(sql: Db): Promise<{ id: string; name_el: string; name_en: string }[]> {
  return sql<{ id: string; name_el: string; name_en: string }[]>`select id, name_el, name_en from departments order by id`;
}

export async function listDistricts(sql: Db): Promise<{ code: string; name_el: string; name_en: string }[]> {
  return sql<{ code: string; name_el: string; name_en: string }[]>`select code, name_el, name_en from districts where level = 'district' order by code`;
}

// ---- control-room map ----------------------------------------------------------------------------

/** The newest staff feed id: the map data cannot have changed while it stays the same. */
export async function lastStaffFeedId(sql: Db): Promise<number> {
  const [row] = await sql<{ id: number | null }[]>`select max(id) as id from incident_staff_feed`;
  return row?.id ?? 0;
}

/**
 * Every report in scope, as the control room's map needs it (lib/staff-incident.ts encodes it).
 * Coordinates rounded to 6 decimals (~0.1 m) here, so the snapshot and the stream agree.
 */
export async function staffIncidentRows(sql: Db, scope: RowScope): Promise<StaffFeatureRow[]> {
  return sql<StaffFeatureRow[]>`
    select ${staffColumns(sql)}
    from incidents i
    where true ${incidentScope(sql, scope)}`;
}

/** The columns of StaffFeatureRow, read from `incidents i`. */
const staffColumns = (sql: Db) => sql`
  i.id, i.protocol_number as number, i.status, i.priority, i.category_id, i.department_id, i.district_code, i.assigned_to,
  incident_sla_state(i.status, i.created_at, i.sla_due_at, i.sla_breached_at, now()) as sla_state, i.sla_due_at,
  i.created_at, i.updated_at, i.hidden or i.needs_moderation as held, i.support_count,
  round(st_x(i.geom)::numeric, 6)::float8 as lon, round(st_y(i.geom)::numeric, 6)::float8 as lat`;

export async function staffIncidentsTile(sql: Db, z: number, x: number, y: number, departmentId: string | null): Promise<Buffer> {
  // Base64 rather than bytea's hex text, as for the public tiles (tiles.sql.ts renderTile).
  const [row] = await sql<{ tile: string }[]>`
    select encode(coalesce(staff_incidents_mvt(${z}, ${x}, ${y}, ${departmentId}), ''::bytea), 'base64') as tile`;
  return Buffer.from(row!.tile, 'base64');
}

// ---- staff feed ----------------------------------------------------------------------------------

/** A staff feed row: the report as it is now, at a feed position. */
export type StaffFeedRow = StaffFeatureRow & { feed_id: number };

export async function staffFeedRows(sql: Db, where: { afterId?: number; ids?: number[] }, limit: number): Promise<StaffFeedRow[]> {
  return sql<StaffFeedRow[]>`
    select f.id as feed_id, ${staffColumns(sql)}
    from incident_staff_feed f
    join incidents i on i.id = f.incident_id
    where ${where.ids ? sql`f.id = any(${where.ids})` : sql`f.id > ${where.afterId ?? 0}`}
    order by f.id
    limit ${limit}`;
}
