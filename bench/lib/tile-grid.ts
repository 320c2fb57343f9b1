/**
 * Which tiles to ask for. Feature centres are binned once into z18 tiles (one scan per layer);
 * every lower zoom's counts are the same bins shifted, so finding the densest tiles of z0-z18
 * costs one pass over the data, not nineteen.
 */
import type { Db } from '../../api/src/db.ts';

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

export interface TileCount extends TileCoord {
  layer: string;
  /** Features whose bounding-box centre falls in the tile (an estimate of the tile's load). */
  features: number;
}

const MAX_Z = 18;

/** Bins the layers' feature centres into z18 tiles, in an unlogged table (a temp table would be per pooled connection). */
export async function binLayers(sql: Db, layers: string[]): Promise<void> {
  await sql`drop table if exists bench_bins`;
  // Web Mercator half-width; tile (x, y) at z covers [x, x+1) * 2 * H / 2^z from -H (x) and from +H downwards (y).
  await sql`
    create unlogged table bench_bins as
    select a.layer_id as layer,
           least(floor(((st_xmin(a.geom_3857) + st_xmax(a.geom_3857)) / 2 + 20037508.342789244) / (40075016.685578488 / ${2 ** MAX_Z}))::int, ${2 ** MAX_Z - 1}) as x,
           least(floor((20037508.342789244 - (st_ymin(a.geom_3857) + st_ymax(a.geom_3857)) / 2) / (40075016.685578488 / ${2 ** MAX_Z}))::int, ${2 ** MAX_Z - 1}) as y,
           count(*)::int as n
      from assets a
     where a.layer_id = any(${layers})
     group by 1, 2, 3`;
}

/** The `limit` densest tiles of each layer at zoom z (needs binLayers first). */
export async function densestTiles(sql: Db, z: number, limit: number): Promise<TileCount[]> {
  const shift = MAX_Z - z;
  const rows = await sql<{ layer: string; x: number; y: number; n: number }[]>`
    select layer, x, y, n
      from (select layer, x, y, n, row_number() over (partition by layer order by n desc, x, y) as r
              from (select layer, x >> ${shift} as x, y >> ${shift} as y, sum(n)::int as n
                      from bench_bins group by 1, 2, 3) t) ranked
     where r <= ${limit}
     order by layer, n desc`;
  return rows.map((r) => ({ layer: r.layer, z, x: r.x, y: r.y, features: r.n }));
}

/**
 * A fixed, representative set of `count` tiles at zoom z over all layers together: the non-empty
 * tiles ranked by load, taken at even steps from the densest to the sparsest.
 */
export async function sampleTiles(sql: Db, z: number, count: number): Promise<TileCoord[]> {
  const shift = MAX_Z - z;
  const rows = await sql<{ x: number; y: number }[]>`
    select x >> ${shift} as x, y >> ${shift} as y
      from bench_bins group by 1, 2
     order by sum(n) desc, 1, 2`;
  if (rows.length <= count) return rows.map((r) => ({ z, x: r.x, y: r.y }));
  const picked: TileCoord[] = [];
  for (let i = 0; i < count; i++) {
    const r = rows[Math.floor((i * rows.length) / count)]!;
    picked.push({ z, x: r.x, y: r.y });
  }
  return picked;
}
