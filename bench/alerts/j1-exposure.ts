/**
 * J1: point-in-zone counts for alert areas. Six detailed zones (coastal-style strips, a few
 * thousand vertices each, like a real flood map) over the bench points; the count of points in
 * each zone through the subdivided pieces (risk_zone_parts, what the exposure functions use) vs
 * the same join against the whole zone polygons. Both counts must agree before timing.
 */
import type { Pool } from '../../api/src/db.ts';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { fmt } from '../lib/report.ts';
import { BENCH_LAYERS } from '../lib/sizes.ts';

const ZONES = 6;
const REPEATS = 3;

/** Wavy strips across the bench bbox: each a buffered sine line of 1,500 vertices. */
async function ensureZones(sql: Pool): Promise<number[]> {
  const have = await sql<{ id: number }[]>`select id::int as id from risk_zones where external_id like 'bench:j1:%' order by id`;
  if (have.length === ZONES) return have.map((r) => r.id);
  await sql`delete from risk_zones where external_id like 'bench:j1:%'`;
  const [b] = await sql<{ w: number; s: number; e: number; n: number }[]>`
    select st_xmin(x) as w, st_ymin(x) as s, st_xmax(x) as e, st_ymax(x) as n
    from (select st_extent(geom)::geometry as x from assets where layer_id = ${BENCH_LAYERS.points}) q`;
  if (!b || b.w === null) throw new Error('no bench points');
  for (let k = 0; k < ZONES; k++) {
    const y0 = b.s + ((k + 0.5) / ZONES) * (b.n - b.s);
    const amp = (b.n - b.s) / (ZONES * 3);
    await sql`
      insert into risk_zones (hazard, level, name_el, name_en, source, synthetic, external_id, geom)
      select 'flood', 'high', ${`J1 ζώνη ${k}`}, ${`J1 zone ${k}`}, 'bench', true, ${`bench:j1:${k}`},
             st_multi(st_buffer(st_makeline(array_agg(st_makepoint(x, ${y0}::float8 + ${amp}::float8 * sin(x * ${40 + k * 7}::float8) + ${amp / 4}::float8 * sin(x * ${400 + k * 31}::float8)) order by x)), ${amp / 2}::float8, 8))
      from (select ${b.w}::float8 + (${b.e}::float8 - ${b.w}::float8) * i / 1500.0 as x from generate_series(0, 1500) i) s`;
  }
  return (await sql<{ id: number }[]>`select id::int as id from risk_zones where external_id like 'bench:j1:%' order by id`).map((r) => r.id);
}

async function timeAll(sql: Pool, ids: number[], subdivided: boolean): Promise<{ ms: number; counts: number[] }> {
  const counts: number[] = [];
  const t0 = performance.now();
  for (const id of ids) {
    const [r] = subdivided
      ? await sql<{ n: number }[]>`
          select count(distinct a.id)::int as n from risk_zone_parts z join assets a on a.geom && z.geom and st_intersects(a.geom, z.geom)
          where z.zone_id = ${id} and a.layer_id = ${BENCH_LAYERS.points}`
      : await sql<{ n: number }[]>`
          select count(*)::int as n from risk_zones z join assets a on a.geom && z.geom and st_intersects(a.geom, z.geom)
          where z.id = ${id} and a.layer_id = ${BENCH_LAYERS.points}`;
    counts.push(r!.n);
  }
  return { ms: performance.now() - t0, counts };
}

export const j1: Benchmark = {
  id: 'J1',
  title: 'point-in-zone counts: subdivided zones vs whole polygons',
  async run(ctx: BenchContext) {
    const ids = await ensureZones(ctx.sql);
    const [v] = await ctx.sql<{ v: number; parts: number }[]>`
      select (select avg(st_npoints(geom))::int from risk_zones where id = any(${ids})) as v,
             (select count(*)::int from risk_zone_parts where zone_id = any(${ids})) as parts`;
    // Warm both plans and check they count the same points.
    const a = await timeAll(ctx.sql, ids, true);
    const b = await timeAll(ctx.sql, ids, false);
    if (a.counts.join() !== b.counts.join()) throw new Error(`J1: counts differ: ${a.counts} vs ${b.counts}`);
    const sub: number[] = [];
    const whole: number[] = [];
    // Mirrored order (A B B A ...) so a load change on the shared machine weighs on both.
    for (let i = 0; i < REPEATS; i++) {
      if (i % 2 === 0) {
        sub.push((await timeAll(ctx.sql, ids, true)).ms);
        whole.push((await timeAll(ctx.sql, ids, false)).ms);
      } else {
        whole.push((await timeAll(ctx.sql, ids, false)).ms);
        sub.push((await timeAll(ctx.sql, ids, true)).ms);
      }
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    ctx.report.ratio('J1', 'J1 whole-polygon time / subdivided time', med(whole) / med(sub), { kind: 'min', value: 5 });
    ctx.report.context('J1', `${ids.length} zones of ~${fmt.n(v!.v)} vertices (${fmt.n((v as unknown as { parts: number }).parts)} pieces), points in zones ${a.counts.join('/')}: subdivided ${fmt.ms(med(sub))}, whole ${fmt.ms(med(whole))} for all zones`);
  },
};
