/**
 * Queries of the field crew view: today's work orders of one crew member with what a phone needs
 * offline (asset geometry, an address, a priority, notes and photos), notes, and the operation
 * ledger that makes replays of queued changes harmless (migrations/0040).
 */
import type { LocalisedTitle } from '../../../../lib/work-order-title.ts';
import type { WorkOrderKind, WorkOrderStatus } from '../../../../lib/registries.schema.ts';

import type { Db } from '../../db.ts';

/** "Today" is the municipality's calendar day, not the server's or UTC's. */
/** The crew's day is the municipality's calendar day (municipality_settings.timezone). */

export interface CrewOrderRow {
  id: number;
  kind: WorkOrderKind;
  title: string;
  title_i18n: LocalisedTitle | null;
  description: string;
  status: WorkOrderStatus;
  version: number;
  department_id: string;
  asset_id: number | null;
  asset_name: string | null;
  asset_layer_id: string | null;
  layer_name_el: string | null;
  layer_name_en: string | null;
  asset_geometry: GeoJSON.Geometry | null;
  lon: number;
  lat: number;
  planned_start: string | null;
  planned_end: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  priority: string;
  priority_rank: number;
  address: string | null;
  crew: number[];
  notes: { id: number; body: string; author: string | null; authorId: number | null; addedAt: string }[];
  reports: { id: number; number: string; status: string; category: { el: string; en: string }; description: string | null; createdAt: string; photos: { sha256: string; thumbSha256: string }[] }[];
  photos: { id: number; phase: 'before' | 'after'; sha256: string; thumbSha256: string | null; addedAt: string }[];
}

/**
 * One select for the list and the detail. Priority: the most urgent of the citizen reports the
 * work answers (work orders have no priority of their own), else normal. Address: the first
 * report's address, else the asset's own address or street attribute, else the nearest street
 * (index-assisted nearest neighbour on the roads layer), so a crew always has something to
 * navigate by.
 */
function crewOrderSelect(sql: Db) {
  return sql`
    select
      w.id, w.kind, w.title, w.title_i18n, w.description, w.status, w.version, w.department_id,
      w.asset_id, a.name as asset_name, a.layer_id as asset_layer_id, l.name_el as layer_name_el, l.name_en as layer_name_en,
      case when a.id is null then null else st_asgeojson(a.geom, 6)::json end as asset_geometry,
      st_x(w.location) as lon, st_y(w.location) as lat,
      to_char(w.planned_start, 'YYYY-MM-DD') as planned_start, to_char(w.planned_end, 'YYYY-MM-DD') as planned_end,
      w.started_at, w.finished_at, w.updated_at,
      coalesce(pr.priority, 'normal') as priority,
      coalesce(pr.rank, 2)::int as priority_rank,
      coalesce(
        (select i.address from work_order_incidents wi join incidents i on i.id = wi.incident_id
          where wi.work_order_id = w.id and nullif(btrim(i.address), '') is not null order by wi.incident_id limit 1),
        nullif(btrim(a.properties ->> 'address'), ''),
        nullif(btrim(a.properties ->> 'street'), ''),
        (select r.name from assets r
          where r.layer_id = 'roads' and r.name is not null
          order by r.geom_3857 <-> st_transform(w.location, 3857) limit 1)
      ) as address,
      coalesce((select json_agg(c.user_id order by c.user_id) from work_order_crew c where c.work_order_id = w.id), '[]') as crew,
      coalesce((
        select json_agg(json_build_object('id', n.id, 'body', n.body, 'author', u.name, 'authorId', n.added_by, 'addedAt', n.added_at) order by n.id)
        from work_order_notes n left join users u on u.id = n.added_by
        where n.work_order_id = w.id
      ), '[]') as notes,
      -- The citizen reports the work answers, as the crew needs them on site: what was reported
      -- and the re-encoded photos. A description held back for personal data (contact details
      -- typed into it) is not shown; the reporter's name and contact never are.
      coalesce((
        select json_agg(json_build_object(
          'id', i.id, 'number', i.protocol_number, 'status', i.status,
          'category', json_build_object('el', cat.name_el, 'en', cat.name_en),
          'description', case when i.needs_moderation then null else i.description end,
          'createdAt', i.created_at,
          'photos', coalesce((
            select json_agg(json_build_object('sha256', at.sha256, 'thumbSha256', at.thumb_sha256) order by at.id)
            from attachments at where at.incident_id = i.id and at.status = 'ready'
          ), '[]')) order by i.id)
        from work_order_incidents wi join incidents i on i.id = wi.incident_id join categories cat on cat.id = i.category_id
        where wi.work_order_id = w.id
      ), '[]') as reports,
      coalesce((
        select json_agg(json_build_object('id', p.id, 'phase', p.phase, 'sha256', p.sha256, 'thumbSha256', p.thumb_sha256, 'addedAt', p.added_at) order by p.id)
        from work_order_photos p where p.work_order_id = w.id
      ), '[]') as photos
    from work_orders w
    left join assets a on a.id = w.asset_id
    left join layers l on l.id = a.layer_id
    left join lateral (
      select ip.priority, ip.rank
      from work_order_incidents wi
      join incidents i on i.id = wi.incident_id
      join incident_priorities ip on ip.priority = i.priority
      where wi.work_order_id = w.id
      order by ip.rank desc
      limit 1
    ) pr on true
  `;
}

/**
 * The work of one crew member for today: open work that has started or is due (planned start
 * today or earlier, or no date), work in progress, and what they finished today. Most urgent first.
 */
export async function listTodayFor(sql: Db, userId: number): Promise<{ today: string; rows: CrewOrderRow[] }> {
  const [{ today }] = await sql<{ today: string }[]>`select to_char((now() at time zone municipality_timezone())::date, 'YYYY-MM-DD') as today`;
  const rows = await sql<CrewOrderRow[]>`
    ${crewOrderSelect(sql)}
    where exists (select 1 from work_order_crew c where c.work_order_id = w.id and c.user_id = ${userId})
      and (
        (w.status in ('planned', 'scheduled', 'in_progress') and coalesce(w.planned_start, ${today}::date) <= ${today}::date)
        or (w.status = 'done' and (w.finished_at at time zone municipality_timezone())::date = ${today}::date)
      )
    order by coalesce(pr.rank, 2) desc, (w.status = 'done'), w.planned_start nulls last, w.id
    limit 200
  `;
  return { today, rows };
}

export async function getCrewOrder(sql: Db, id: number): Promise<CrewOrderRow | undefined> {
  const [row] = await sql<CrewOrderRow[]>`${crewOrderSelect(sql)} where w.id = ${id}`;
  return row;
}

/** The moves a role may make (admin: all), so the phone can offer valid next states offline. */
export async function transitionsFor(sql: Db, role: string): Promise<{ from: WorkOrderStatus; to: WorkOrderStatus }[]> {
  return sql<{ from: WorkOrderStatus; to: WorkOrderStatus }[]>`
    select from_status as from, to_status as to from work_order_transitions
    where ${role} = 'admin' or ${role} = any(roles)
    order by from_status, to_status
  `;
}

export interface OpClaim {
  replayed: boolean;
  result: Record<string, unknown>;
}

export class OpMismatch extends Error {}

/**
 * Records an operation id in the ledger, in the caller's transaction. `replayed: true` means the
 * id was applied before (a resend): the caller must change nothing. An id reused for a different
 * user, work order or kind is an error, not a replay.
 */
export async function claimOp(sql: Db, op: { id: string; userId: number; workOrderId: number; kind: 'transition' | 'note' | 'photo' }): Promise<OpClaim> {
  const inserted = await sql`
    insert into crew_ops (client_op_id, user_id, work_order_id, kind)
    values (${op.id}, ${op.userId}, ${op.workOrderId}, ${op.kind})
    on conflict (client_op_id) do nothing
    returning client_op_id`;
  if (inserted.length) return { replayed: false, result: {} };
  const prev = await findOp(sql, op.id);
  if (!prev || prev.user_id !== op.userId || prev.work_order_id !== op.workOrderId || prev.kind !== op.kind) throw new OpMismatch(op.id);
  return { replayed: true, result: prev.result };
}

export async function findOp(sql: Db, id: string) {
  const [row] = await sql<{ user_id: number; work_order_id: number; kind: string; result: Record<string, unknown> }[]>`
    select user_id, work_order_id, kind, result from crew_ops where client_op_id = ${id}`;
  return row;
}

export async function setOpResult(sql: Db, id: string, result: Record<string, unknown>): Promise<void> {
  await sql`update crew_ops set result = ${sql.json(result as never)} where client_op_id = ${id}`;
}

export async function insertNote(sql: Db, workOrderId: number, body: string, userId: number): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into work_order_notes (work_order_id, body, added_by) values (${workOrderId}, ${body}, ${userId}) returning id`;
  return row!.id;
}

export async function countPhotos(sql: Db, workOrderId: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from work_order_photos where work_order_id = ${workOrderId}`;
  return row!.n;
}

export async function setPhotoThumb(sql: Db, workOrderId: number, sha256: string, thumbSha256: string): Promise<number | undefined> {
  const [row] = await sql<{ id: number }[]>`
    update work_order_photos set thumb_sha256 = ${thumbSha256}
    where work_order_id = ${workOrderId} and sha256 = ${sha256}
    returning id`;
  return row?.id;
}

/**
 * The work orders a stored photo file (image or thumbnail) belongs to: the work order's own
 * photos, and the processed photos of the citizen reports it answers.
 */
export async function photoOwners(sql: Db, sha256: string): Promise<{ department_id: string; crew: number[] }[]> {
  return sql<{ department_id: string; crew: number[] }[]>`
    select w.department_id,
           coalesce((select json_agg(c.user_id) from work_order_crew c where c.work_order_id = w.id), '[]') as crew
    from work_orders w
    where w.id in (
      select p.work_order_id from work_order_photos p where p.sha256 = ${sha256} or p.thumb_sha256 = ${sha256}
      union
      select wi.work_order_id from attachments at join work_order_incidents wi on wi.incident_id = at.incident_id
      where at.status = 'ready' and (at.sha256 = ${sha256} or at.thumb_sha256 = ${sha256})
    )`;
}
