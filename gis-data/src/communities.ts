/**
 * The municipal communities of the demo municipality as its districts.
 *
 * The demo municipality has five municipal communities (1η–5η Δημοτική Κοινότητα), but no
 * official polygons of them are bundled with the repository (the regional-sector file holds the
 * municipality and its neighbours only). So the five are generated here, deterministically, inside the real
 * boundary, and flagged `synthetic`: a regular grid of points covering the municipality is split
 * into five compact groups by k-means (Lloyd's iterations started from the medians of five
 * equal west-to-east slices, so the same boundary always gives the same communities), and each
 * group's Voronoi cell, clipped to the boundary, is a community. Numbered west to east.
 */
import type { Db, Pool } from '../../api/src/db.ts';
import { upsertDistrict } from './demo.sql.ts';

export const COMMUNITY_COUNT = 5;
/** About 110 m between grid points: ~900 points over the demo municipality's 11 km². */
const GRID_DEG = 0.001;
const ITERATIONS = 40;

const ORDINAL_EL = ['1η', '2η', '3η', '4η', '5η', '6η', '7η', '8η', '9η'];
const ORDINAL_EN = ['1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th', '9th'];

type Pt = [number, number];

/** Deterministic k-means: start from slice medians, then Lloyd's iterations. */
export function kMeans(points: Pt[], k: number, iterations = ITERATIONS): Pt[] {
  if (points.length < k) throw new Error(`need at least ${k} points, got ${points.length}`);
  // Distances in a local metric frame (degrees of longitude shrink with latitude).
  const lat0 = points.reduce((s, p) => s + p[1], 0) / points.length;
  const kx = Math.cos((lat0 * Math.PI) / 180);
  const d2 = (a: Pt, b: Pt) => ((a[0] - b[0]) * kx) ** 2 + (a[1] - b[1]) ** 2;
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Start from the medians of k equal slices west to east: balanced groups, no random start.
  const centres: Pt[] = [];
  for (let c = 0; c < k; c++) {
    const slice = sorted.slice(Math.floor((c * sorted.length) / k), Math.floor(((c + 1) * sorted.length) / k));
    const ys = slice.map((p) => p[1]).sort((a, b) => a - b);
    const xs = slice.map((p) => p[0]).sort((a, b) => a - b);
    centres.push([xs[xs.length >> 1]!, ys[ys.length >> 1]!]);
  }
  for (let it = 0; it < iterations; it++) {
    const sum = centres.map(() => [0, 0, 0]);
    for (const p of sorted) {
      let j = 0;
      for (let c = 1; c < k; c++) if (d2(p, centres[c]!) < d2(p, centres[j]!)) j = c;
      sum[j]![0] += p[0];
      sum[j]![1] += p[1];
      sum[j]![2]++;
    }
    for (let c = 0; c < k; c++) if (sum[c]![2] > 0) centres[c] = [sum[c]![0] / sum[c]![2], sum[c]![1] / sum[c]![2]];
  }
  return centres.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Generates and stores the communities; returns how many. Re-running gives the same rows. */
/** `town` names the communities (genitive in Greek, as in the manifest: 'Δημοτική Κοινότητα <town>'). */
export async function loadCommunities(sql: Pool, municipality: { code: string; name: { el: string; en: string }; town?: { el: string; en: string } }): Promise<number> {
  const town = municipality.town ?? municipality.name;
  const points = await sql<{ x: number; y: number }[]>`
    -- The mainland only: islets (Psyttaleia) would pull a community of their own; the Voronoi
    -- cells below still cover them, each joining its nearest community.
    with m as (
      select (st_dump(geom)).geom as geom, ${GRID_DEG}::float8 as step from districts where code = ${municipality.code}
      order by st_area((st_dump(geom)).geom) desc limit 1
    ),
    grid as (
      select st_setsrid(st_makepoint(gx * m.step, gy * m.step), 4326) as g
      from m,
           generate_series(floor(st_xmin(m.geom) / m.step)::int, ceil(st_xmax(m.geom) / m.step)::int) as gx,
           generate_series(floor(st_ymin(m.geom) / m.step)::int, ceil(st_ymax(m.geom) / m.step)::int) as gy
    )
    select st_x(g) as x, st_y(g) as y from grid, m where st_covers(m.geom, grid.g) order by 1, 2`;
  if (points.length < COMMUNITY_COUNT) return 0;
  const centres = kMeans(points.map((p) => [p.x, p.y] as Pt), COMMUNITY_COUNT);
  const cells = await sql<{ i: number; geojson: string }[]>`
    with m as (select geom from districts where code = ${municipality.code}),
    seeds as (
      select ord::int - 1 as i, st_setsrid(st_makepoint(x, y), 4326) as g
      from unnest(${centres.map((c) => c[0])}::float8[], ${centres.map((c) => c[1])}::float8[]) with ordinality as s(x, y, ord)
    ),
    cells as (
      select (st_dump(st_voronoipolygons(st_collect(s.g), 0, st_expand(m.geom, 0.05)))).geom as cell
      from seeds s, m group by m.geom
    )
    select s.i, st_asgeojson(st_intersection(c.cell, m.geom), 7) as geojson
    from seeds s join cells c on st_covers(c.cell, s.g), m
    order by s.i`;
  await sql.begin(async (t) => {
    const tx = t as unknown as Db;
    for (const c of cells) {
      await upsertDistrict(tx, {
        code: `${municipality.code}-${c.i + 1}`,
        level: 'district',
        nameEl: `${ORDINAL_EL[c.i]} Δημοτική Κοινότητα ${town.el}`,
        nameEn: `${ORDINAL_EN[c.i]} Municipal Community of ${town.en}`,
        population: null,
        synthetic: true,
        geometry: JSON.parse(c.geojson),
      });
    }
    // Reports already filed take their community (the trigger does it for new ones).
    await tx`
      update incidents i set district_code = d.code
      from districts d
      where d.level = 'district' and st_covers(d.geom, i.geom) and i.district_code is distinct from d.code`;
  });
  return cells.length;
}
