/**
 * Small hand-drawn networks for the db tests: coordinates in metres on a local plane near
 * Piraeus, turned into real layers and assets, then built by network_build like imported data.
 */
import type { Db } from '../../db.ts';

/** Metres east / north of the origin to lon/lat (equirectangular: exact enough over 2 km). */
const ORIGIN = { lon: 23.64, lat: 37.94 };
const M_PER_DEG_LAT = 111_320;
const M_PER_DEG_LON = 111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180);
export type XYm = [number, number];
export const lonLat = ([x, y]: XYm): [number, number] => [ORIGIN.lon + x / M_PER_DEG_LON, ORIGIN.lat + y / M_PER_DEG_LAT];
const wktPoint = (p: XYm) => `POINT(${lonLat(p).join(' ')})`;
const wktLine = (ps: XYm[]) => `LINESTRING(${ps.map((p) => lonLat(p).join(' ')).join(',')})`;

export interface NetworkSpec {
  /** Network id; its layers are `${id}_pipes`, `${id}_valves`, `${id}_tanks`, `${id}_buildings`. */
  id: string;
  flow?: 'pressurised' | 'gravity';
  /** Named pipes as polylines. */
  pipes: Record<string, XYm[]>;
  valves?: Record<string, { at: XYm; state?: 'open' | 'closed'; operable?: boolean }>;
  tanks?: Record<string, XYm>;
  buildings?: Record<string, { at: XYm; layer?: 'schools' | 'kindergartens' | 'municipal_buildings' }>;
  snapToleranceM?: number;
  /**
   * Draw into the layers of a network the migrations define (e.g. the demo `water` network:
   * water_pipes, water_valves, water_tanks) instead of creating one.
   */
  existing?: { pipes: string; valves: string; tanks: string };
}

export interface BuiltNetwork {
  id: string;
  /** Asset id by name (pipes, valves, tanks, buildings). */
  asset: Record<string, number>;
  report: Record<string, unknown>;
}

export async function ensureLayer(sql: Db, id: string, geometryType: 'point' | 'line' | 'polygon', group = 'network'): Promise<void> {
  await sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type)
    values (${id}, ${id}, ${id}, ${group}, ${geometryType})
    on conflict (id) do nothing`;
}

/** Creates the layers, assets and network rows of a spec and builds its topology. */
export async function buildSpec(sql: Db, spec: NetworkSpec): Promise<BuiltNetwork> {
  const asset: Record<string, number> = {};
  const pipes = spec.existing?.pipes ?? `${spec.id}_pipes`;
  const valves = spec.existing?.valves ?? `${spec.id}_valves`;
  const tanks = spec.existing?.tanks ?? `${spec.id}_tanks`;
  await ensureLayer(sql, pipes, 'line');
  await ensureLayer(sql, valves, 'point');
  await ensureLayer(sql, tanks, 'point');
  for (const l of ['schools', 'kindergartens', 'municipal_buildings']) await ensureLayer(sql, l, 'point', 'building');
  const insert = async (layer: string, name: string, wkt: string, properties: Record<string, unknown> = {}) => {
    const [row] = await sql<{ id: number }[]>`
      insert into assets (layer_id, name, properties, geom)
      values (${layer}, ${name}, ${sql.json(properties as never)}, st_geomfromtext(${wkt}, 4326))
      returning id`;
    asset[name] = row!.id;
  };
  for (const [name, line] of Object.entries(spec.pipes)) await insert(pipes, name, wktLine(line));
  for (const [name, v] of Object.entries(spec.valves ?? {})) await insert(valves, name, wktPoint(v.at), { normal_state: v.state ?? 'open' });
  for (const [name, t] of Object.entries(spec.tanks ?? {})) await insert(tanks, name, wktPoint(t));
  for (const [name, b] of Object.entries(spec.buildings ?? {})) await insert(b.layer ?? 'schools', name, wktPoint(b.at));
  for (const [name, v] of Object.entries(spec.valves ?? {})) {
    if (v.operable === false) await sql`insert into network_valve_overrides (asset_id, operable) values (${asset[name]!}, false)`;
  }
  if (!spec.existing) await sql`
    insert into networks (id, name_el, name_en, flow, line_layers, snap_tolerance_m, attach_radius_m, source_radius_m, building_layers, connection_max_m)
    values (${spec.id}, ${spec.id}, ${spec.id}, ${spec.flow ?? 'pressurised'}, ${[pipes]}, ${spec.snapToleranceM ?? 0.5}, 5, 200,
            ${['schools', 'kindergartens', 'municipal_buildings']}, 60)`;
  if (!spec.existing) await sql`
    insert into network_point_layers (network_id, layer_id, kind, state_property, closed_values) values
      (${spec.id}, ${valves}, 'valve', 'normal_state', ${['closed']}),
      (${spec.id}, ${tanks}, 'source', null, ${['closed']})`;
  const [r] = await sql<{ report: Record<string, unknown> }[]>`select network_build(${spec.id}) as report`;
  return { id: spec.id, asset, report: r!.report };
}

export interface TraceRow {
  role: string;
  element: string;
  id: number | null;
  asset_id: number | null;
  depth: number | null;
  detail: string | null;
}

/** The network edge carrying the named pipe that contains the point (a pipe may be split). */
export async function edgeAt(sql: Db, net: BuiltNetwork, pipe: string, at: XYm): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    select id from network_edges
    where network_id = ${net.id} and asset_id = ${net.asset[pipe]!}
    order by geom <-> st_geomfromtext(${wktPoint(at)}, 4326)
    limit 1`;
  if (!row) throw new Error(`no edge of ${pipe}`);
  return row.id;
}

export async function nodeOf(sql: Db, assetId: number): Promise<number> {
  const [row] = await sql<{ id: number }[]>`select id from network_nodes where asset_id = ${assetId}`;
  if (!row) throw new Error(`no node for asset ${assetId}`);
  return row.id;
}
