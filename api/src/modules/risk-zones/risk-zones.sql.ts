/**
 * Risk zones and the exposure questions, one query function per SQL function (0053). Areas come
 * in as checked GeoJSON (lib/area.ts) and are validated by PostGIS here, so a self-intersecting
 * polygon is a 422 with ST_IsValidReason, never a GEOS error deep in a join (RELIABILITY G5).
 */
import type { Db } from '../../db.ts';
import type { AreaGeometry } from '../../../../lib/area.ts';

export interface RiskZoneRow {
  id: number;
  hazard: string;
  level: string;
  name_el: string;
  name_en: string;
  source: string;
  synthetic: boolean;
  valid_from: string | null;
  valid_to: string | null;
  geometry: AreaGeometry;
}

/** Zones with a display geometry simplified to about 5 m (the map does not need every vertex). */
export async function listRiskZones(sql: Db, opts: { hazard?: string } = {}): Promise<RiskZoneRow[]> {
  return sql<RiskZoneRow[]>`
    select z.id::int as id, z.hazard, z.level, z.name_el, z.name_en, z.source, z.synthetic,
           z.valid_from::text as valid_from, z.valid_to::text as valid_to,
           st_asgeojson(st_simplifypreservetopology(z.geom, 0.00005), 6)::json as geometry
    from risk_zones z
    where ${opts.hazard ? sql`z.hazard = ${opts.hazard}` : sql`true`}
    order by z.hazard, z.level desc, z.id`;
}

export async function listHazards(sql: Db) {
  return sql<{ id: string; name_el: string; name_en: string; cap_category: string }[]>`
    select id, name_el, name_en, cap_category from risk_hazards order by sort_order`;
}

export async function riskZoneExists(sql: Db, id: number): Promise<boolean> {
  const [r] = await sql`select 1 from risk_zones where id = ${id}`;
  return !!r;
}

/** ST_IsValidReason of a drawn area, or null when valid. */
export async function invalidAreaReason(sql: Db, area: AreaGeometry): Promise<string | null> {
  const [r] = await sql<{ reason: string | null }[]>`
    select case when st_isvalid(g) then null else st_isvalidreason(g) end as reason
    from (select st_setsrid(st_geomfromgeojson(${JSON.stringify(area)}), 4326) as g) x`;
  return r!.reason;
}

/** What the exposure functions take: a zone, or an area as GeoJSON (polygon, or circle made into one). */
export type ExposureTarget = { zoneId: number } | { area: AreaGeometry } | { circle: { lon: number; lat: number; radiusM: number } };

function targetArgs(sql: Db, t: ExposureTarget) {
  if ('zoneId' in t) return { zone: t.zoneId, area: sql`null::geometry` };
  if ('area' in t) return { zone: null, area: sql`st_setsrid(st_geomfromgeojson(${JSON.stringify(t.area)}), 4326)` };
  const { lon, lat, radiusM } = t.circle;
  return { zone: null, area: sql`st_buffer(st_setsrid(st_makepoint(${lon}, ${lat}), 4326)::geography, ${radiusM}, 16)::geometry` };
}

export interface ExposedFacilityRow {
  layer_id: string;
  asset_id: number;
  name: string | null;
  open_work_orders: number;
  open_work_order_titles: string[];
}

export async function exposedFacilities(sql: Db, t: ExposureTarget): Promise<ExposedFacilityRow[]> {
  const a = targetArgs(sql, t);
  return sql<ExposedFacilityRow[]>`
    select layer_id, asset_id::int as asset_id, name, open_work_orders, open_work_order_titles
    from exposure_facilities(${a.zone}::bigint, ${a.area})`;
}

export async function exposedNetworks(sql: Db, t: ExposureTarget): Promise<{ layer_id: string; length_km: number }[]> {
  const a = targetArgs(sql, t);
  return sql<{ layer_id: string; length_km: number }[]>`
    select layer_id, length_km from exposure_networks(${a.zone}::bigint, ${a.area})`;
}

export async function exposedCounts(sql: Db, t: ExposureTarget): Promise<{ open_incidents: number; open_work_orders: number; subscribers: number }> {
  const a = targetArgs(sql, t);
  const [r] = await sql<{ open_incidents: number; open_work_orders: number; subscribers: number }[]>`
    select exposure_open_incidents(${a.zone}::bigint, ${a.area}) as open_incidents,
           exposure_open_work_orders(${a.zone}::bigint, ${a.area}) as open_work_orders,
           exposure_subscriber_count(${a.zone}::bigint, ${a.area}) as subscribers`;
  return r!;
}

/** Copies the zones of an imported `risk` layer into risk_zones (0050 risk_zones_from_layer). */
export async function importZonesFromLayer(sql: Db, layerId: string, synthetic: boolean): Promise<number> {
  const [r] = await sql<{ n: number }[]>`select risk_zones_from_layer(${layerId}, ${synthetic}) as n`;
  return r!.n;
}
