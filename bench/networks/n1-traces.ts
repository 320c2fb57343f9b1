/**
 * N1 (docs/benchmarks.md): network traces on a generated network of 100,000 edges (10,000 in the
 * smoke run), each against the same question answered by a plain recursive CTE (the floor) and by
 * pgRouting, in the same run:
 *   - valve isolation of a break (network_trace_isolation) vs an isolation written as recursive
 *     CTEs (area flood + supply before/after from every source) vs the same with pgRouting's
 *     connected components for every reachability;
 *   - downstream of an edge on the gravity network (network_trace_flow) vs a recursive CTE vs
 *     pgr_drivingDistance (directed);
 *   - topology build (network_build) vs pgRouting's own pgr_createTopology on the same lines.
 * The network: a square grid of 50 m pipes with 3 % of them missing, valves at half the junctions
 * (2 % of those closed), four tanks at the corners; the sewer is the same lines drawn east and
 * north (a drained grid).
 */
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { fmt } from '../lib/report.ts';


function edgesFor(ctx: BenchContext): number {
  return ctx.profile.name === 'smoke' ? 10_000 : 100_000;
}

/** Traces per contender: the recursive-CTE isolation floor takes seconds per break at 100 k edges. */
function tracesFor(ctx: BenchContext): number {
  return ctx.profile.name === 'smoke' ? 40 : 12;
}

/** Grid side (nodes) for about `edges` edges: 2 n (n - 1) = edges. */
const sideFor = (edges: number) => Math.ceil((1 + Math.sqrt(1 + 2 * edges)) / 2);

async function ensureNetwork(ctx: BenchContext, edges: number): Promise<{ side: number; generated: boolean }> {
  const { sql } = ctx;
  const side = sideFor(edges);
  const tag = `n1 grid ${side}`;
  const [have] = await sql<{ source: string | null; nets: number }[]>`
    select source, (select count(*)::int from networks where id in ('bench_water', 'bench_sewer')) as nets from layers where id = 'bench_net_pipes'`;
  if (have?.source === tag && have.nets === 2) return { side, generated: false };
  ctx.log(`N1: generating a ${side} x ${side} grid network…`);
  await sql`delete from networks where id in ('bench_water', 'bench_sewer')`;
  await sql`delete from layers where id in ('bench_net_pipes', 'bench_net_valves', 'bench_net_tanks')`;
  await sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public, synthetic, source) values
      ('bench_net_pipes', 'N1 αγωγοί', 'N1 pipes', 'network', 'line', false, true, ${tag}),
      ('bench_net_valves', 'N1 δικλείδες', 'N1 valves', 'network', 'point', false, true, ${tag}),
      ('bench_net_tanks', 'N1 δεξαμενές', 'N1 tanks', 'network', 'point', false, true, ${tag})`;
  // 50 m spacing near Piraeus; hashes make the missing pipes and the valves deterministic.
  const dlat = 50 / 111_320;
  const dlon = 50 / (111_320 * Math.cos((37.9 * Math.PI) / 180));
  await sql`
    insert into assets (layer_id, external_id, geom)
    select 'bench_net_pipes', 'h' || i || '_' || j,
           st_makeline(st_setsrid(st_makepoint(23.5 + i * ${dlon}::float8, 37.8 + j * ${dlat}::float8), 4326), st_setsrid(st_makepoint(23.5 + (i + 1) * ${dlon}::float8, 37.8 + j * ${dlat}::float8), 4326))
    from generate_series(0, ${side - 2}) i, generate_series(0, ${side - 1}) j
    where abs(hashtext('h' || i || '_' || j)) % 100 >= 3
    union all
    select 'bench_net_pipes', 'v' || i || '_' || j,
           st_makeline(st_setsrid(st_makepoint(23.5 + i * ${dlon}::float8, 37.8 + j * ${dlat}::float8), 4326), st_setsrid(st_makepoint(23.5 + i * ${dlon}::float8, 37.8 + (j + 1) * ${dlat}::float8), 4326))
    from generate_series(0, ${side - 1}) i, generate_series(0, ${side - 2}) j
    where abs(hashtext('v' || i || '_' || j)) % 100 >= 3`;
  await sql`
    insert into assets (layer_id, external_id, properties, geom)
    select 'bench_net_valves', 'n' || i || '_' || j,
           jsonb_build_object('normal_state', case when abs(hashtext('s' || i || '_' || j)) % 100 < 2 then 'closed' else 'open' end),
           st_setsrid(st_makepoint(23.5 + i * ${dlon}::float8, 37.8 + j * ${dlat}::float8), 4326)
    from generate_series(0, ${side - 1}) i, generate_series(0, ${side - 1}) j
    where abs(hashtext('n' || i || '_' || j)) % 2 = 0`;
  await sql`
    insert into assets (layer_id, external_id, geom)
    select 'bench_net_tanks', 't' || k, st_setsrid(st_makepoint(23.5 + x * ${(side - 1) * dlon}::float8 + 0.0002, 37.8 + y * ${(side - 1) * dlat}::float8 + 0.0002), 4326)
    from (values (1, 0, 0), (2, 1, 0), (3, 0, 1), (4, 1, 1)) v(k, x, y)`;
  await sql`
    insert into networks (id, name_el, name_en, flow, line_layers, snap_tolerance_m, attach_radius_m, source_radius_m) values
      ('bench_water', 'N1 ύδρευση', 'N1 water', 'pressurised', '{bench_net_pipes}', 0.5, 2, 100),
      ('bench_sewer', 'N1 αποχέτευση', 'N1 sewer', 'gravity', '{bench_net_pipes}', 0.5, 2, 0)`;
  await sql`
    insert into network_point_layers (network_id, layer_id, kind, state_property, closed_values) values
      ('bench_water', 'bench_net_valves', 'valve', 'normal_state', '{closed}'),
      ('bench_water', 'bench_net_tanks', 'source', null, '{closed}')`;
  return { side, generated: true };
}

/** The floor: the same isolation answer, every reachability a recursive CTE. */
const FLOOR_FUNCTIONS = `
create or replace function bench_n1_reach(p_start bigint[], p_blocked bigint[], p_valves boolean)
returns table (node bigint, passed boolean) language sql stable as $f$
  with recursive r(node, passed) as (
    select n.id, not ((n.kind = 'valve' and (n.valve_state = 'closed' or (p_valves and n.operable))) or n.id = any(p_blocked))
    from network_nodes n where n.id = any(p_start)
    union
    select x.nb, not ((n.kind = 'valve' and (n.valve_state = 'closed' or (p_valves and n.operable))) or n.id = any(p_blocked))
    from r
    cross join lateral (select e.target as nb from network_edges e where e.source = r.node union all select e.source from network_edges e where e.target = r.node) x
    join network_nodes n on n.id = x.nb
    where r.passed
  )
  select node, bool_or(passed) from r group by node
$f$;

create or replace function bench_n1_isolation_cte(p_edge bigint) returns table (valves int, isolated int, lost int) language plpgsql as $f$
declare
  v_e network_edges%rowtype;
  v_sources bigint[];
  v_seg bigint[];
  v_cand bigint[];
  v_before bigint[];
  v_after bigint[];
  v_seg_edges bigint[];
begin
  select * into v_e from network_edges where id = p_edge;
  select array_agg(id) into v_sources from network_nodes where network_id = v_e.network_id and kind = 'source';
  select array_agg(node) filter (where passed), array_agg(node) filter (where not passed) into v_seg, v_cand
  from bench_n1_reach(array[v_e.source, v_e.target], '{}', true);
  select coalesce(array_agg(n.id), '{}') into v_cand from network_nodes n where n.id = any(coalesce(v_cand, '{}')) and n.kind = 'valve' and n.valve_state = 'open';
  select array_agg(node) into v_before from bench_n1_reach(v_sources, '{}', false) where passed;
  select array_agg(node) into v_after from bench_n1_reach(v_sources, v_cand, false) where passed;
  select array_agg(id) into v_seg_edges from network_edges where source = any(v_seg) or target = any(v_seg);
  return query
  select (select count(distinct c)::int from unnest(v_cand) c join network_edges e on (e.source = c or e.target = c)
          where not (e.id = any(v_seg_edges)) and (e.source = any(v_after) or e.target = any(v_after))),
         cardinality(v_seg_edges),
         (select count(*)::int from network_edges e where (e.source = any(v_before) or e.target = any(v_before))
            and not (e.source = any(v_after) or e.target = any(v_after)) and not (e.id = any(v_seg_edges)));
end $f$;
`;

interface Timing {
  p50: number;
  p95: number;
  mean: number;
}

function timing(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Runs the contenders in mirrored order per edge (A B C C B A), so load changes weigh alike. */
async function race(edges: number[], contenders: Record<string, (edge: number) => Promise<unknown>>): Promise<Record<string, Timing>> {
  const names = Object.keys(contenders);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  // One untimed pass: plans, pgRouting's library, caches.
  for (const n of names) await contenders[n]!(edges[0]!);
  for (const [i, edge] of edges.entries()) {
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const n of order) {
      const t0 = performance.now();
      await contenders[n]!(edge);
      times[n]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, timing(times[n]!)]));
}

export const n1: Benchmark = {
  id: 'N1',
  title: 'network traces: isolation and downstream vs a recursive-CTE floor and pgRouting; topology build vs pgr_createTopology',
  async run(ctx) {
    const { sql, report } = ctx;
    const wanted = edgesFor(ctx);
    const TRACES = tracesFor(ctx);
    const { side, generated } = await ensureNetwork(ctx, wanted);

    // Build: ours (snapping, splitting, valves, sources, validation) vs pgRouting's topology alone.
    const t0 = performance.now();
    const [water] = await sql<{ r: { edges: number; nodes: number; valves: number; sources: number; components: number } }[]>`select network_build('bench_water') as r`;
    const buildMs = performance.now() - t0;
    const t1 = performance.now();
    await sql`select network_build('bench_sewer')`;
    const sewerBuildMs = performance.now() - t1;
    await sql`drop table if exists bench_n1_pgr`;
    await sql`create table bench_n1_pgr as select id, st_transform(geom, 32634) as the_geom, null::bigint as source, null::bigint as target from assets where layer_id = 'bench_net_pipes'`;
    const t2 = performance.now();
    await sql`select pgr_createTopology('bench_n1_pgr', 0.5, 'the_geom', 'id')`;
    const pgrBuildMs = performance.now() - t2;
    await sql`drop table if exists bench_n1_pgr_vertices_pgr`;
    await sql`drop table if exists bench_n1_pgr`;
    report.ratio('N1', 'N1 topology build vs pgr_createTopology', buildMs / pgrBuildMs, { kind: 'info' }, 'ours also attaches valves, sources and connections and validates');
    report.context('N1', `${generated ? 'generated' : 'reused'} a ${side} x ${side} grid: ${fmt.n(water!.r.edges)} edges, ${fmt.n(water!.r.nodes)} nodes, ${fmt.n(water!.r.valves)} valves, ${water!.r.sources} sources, ${water!.r.components} parts; build ${fmt.ms(buildMs)} (sewer ${fmt.ms(sewerBuildMs)}), pgr_createTopology ${fmt.ms(pgrBuildMs)}`);

    await sql.unsafe(FLOOR_FUNCTIONS);
    const picks = await sql<{ id: number }[]>`
      select id from network_edges where network_id = 'bench_water' and kind = 'pipe'
      order by abs(hashtext('pick' || id)) limit ${TRACES}`;
    const waterEdges = picks.map((p) => p.id);

    const iso = await race(waterEdges, {
      ours: (e) => sql`select count(*) from network_trace_isolation(${e})`,
      cte: (e) => sql`select * from bench_n1_isolation_cte(${e})`,
      // pgRouting for every reachability: the area is the component of the break once the
      // stopping valves are split off; supply is the components pass network_supplied_edges does.
      pgrouting: async () => {
        await sql`
          with stops as (select array_agg(id) as ids from network_nodes where network_id = 'bench_water' and kind = 'valve' and (valve_state = 'closed' or operable))
          select count(*) from pgr_connectedComponents(format(
            'select id, case when source = any(%1$L::bigint[]) then (1::bigint << 50) + 2 * id else source end as source,
                    case when target = any(%1$L::bigint[]) then (1::bigint << 50) + 2 * id + 1 else target end as target, 1::float8 as cost, 1::float8 as reverse_cost
             from network_edges where network_id = %2$L', (select ids from stops), 'bench_water'))`;
        await sql`select count(*) from network_supplied_edges('bench_water', '{}', '{}')`;
        await sql`select count(*) from network_supplied_edges('bench_water', (select array_agg(id) from (select id from network_nodes where network_id = 'bench_water' and kind = 'valve' limit 4) v), '{}')`;
      },
    });
    report.ratio('N1', 'N1 isolation p95 vs recursive-CTE floor p95', iso.ours!.p95 / iso.cte!.p95, { kind: 'max', value: 1 });
    report.ratio('N1', 'N1 isolation p95 vs 200 ms', iso.ours!.p95 / 200, { kind: 'max', value: 1 });
    report.ratio('N1', 'N1 isolation p95 vs pgRouting-only p95', iso.ours!.p95 / iso.pgrouting!.p95, { kind: 'info' });
    report.context('N1', `isolation over ${TRACES} breaks: ours p50 ${fmt.ms(iso.ours!.p50)} p95 ${fmt.ms(iso.ours!.p95)}; CTE floor p50 ${fmt.ms(iso.cte!.p50)} p95 ${fmt.ms(iso.cte!.p95)}; pgRouting p50 ${fmt.ms(iso.pgrouting!.p50)} p95 ${fmt.ms(iso.pgrouting!.p95)}`);

    const sewerPicks = await sql<{ id: number }[]>`
      select id from network_edges where network_id = 'bench_sewer'
      order by abs(hashtext('down' || id)) limit ${TRACES}`;
    const sewerEdges = sewerPicks.map((p) => p.id);
    const sewerEdgesSql = `select id, source, target, length_m + 0.001 as cost, -1::float8 as reverse_cost from network_edges where network_id = 'bench_sewer'`;
    const down = await race(sewerEdges, {
      ours: (e) => sql`select count(*) from network_trace_flow(${e}, 'downstream')`,
      cte: (e) => sql`
        with recursive r(node) as (
          select target from network_edges where id = ${e}
          union
          select x.target from r join network_edges x on x.source = r.node
        )
        select count(*) from r join network_edges d on d.source = r.node`,
      pgrouting: (e) => sql`
        select count(*) from pgr_drivingDistance(${sewerEdgesSql}, (select target from network_edges where id = ${e}), 1e12::float8, true)`,
    });
    const [reach] = await sql<{ n: number }[]>`select count(*)::int as n from network_trace_flow(${sewerEdges[0]!}, 'downstream') where role = 'edge'`;
    report.ratio('N1', 'N1 downstream p95 vs recursive-CTE floor p95', down.ours!.p95 / down.cte!.p95, { kind: 'max', value: 1 });
    report.ratio('N1', 'N1 downstream p95 vs 200 ms', down.ours!.p95 / 200, { kind: 'max', value: 1 });
    report.ratio('N1', 'N1 downstream p95 vs pgr_drivingDistance p95', down.ours!.p95 / down.pgrouting!.p95, { kind: 'info' });
    report.context('N1', `downstream over ${TRACES} edges (first reaches ${fmt.n(reach!.n)} edges): ours p50 ${fmt.ms(down.ours!.p50)} p95 ${fmt.ms(down.ours!.p95)}; CTE floor p50 ${fmt.ms(down.cte!.p50)} p95 ${fmt.ms(down.cte!.p95)}; pgr_drivingDistance p50 ${fmt.ms(down.pgrouting!.p50)} p95 ${fmt.ms(down.pgrouting!.p95)}`);
  },
};
