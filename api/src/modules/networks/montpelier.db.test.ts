/**
 * The real Montpelier (Vermont) sewer network, imported like any user file with its own attribute
 * names (`Type`, `Status`), built into a topology and traced upstream and downstream. Every trace is
 * cross-checked against pgRouting's directed driving distance on the same graph: the reached
 * manholes must be the same set, not just the same count.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLayerFile } from '../../../../gis-data/src/import/import-file.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import type { TraceRow } from './networks.fixtures.ts';

const fixture = (f: string) => fileURLToPath(new URL(`../../../../test-fixtures/data/us_vermont_montpelier_sewer/${f}`, import.meta.url));
const layer = (name: string) => ({ nameEl: name, nameEn: name, group: 'network', source: 'VERSO-UVM Wastewater-Infrastructure-Mapping', licence: 'public domain' });

let db: TestDb;
let report: Record<string, number & Record<string, number>>;

beforeAll(async () => {
  db = await createTestDb();
  await importLayerFile(db.sql, { layerId: 'vt_sewer_lines', filePath: fixture('MontpelierLinearFeatures.geojson'), layer: layer('Montpelier sewers') });
  await importLayerFile(db.sql, { layerId: 'vt_sewer_points', filePath: fixture('MontpelierPointFeatures.geojson'), layer: layer('Montpelier manholes') });
  // Abandoned lines stay in the layer but carry no flow.
  await db.sql`delete from assets where layer_id = 'vt_sewer_lines' and properties ->> 'Status' = 'Abandoned'`;
  await db.sql`
    insert into networks (id, name_el, name_en, flow, line_layers, snap_tolerance_m, attach_radius_m, source_radius_m)
    values ('montpelier', 'Montpelier', 'Montpelier sewer', 'gravity', '{vt_sewer_lines}', 1.0, 3, 0)`;
  await db.sql`
    insert into network_point_layers (network_id, layer_id, kind, filter_property, filter_values) values
      ('montpelier', 'vt_sewer_points', 'manhole', 'Type', '{Sanitary Manhole,Combined Sewer Manhole}'),
      ('montpelier', 'vt_sewer_points', 'outfall', 'Type', '{Known CSO Outfalls}')`;
  [{ report }] = await db.sql<{ report: typeof report }[]>`select network_build('montpelier') as report`;
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

/** pgRouting's answer: nodes reachable from `node` following (downstream) or against (upstream) the edges. */
async function pgrReach(node: number, direction: 'downstream' | 'upstream'): Promise<number[]> {
  const edges = direction === 'downstream'
    ? `select id, source, target, length_m + 0.001 as cost, -1::float8 as reverse_cost from network_edges where network_id = 'montpelier'`
    : `select id, source, target, -1::float8 as cost, length_m + 0.001 as reverse_cost from network_edges where network_id = 'montpelier'`;
  const rows = await db.sql<{ node: number }[]>`select node from pgr_drivingDistance(${edges}, ${node}::bigint, 1e12::float8, true)`;
  return rows.map((r) => Number(r.node)).sort((a, b) => a - b);
}

describe('Montpelier sewer network', () => {
  it('builds with its manholes on the lines', () => {
    expect(report.edges).toBeGreaterThan(1000);
    // Most of the 997 manholes sit on a line end; those that do not are reported, not lost.
    const unsnapped = report.unsnapped.manhole;
    const manholes = report.nodes - report.dangling_ends;
    expect(manholes).toBeGreaterThan(0);
    expect(unsnapped).toBeLessThan(997 * 0.25);
  });

  it('upstream and downstream reach exactly the nodes pgRouting reaches', async () => {
    // A spread of edges: every 97th, so long trunk runs and short laterals are both covered.
    const picks = await db.sql<{ id: number; source: number; target: number }[]>`
      select id, source, target from (select id, source, target, row_number() over (order by id) as n from network_edges where network_id = 'montpelier') s
      where n % 97 = 1`;
    expect(picks.length).toBeGreaterThan(8);
    let longest = 0;
    for (const e of picks) {
      for (const direction of ['downstream', 'upstream'] as const) {
        const rows = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_flow(${e.id}, ${direction})`;
        expect(rows.filter((r) => r.role === 'status').map((r) => r.detail)).toEqual(['ok']);
        const ours = rows.filter((r) => r.role === 'node').map((r) => Number(r.id)).sort((a, b) => a - b);
        const theirs = await pgrReach(direction === 'downstream' ? e.target : e.source, direction);
        expect(ours).toEqual(theirs);
        longest = Math.max(longest, ours.length);
      }
    }
    // The data is one drained network, not a set of isolated stubs.
    expect(longest).toBeGreaterThan(50);
  });
});
