/**
 * Topology build and traces on small hand-drawn networks, with answers worked out by hand.
 *
 *        T (tank, 50 m north of N1)
 *        |
 *   N1 --V0-- N2 --V1-- N3 --Vc(closed)-- N6
 *   (0,0)  (100,0) |   (200,0)               | (300,0)
 *                  V3     |                 N7 (300,100)
 *                  |      |
 *                 N5 --V2-- N4
 *              (100,100)   (200,100)
 *
 * Pipes: a N1-N2, b N2-N3, c N3-N4, d N4-N5, e N5-N2, f N3-N6, g N6-N7, plus a separate pipe
 * z far away with no source. School S beside pipe c, kindergarten K beside g, town hall H by a.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { buildSpec, edgeAt, nodeOf, type BuiltNetwork, type NetworkSpec, type TraceRow } from './networks.fixtures.ts';

let db: TestDb;

const LOOP: NetworkSpec = {
  id: 'loop',
  pipes: {
    a: [[0, 0], [100, 0]],
    b: [[100, 0], [200, 0]],
    c: [[200, 0], [200, 100]],
    d: [[200, 100], [100, 100]],
    e: [[100, 100], [100, 0]],
    f: [[200, 0], [300, 0]],
    g: [[300, 0], [300, 100]],
    z: [[1000, 0], [1100, 0]],
  },
  valves: {
    V0: { at: [50, 0] },
    V1: { at: [150, 0] },
    V2: { at: [150, 100] },
    V3: { at: [100, 50] },
    Vc: { at: [250, 0], state: 'closed' },
  },
  tanks: { T: [0, 50] },
  buildings: {
    S: { at: [215, 50], layer: 'schools' },
    K: { at: [315, 60], layer: 'kindergartens' },
    H: { at: [30, -20], layer: 'municipal_buildings' },
  },
};

let net: BuiltNetwork;

beforeAll(async () => {
  db = await createTestDb();
  net = await buildSpec(db.sql, LOOP);
});
afterAll(async () => {
  await db?.drop();
});

async function isolation(edge: number): Promise<TraceRow[]> {
  return db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_isolation(${edge})`;
}
const ofRole = (rows: TraceRow[], role: string) => rows.filter((r) => r.role === role);
const status = (rows: TraceRow[]) => ofRole(rows, 'status').map((r) => r.detail);
const names = (ids: (number | null)[], of: BuiltNetwork = net) => {
  const byId = new Map(Object.entries(of.asset).map(([k, v]) => [v, k]));
  return ids.map((id) => byId.get(id!) ?? `?${id}`).sort();
};

describe('network_build', () => {
  it('splits lines at valves and junctions, links the tank, connects buildings, reports', async () => {
    // Pipes a, b, d, e each split once by a valve, f once by Vc: 7 + 5 = 12 pipe pieces + z, + 1 tank link.
    const [counts] = await db.sql<{ pipes: number; links: number; valves: number; closed: number }[]>`
      select count(*) filter (where kind = 'pipe')::int as pipes, count(*) filter (where kind = 'link')::int as links,
             (select count(*)::int from network_nodes where network_id = 'loop' and kind = 'valve') as valves,
             (select count(*)::int from network_nodes where network_id = 'loop' and valve_state = 'closed') as closed
      from network_edges where network_id = 'loop'`;
    expect(counts).toEqual({ pipes: 13, links: 1, valves: 5, closed: 1 });
    expect(net.report).toMatchObject({ sources: 1, valves: 5, connections: 3, components: 2, components_without_source: 1 });
    // Ends: N7 and both ends of z (the tank link end N1 has degree 2).
    expect(net.report.dangling_ends).toBe(3);
    expect(net.report.unsnapped).toEqual({ valve: 0, hydrant: 0, source: 0, manhole: 0, outfall: 0 });
    const [school] = await db.sql<{ pipe: number }[]>`
      select e.asset_id as pipe from network_connections c join network_edges e on e.id = c.edge_id where c.building_asset_id = ${net.asset.S!}`;
    expect(school!.pipe).toBe(net.asset.c);
  });

  it('reports a valve too far from every pipe as unsnapped, and a rebuild is repeatable', async () => {
    const [v] = await db.sql<{ id: number }[]>`
      insert into assets (layer_id, name, properties, geom)
      select 'loop_valves', 'stray', '{}', st_translate(geom, 0.001, 0.001) from assets where id = ${net.asset.V0!}
      returning id`;
    const [{ stale }] = await db.sql<{ stale: boolean }[]>`select stale from networks where id = 'loop'`;
    expect(stale).toBe(true);
    const [r] = await db.sql<{ report: { unsnapped: { valve: number }; edges: number } }[]>`select network_build('loop') as report`;
    expect(r!.report.unsnapped.valve).toBe(1);
    expect(r!.report.edges).toBe(14);
    const issues = await db.sql`select asset_id from network_build_issues where network_id = 'loop' and issue = 'unsnapped_valve'`;
    expect(issues.map((i) => i.asset_id)).toEqual([v!.id]);
    await db.sql`delete from assets where id = ${v!.id}`;
    await db.sql`select network_build('loop')`;
  });

  it('joins line ends within the snapping tolerance and splits at T-junctions', async () => {
    // p ends 0.3 m short of q's start; r's end touches q's middle.
    const built = await buildSpec(db.sql, {
      id: 'snap',
      pipes: { p: [[0, 0], [99.7, 0]], q: [[100, 0], [200, 0]], r: [[150, -80], [150, 0]] },
      tanks: { T: [0, -20] },
      snapToleranceM: 0.5,
    });
    expect(built.report).toMatchObject({ edges: 5, components: 1, dangling_ends: 2 });
  });
});

describe('network_trace_isolation', () => {
  it('a loop needs two valves: a break on c closes V1 and V2 and cuts the school off', async () => {
    const rows = await isolation(await edgeAt(db.sql, net, 'c', [200, 50]));
    expect(status(rows)).toEqual(['ok']);
    expect(names(ofRole(rows, 'valve_to_close').map((r) => r.asset_id))).toEqual(['V1', 'V2']);
    // V1-N3, N3-N4, N4-V2 and N3-Vc (the stub up to the closed valve).
    expect(ofRole(rows, 'isolated_edge')).toHaveLength(4);
    expect(ofRole(rows, 'unsupplied_edge')).toHaveLength(0);
    expect(names(ofRole(rows, 'building').map((r) => r.asset_id))).toEqual(['S']);
    // The closed valve Vc bounds the area but is not a valve to close.
    expect(ofRole(rows, 'source_to_shut')).toHaveLength(0);
  });

  it('a dead end behind a closed valve had no supply: a break there is reported disconnected, nothing to close', async () => {
    const rows = await isolation(await edgeAt(db.sql, net, 'g', [300, 50]));
    expect(status(rows)).toEqual(['disconnected']);
    expect(ofRole(rows, 'valve_to_close')).toHaveLength(0);
    // Vc-N6 and N6-N7.
    expect(ofRole(rows, 'isolated_edge')).toHaveLength(2);
  });

  it('an inoperable valve widens the area: V1 stuck, so V0 closes and the N5 stretch loses supply', async () => {
    await db.sql`insert into network_valve_overrides (asset_id, operable) values (${net.asset.V1!}, false)`;
    await db.sql`update network_nodes set operable = false where asset_id = ${net.asset.V1!}`;
    try {
      const rows = await isolation(await edgeAt(db.sql, net, 'c', [200, 50]));
      expect(status(rows)).toEqual(['ok']);
      // V3 and V2 only face the N5 stretch, which no source reaches once V0 is shut: not needed.
      expect(names(ofRole(rows, 'valve_to_close').map((r) => r.asset_id))).toEqual(['V0']);
      // V1-N3, N3-N4, N4-V2, N3-Vc + N2-V1, V0-N2, N2-V3.
      expect(ofRole(rows, 'isolated_edge')).toHaveLength(7);
      // V3-N5 and N5-V2 had supply through N2 and lose it.
      expect(ofRole(rows, 'unsupplied_edge')).toHaveLength(2);
      expect(names(ofRole(rows, 'building').map((r) => r.asset_id))).toEqual(['S']);
    } finally {
      await db.sql`delete from network_valve_overrides where asset_id = ${net.asset.V1!}`;
      await db.sql`update network_nodes set operable = true where asset_id = ${net.asset.V1!}`;
    }
  });

  it('a break next to the tank shuts nothing upstream and takes the whole network with it', async () => {
    const rows = await isolation(await edgeAt(db.sql, net, 'a', [20, 0]));
    expect(status(rows)).toEqual(['ok']);
    // The area T-N1-V0 holds the tank: it must be shut; no valve faces a source from outside.
    expect(names(ofRole(rows, 'source_to_shut').map((r) => r.asset_id))).toEqual(['T']);
    expect(ofRole(rows, 'valve_to_close')).toHaveLength(0);
    expect(names(ofRole(rows, 'building').map((r) => r.asset_id))).toEqual(['H', 'S']);
  });

  it('a disconnected part is reported as such', async () => {
    const rows = await isolation(await edgeAt(db.sql, net, 'z', [1050, 0]));
    expect(status(rows)).toEqual(['disconnected']);
    expect(ofRole(rows, 'isolated_edge')).toHaveLength(1);
  });

  it('an unknown edge gives one status row', async () => {
    expect(await isolation(999_999_999)).toEqual([{ role: 'status', element: 'trace', id: null, asset_id: null, depth: null, detail: 'unknown_edge' }]);
  });

  it('the depth cap truncates and says so', async () => {
    const edge = await edgeAt(db.sql, net, 'c', [200, 50]);
    const rows = await db.sql<TraceRow[]>`select role, detail from network_trace_isolation(${edge}, 0)`;
    expect(status(rows as TraceRow[])).toEqual(['truncated']);
  });
});

describe('network_trace_supply', () => {
  it('without failures lists the pipes no source reaches', async () => {
    const rows = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_supply('loop')`;
    expect(status(rows)).toEqual(['ok']);
    // Vc-N6, N6-N7 (behind the closed valve) and z.
    expect(names(ofRole(rows, 'unsupplied_edge').map((r) => r.asset_id))).toEqual(['f', 'g', 'z']);
    expect(names(ofRole(rows, 'building').map((r) => r.asset_id))).toEqual(['K']);
  });

  it('a source failure cuts everything it fed', async () => {
    const tank = await nodeOf(db.sql, net.asset.T!);
    const rows = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_supply('loop', ${[tank]}::bigint[])`;
    expect(status(rows)).toEqual(['ok']);
    // Everything supplied before: the link, a (2 pieces), b (2), c, d (2), e (2), f up to Vc (1).
    expect(ofRole(rows, 'unsupplied_edge')).toHaveLength(11);
    expect(names(ofRole(rows, 'building').map((r) => r.asset_id))).toEqual(['H', 'S']);
  });

  it('a network without sources says so', async () => {
    await buildSpec(db.sql, { id: 'dry', pipes: { p: [[0, 0], [10, 0]] } });
    const rows = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_supply('dry')`;
    expect(status(rows)).toEqual(['no_sources']);
  });
});

describe('network_trace_flow', () => {
  it('follows the digitised direction downstream and upstream, and refuses a pressurised network', async () => {
    // A Y: two branches join and run to an outlet. Digitised in flow direction.
    const built = await buildSpec(db.sql, {
      id: 'gravity',
      flow: 'gravity',
      pipes: { u1: [[0, 100], [100, 50]], u2: [[0, 0], [100, 50]], m: [[100, 50], [200, 50]], o: [[200, 50], [300, 50]] },
    });
    const u1 = await edgeAt(db.sql, built, 'u1', [50, 75]);
    const m = await edgeAt(db.sql, built, 'm', [150, 50]);
    const down = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_flow(${u1}, 'downstream')`;
    expect(status(down)).toEqual(['ok']);
    expect(names(ofRole(down, 'edge').map((r) => r.asset_id), built)).toEqual(['m', 'o', 'u1']);
    const up = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_flow(${m}, 'upstream')`;
    expect(names(ofRole(up, 'edge').map((r) => r.asset_id), built)).toEqual(['m', 'u1', 'u2']);
    const capped = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_flow(${u1}, 'downstream', 1)`;
    expect(status(capped)).toEqual(['truncated']);
    const water = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_flow(${await edgeAt(db.sql, net, 'c', [200, 50])}, 'downstream')`;
    expect(status(water)).toEqual(['not_gravity']);
  });
});
