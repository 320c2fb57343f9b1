/**
 * Tile SQL as pgbench statements (:z, :x, :y are pgbench variables, bound as parameters under
 * -M prepared): ours, exactly what the tile endpoint runs, and the published query shapes of the
 * two peers that cannot be installed here, pointed at the same table and rows.
 *
 * Peers carry the fixed attributes our tiles carry (id, name, condition, criticality) but not our
 * extra `properties` subset, so their figures are if anything flattered. They read the EPSG:4326
 * `geom` column, as they would (neither knows about our stored 3857 copy), through the
 * (layer_id, geom) GiST index.
 */

import type { Db } from '../../api/src/db.ts';
import { layerTileKeys } from '../../api/src/modules/tiles/tiles.sql.ts';

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The attribute keys the endpoint passes to mvt_tile() for a layer (it caches them per layer
 * version, see tiles.routes.ts), as an SQL array literal; null when mvt_tile takes no key list.
 */
export async function tileKeysLiteral(sql: Db, layer: string): Promise<string | null> {
  const [fn] = await sql<{ n: number }[]>`select max(pronargs)::int as n from pg_proc where proname = 'mvt_tile'`;
  if ((fn?.n ?? 4) < 5) return null;
  const row = await layerTileKeys(sql, layer);
  return `array[${(row?.keys ?? []).map(literal).join(', ')}]::text[]`;
}

/**
 * The T1 floor: the exact statement the tile endpoint sends per uncached tile (renderTile in
 * api/src/modules/tiles/tiles.sql.ts): the layer version for the ETag, read in the same snapshot,
 * and the tile built with the layer's cached key list. T1 checks that it returns the bytes the
 * endpoint serves.
 */
export function endpointSql(layer: string, keys: string | null): string {
  return `select l.version, encode(coalesce(mvt_tile(l.id, :z, :x, :y${keys ? `, ${keys}` : ''}), ''::bytea), 'base64') as tile
            from layers l where l.id = ${literal(layer)} and l.is_public`;
}

/** Ours for T2: the tile function alone, called as the endpoint calls it. */
export function oursSql(layer: string, keys: string | null): string {
  return `select mvt_tile(${literal(layer)}, :z, :x, :y${keys ? `, ${keys}` : ''})`;
}

/**
 * Martin's table-source query (maplibre/martin, src/pg/table_source.rs): clip to the tile with a
 * 64-unit buffer, filter with && on the tile envelope plus that margin transformed to the table's
 * SRID, no feature limit. A Martin deployment over one `assets` table would publish one view per
 * layer; the layer filter stands for that view.
 */
export function martinSql(layer: string): string {
  return `select st_asmvt(tile, '${layer}', 4096, 'geom') from (
    select st_asmvtgeom(st_transform(st_curvetoline(geom), 3857), st_tileenvelope(:z, :x, :y), 4096, 64, true) as geom,
           id, name, condition, criticality
      from assets
     where layer_id = '${layer}'
       and geom && st_transform(st_tileenvelope(:z, :x, :y, margin => (64.0 / 4096)), 4326)
  ) as tile`;
}

/**
 * pg_tileserv's table-layer query (CrunchyData/pg_tileserv, layer_table.go requestSql): a clip
 * envelope and a query envelope expanded by the 256-unit default buffer, ST_Intersects against the
 * query envelope in the table's SRID, and the default 50,000-feature limit.
 */
export function pgTileservSql(layer: string): string {
  return `with bounds as (
      select st_tileenvelope(:z, :x, :y) as geom_clip,
             st_tileenvelope(:z, :x, :y, margin => (256.0 / 4096)) as geom_query
    ), mvtgeom as (
      select st_asmvtgeom(st_transform(t.geom, 3857), bounds.geom_clip, 4096, 256) as geom,
             t.id, t.name, t.condition, t.criticality
        from assets t, bounds
       where t.layer_id = '${layer}'
         and st_intersects(t.geom, st_transform(bounds.geom_query, 4326))
       limit 50000
    )
    select st_asmvt(mvtgeom.*, '${layer}', 4096, 'geom', 'id') from mvtgeom`;
}

/** Replaces the pgbench variables by literals, for a one-off timing through postgres.js. */
export function withTile(statement: string, t: { z: number; x: number; y: number }): string {
  return statement.replaceAll(':z', String(t.z)).replaceAll(':x', String(t.x)).replaceAll(':y', String(t.y));
}
