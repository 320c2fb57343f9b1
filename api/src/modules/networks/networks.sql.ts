/**
 * Query functions of the networks domain: topology builds, validation and the trace functions of
 * migrations 0060/0061, turned into rows and GeoJSON for the API.
 */
import type { Db } from '../../db.ts';

export interface NetworkRow {
  id: string;
  name_el: string;
  name_en: string;
  flow: 'pressurised' | 'gravity';
  built_at: Date | null;
  stale: boolean;
  report: NetworkReport | Record<string, never>;
}

/** The validation report of a build (network_build). */
export interface NetworkReport {
  network: string;
  nodes: number;
  edges: number;
  sources: number;
  valves: number;
  connections: number;
  dangling_ends: number;
  components: number;
  components_without_source: number;
  unsnapped: { valve: number; hydrant: number; source: number; manhole: number; outfall: number };
  srid: number;
  ms: number;
}

export type TraceKind = 'isolation' | 'supply' | 'upstream' | 'downstream';

export interface TraceRow {
  role: string;
  element: 'node' | 'edge' | 'connection' | 'asset' | 'trace';
  id: number | null;
  asset_id: number | null;
  depth: number | null;
  detail: string | null;
}

export async function listNetworks(sql: Db): Promise<NetworkRow[]> {
  return sql<NetworkRow[]>`
    select id, name_el, name_en, flow, built_at, stale, report
    from networks
    order by id`;
}

export async function getNetwork(sql: Db, id: string): Promise<NetworkRow | undefined> {
  const [row] = await sql<NetworkRow[]>`
    select id, name_el, name_en, flow, built_at, stale, report
    from networks
    where id = ${id}`;
  return row;
}

export async function buildNetwork(sql: Db, id: string): Promise<NetworkReport> {
  const [row] = await sql<{ report: NetworkReport }[]>`select network_build(${id}) as report`;
  return row!.report;
}

/** Rebuilds every network an asset change marked stale (after an import, on demo load). */
export async function rebuildStaleNetworks(sql: Db, log: (m: string) => void = () => {}): Promise<string[]> {
  const stale = await sql<{ id: string }[]>`select id from networks where stale order by id`;
  for (const n of stale) {
    const r = await buildNetwork(sql, n.id);
    log(`network ${n.id}: ${r.nodes} nodes, ${r.edges} edges, ${r.valves} valves, ${r.sources} sources, ${r.connections} connections (${r.ms} ms)`);
  }
  return stale.map((n) => n.id);
}

/** Networks built from a layer (line, point or building layer), for the post-import rebuild. */
export async function networksUsingLayer(sql: Db, layerId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select n.id from networks n
    where ${layerId} = any(n.line_layers) or ${layerId} = any(n.building_layers)
       or exists (select 1 from network_point_layers pl where pl.network_id = n.id and pl.layer_id = ${layerId})
    order by n.id`;
  return rows.map((r) => r.id);
}

export async function traceIsolation(sql: Db, edgeId: number, maxNodes: number): Promise<TraceRow[]> {
  return sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_isolation(${edgeId}, ${maxNodes})`;
}

export async function traceSupply(sql: Db, networkId: string, failedSources: number[]): Promise<TraceRow[]> {
  return sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_supply(${networkId}, ${failedSources}::bigint[])`;
}

export async function traceFlow(sql: Db, edgeId: number, direction: 'upstream' | 'downstream', maxNodes: number): Promise<TraceRow[]> {
  return sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_flow(${edgeId}, ${direction}, ${maxNodes})`;
}

export interface EdgeRef {
  id: number;
  network_id: string;
  asset_id: number | null;
  distance_m: number;
}

/** The network edge nearest a point, within `radiusM`, optionally only on one network. */
export async function findNearestEdge(sql: Db, p: { lon: number; lat: number; networkId?: string; radiusM: number }): Promise<EdgeRef | undefined> {
  const [row] = await sql<EdgeRef[]>`
    with pt as (select st_setsrid(st_makepoint(${p.lon}, ${p.lat}), 4326) as g)
    select e.id, e.network_id, e.asset_id, st_distance(e.geom::geography, pt.g::geography) as distance_m
    from network_edges e, pt
    where e.kind = 'pipe'
      ${p.networkId ? sql`and e.network_id = ${p.networkId}` : sql``}
      and st_dwithin(e.geom::geography, pt.g::geography, ${p.radiusM})
    order by e.geom <-> pt.g
    limit 1`;
  return row;
}

/** The piece of a pipe asset nearest a point (a click on the map, a report). */
export async function findNearestEdgeOfAsset(sql: Db, assetId: number, lon: number, lat: number): Promise<EdgeRef | undefined> {
  const [row] = await sql<EdgeRef[]>`
    select id, network_id, asset_id, st_distance(geom::geography, st_setsrid(st_makepoint(${lon}, ${lat}), 4326)::geography) as distance_m
    from network_edges where asset_id = ${assetId} and kind = 'pipe'
    order by geom <-> st_setsrid(st_makepoint(${lon}, ${lat}), 4326), id
    limit 1`;
  return row;
}

/** The edges carrying an asset (a pipe split by valves is several edges). */
export async function findEdgesOfAsset(sql: Db, assetId: number): Promise<EdgeRef[]> {
  return sql<EdgeRef[]>`
    select id, network_id, asset_id, 0::float8 as distance_m from network_edges where asset_id = ${assetId} and kind = 'pipe' order by id`;
}

export async function getEdge(sql: Db, id: number): Promise<EdgeRef | undefined> {
  const [row] = await sql<EdgeRef[]>`select id, network_id, asset_id, 0::float8 as distance_m from network_edges where id = ${id}`;
  return row;
}

/**
 * The geometries and names behind trace rows, as one GeoJSON FeatureCollection text built in SQL.
 * Building rows carry the building's name and layer (schools, kindergartens, municipal buildings
 * are public facilities; no person is named anywhere in a trace).
 */
export async function traceGeojson(sql: Db, rows: TraceRow[]): Promise<string> {
  const payload = sql.json(rows.filter((r) => r.role !== 'status') as never);
  const [row] = await sql<{ fc: string }[]>`
    with r as (
      select x.role, x.element, x.id, x.asset_id, x.depth, x.detail
      from jsonb_to_recordset(${payload}::jsonb) as x(role text, element text, id bigint, asset_id bigint, depth int, detail text)
    ), f as (
      select r.*, coalesce(n.geom, e.geom, c.geom, st_pointonsurface(a.geom)) as geom, a.name, a.layer_id, a.external_id
      from r
      left join network_nodes n on r.element = 'node' and n.id = r.id
      left join network_edges e on r.element = 'edge' and e.id = r.id
      left join network_connections c on r.element = 'connection' and c.id = r.id
      left join assets a on a.id = r.asset_id
    )
    select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature',
      'geometry', st_asgeojson(f.geom, 7)::json,
      'properties', json_build_object('role', f.role, 'element', f.element, 'id', f.id, 'asset_id', f.asset_id, 'depth', f.depth,
                                      'detail', f.detail, 'name', f.name, 'layer_id', f.layer_id, 'external_id', f.external_id))), '[]'::json))::text as fc
    from f
    where f.geom is not null`;
  return row!.fc;
}

/** The area a trace covers: the affected pipes and buildings, buffered 25 m and merged. */
export async function traceArea(sql: Db, rows: TraceRow[]): Promise<string | null> {
  const edges = rows.filter((r) => r.element === 'edge').map((r) => r.id!);
  const buildings = rows.filter((r) => r.role === 'building').map((r) => r.asset_id!);
  const [row] = await sql<{ wkb: string | null }[]>`
    select st_asewkt(st_multi(st_union(g))) as wkb
    from (
      select st_buffer(geom::geography, 25)::geometry as g from network_edges where id = any(${edges}::bigint[])
      union all
      select st_buffer(st_pointonsurface(geom)::geography, 25)::geometry from assets where id = any(${buildings}::bigint[])
    ) s`;
  return row!.wkb;
}

export interface ValidationIssueRow {
  issue: string;
  asset_id: number | null;
  node_id: number | null;
  distance_m: number | null;
  lon: number;
  lat: number;
}

export async function listBuildIssues(sql: Db, networkId: string, limit: number): Promise<ValidationIssueRow[]> {
  return sql<ValidationIssueRow[]>`
    select issue, asset_id, node_id, distance_m, st_x(geom) as lon, st_y(geom) as lat
    from network_build_issues
    where network_id = ${networkId}
    order by issue, asset_id nulls last, node_id
    limit ${limit}`;
}

export interface ValveRow {
  node_id: number;
  network_id: string;
  asset_id: number | null;
  valve_state: 'open' | 'closed';
  operable: boolean;
}

export async function findValveNode(sql: Db, nodeId: number): Promise<ValveRow | undefined> {
  const [row] = await sql<ValveRow[]>`
    select id as node_id, network_id, asset_id, valve_state, operable from network_nodes where id = ${nodeId} and kind = 'valve'`;
  return row;
}

/** Records field knowledge about a valve on the node and, keyed by its asset, for later rebuilds. */
export async function setValveOperable(tx: Db, p: { nodeId: number; assetId: number | null; operable: boolean; note: string | null; userId: number }): Promise<void> {
  await tx`update network_nodes set operable = ${p.operable} where id = ${p.nodeId}`;
  if (p.assetId !== null) {
    await tx`
      insert into network_valve_overrides (asset_id, operable, note, updated_by, updated_at)
      values (${p.assetId}, ${p.operable}, ${p.note}, ${p.userId}, now())
      on conflict (asset_id) do update set operable = excluded.operable, note = excluded.note, updated_by = excluded.updated_by, updated_at = now()`;
  }
}
