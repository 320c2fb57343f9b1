/** Query functions of outages (0062): traces kept as records, their grouping and the public view. */
import type { Db } from '../../db.ts';
import type { Geometry } from '../../../../lib/geojson.schema.ts';
import type { TraceRow } from './networks.sql.ts';

export interface Facility {
  asset_id: number;
  layer_id: string;
  name: string | null;
}

export interface OutageRow {
  id: number;
  network_id: string;
  kind: 'unplanned' | 'planned';
  trace: string;
  status: 'active' | 'scheduled' | 'restored' | 'cancelled';
  edge_id: number | null;
  asset_id: number | null;
  incident_id: number | null;
  incident_number: string | null;
  work_order_id: number | null;
  result: TraceRow[];
  valves_to_close: number;
  pipes_affected: number;
  connections_affected: number;
  buildings_affected: number;
  facilities: Facility[];
  area: Geometry | null;
  starts_at: Date;
  restoration_eta: Date | null;
  restored_at: Date | null;
  public_note: string | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface IncidentTraceContext {
  id: number;
  number: string;
  status: string;
  category_id: string;
  network_id: string | null;
  asset_id: number | null;
  lon: number;
  lat: number;
}

export async function findIncidentTraceContext(sql: Db, incidentId: number): Promise<IncidentTraceContext | undefined> {
  const [row] = await sql<IncidentTraceContext[]>`
    select i.id, i.protocol_number as number, i.status, i.category_id, c.network_id, i.asset_id, st_x(i.geom) as lon, st_y(i.geom) as lat
    from incidents i join categories c on c.id = i.category_id
    where i.id = ${incidentId}`;
  return row;
}

/** The newest work order opened from the report, if any: the trace is kept on it too. */
export async function findIncidentWorkOrder(sql: Db, incidentId: number): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`
    select w.id from work_order_incidents wi join work_orders w on w.id = wi.work_order_id
    where wi.incident_id = ${incidentId} and w.status <> 'cancelled'
    order by w.id desc limit 1`;
  return row?.id ?? null;
}

/** Buildings of a trace with their names and layers (public facilities, never people). */
export async function traceFacilities(sql: Db, rows: TraceRow[]): Promise<Facility[]> {
  const ids = rows.filter((r) => r.role === 'building').map((r) => r.asset_id!);
  return sql<Facility[]>`
    select id as asset_id, layer_id, name from assets
    where id = any(${ids}::bigint[])
    order by array_position(array['schools', 'kindergartens', 'municipal_buildings']::text[], layer_id) nulls last, name, id`;
}

const OUTAGE_COLUMNS = (sql: Db) => sql`
  o.id, o.network_id, o.kind, o.trace, o.status, o.edge_id, o.asset_id, o.incident_id,
  (select i.protocol_number from incidents i where i.id = o.incident_id) as incident_number,
  o.work_order_id, o.result, o.valves_to_close, o.pipes_affected, o.connections_affected, o.buildings_affected,
  o.facilities, st_asgeojson(o.area, 6)::json as area, o.starts_at, o.restoration_eta, o.restored_at, o.public_note,
  o.created_by, o.created_at, o.updated_at`;

export interface OutageInput {
  networkId: string;
  kind: 'unplanned' | 'planned';
  trace: string;
  status: 'active' | 'scheduled';
  edgeId: number;
  assetId: number | null;
  incidentId: number | null;
  workOrderId: number | null;
  result: TraceRow[];
  facilities: Facility[];
  areaEwkt: string | null;
  startsAt: Date | null;
  restorationEta: Date | null;
  publicNote: string | null;
  userId: number;
}

function counts(rows: TraceRow[]) {
  return {
    valves: rows.filter((r) => r.role === 'valve_to_close').length,
    pipes: rows.filter((r) => r.element === 'edge').length,
    connections: rows.filter((r) => r.role === 'connection').length,
    buildings: rows.filter((r) => r.role === 'building').length,
  };
}

export async function insertOutage(tx: Db, o: OutageInput): Promise<number> {
  const n = counts(o.result);
  const [row] = await tx<{ id: number }[]>`
    insert into network_outages (network_id, kind, trace, status, edge_id, asset_id, incident_id, work_order_id, result,
      valves_to_close, pipes_affected, connections_affected, buildings_affected, facilities, area, starts_at, restoration_eta, public_note, created_by)
    values (${o.networkId}, ${o.kind}, ${o.trace}, ${o.status}, ${o.edgeId}, ${o.assetId}, ${o.incidentId}, ${o.workOrderId},
      ${tx.json(o.result as never)}, ${n.valves}, ${n.pipes}, ${n.connections}, ${n.buildings}, ${tx.json(o.facilities as never)},
      ${o.areaEwkt}::geometry, coalesce(${o.startsAt}::timestamptz, now()), ${o.restorationEta}, ${o.publicNote}, ${o.userId})
    returning id`;
  return row!.id;
}

/** A re-trace (a valve found inoperable) replaces the result and the area of the same outage. */
export async function replaceOutageResult(tx: Db, id: number, o: Pick<OutageInput, 'edgeId' | 'assetId' | 'result' | 'facilities' | 'areaEwkt' | 'workOrderId'>): Promise<void> {
  const n = counts(o.result);
  await tx`
    update network_outages set edge_id = ${o.edgeId}, asset_id = ${o.assetId}, result = ${tx.json(o.result as never)},
      valves_to_close = ${n.valves}, pipes_affected = ${n.pipes}, connections_affected = ${n.connections}, buildings_affected = ${n.buildings},
      facilities = ${tx.json(o.facilities as never)}, area = ${o.areaEwkt}::geometry,
      work_order_id = coalesce(work_order_id, ${o.workOrderId}), updated_at = now()
    where id = ${id}`;
}

export async function getOutage(sql: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<OutageRow | undefined> {
  const [row] = await sql<OutageRow[]>`
    select ${OUTAGE_COLUMNS(sql)} from network_outages o where o.id = ${id}
    ${opts.forUpdate ? sql`for update` : sql``}`;
  return row;
}

export async function findOpenOutageOfIncident(sql: Db, incidentId: number): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`
    select id from network_outages where incident_id = ${incidentId} and status in ('active', 'scheduled') order by id desc limit 1`;
  return row?.id ?? null;
}

export async function listOutages(sql: Db, opts: { open: boolean; limit: number }): Promise<OutageRow[]> {
  return sql<OutageRow[]>`
    select ${OUTAGE_COLUMNS(sql)} from network_outages o
    ${opts.open ? sql`where o.status in ('active', 'scheduled')` : sql``}
    order by o.id desc limit ${opts.limit}`;
}

export interface OutagePatch {
  status?: 'active' | 'restored' | 'cancelled';
  restorationEta?: Date | null;
  publicNote?: string | null;
}

export async function updateOutage(tx: Db, id: number, p: OutagePatch): Promise<void> {
  await tx`
    update network_outages set
      status = coalesce(${p.status ?? null}, status),
      restored_at = case when ${p.status ?? null}::text = 'restored' then now() else restored_at end,
      restoration_eta = case when ${p.restorationEta !== undefined} then ${p.restorationEta ?? null}::timestamptz else restoration_eta end,
      public_note = case when ${p.publicNote !== undefined} then ${p.publicNote ?? null} else public_note end,
      updated_at = now()
    where id = ${id}`;
}

export interface OutageCandidateRow {
  id: number;
  number: string;
  status: string;
  category_id: string;
  created_at: Date;
  support_count: number;
}

/**
 * Other open reports inside the outage area on the same network: offered for grouping under the
 * outage's root report (the triage merge keeps their supporters and subscribers).
 */
export async function findOutageCandidates(sql: Db, outageId: number, limit = 50): Promise<OutageCandidateRow[]> {
  return sql<OutageCandidateRow[]>`
    select i.id, i.protocol_number as number, i.status, i.category_id, i.created_at, i.support_count
    from network_outages o
    join categories c on c.network_id = o.network_id
    join incidents i on i.category_id = c.id
    where o.id = ${outageId}
      and o.area is not null
      and i.id is distinct from o.incident_id
      and i.status in ('submitted', 'acknowledged', 'in_progress')
      and i.duplicate_of is null
      and st_intersects(i.geom, o.area)
    order by i.created_at, i.id
    limit ${limit}`;
}

/** The public outage map as GeoJSON text: open outages only, through the view without personal data. */
export async function publicOutagesGeojson(sql: Db): Promise<string> {
  const [row] = await sql<{ fc: string }[]>`
    select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature',
      'id', p.id,
      'geometry', st_asgeojson(p.area, 6)::json,
      'properties', json_build_object(
        'id', p.id, 'network', p.network_id, 'network_name_el', p.network_name_el, 'network_name_en', p.network_name_en,
        'kind', p.kind, 'status', p.status, 'starts_at', p.starts_at, 'restoration_eta', p.restoration_eta,
        'note', p.public_note, 'connections_affected', p.connections_affected)) order by p.id), '[]'::json))::text as fc
    from public_network_outages p`;
  return row!.fc;
}
