/**
 * The generated demo networks are traceable once the demo is loaded: water with valves at
 * junctions, tanks as sources and service connections to the schools, kindergartens and municipal
 * buildings; sewer and storm water with a flow direction. A smaller scale keeps the load short; the
 * generator's rules are the same at every scale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoMunicipality } from '../../../../gis-data/src/demo.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { listNetworks, rebuildStaleNetworks, traceFlow, traceIsolation, type NetworkReport, type TraceRow } from './networks.sql.ts';

let db: TestDb;
const logs: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  await loadDemoMunicipality(db.sql, { scale: 0.3, log: (m) => logs.push(m) });
}, 180_000);
afterAll(async () => {
  await db?.drop();
});

const roles = (rows: TraceRow[], role: string) => rows.filter((r) => r.role === role);

describe('demo networks', () => {
  it('are built on load, with valves, sources and connections, and a reload rebuilds nothing', async () => {
    const nets = new Map((await listNetworks(db.sql)).map((n) => [n.id, n]));
    const water = nets.get('water')!.report as NetworkReport;
    expect(nets.get('water')!.stale).toBe(false);
    expect(water.valves).toBeGreaterThan(20);
    expect(water.sources).toBeGreaterThanOrEqual(3);
    expect(water.connections).toBeGreaterThan(10);
    expect(water.unsnapped).toEqual({ valve: 0, hydrant: 0, source: 0, manhole: 0, outfall: 0 });
    expect((nets.get('sewer')!.report as NetworkReport).edges).toBeGreaterThan(100);
    expect(logs.some((l) => l.startsWith('network water:'))).toBe(true);
    expect(await rebuildStaleNetworks(db.sql)).toEqual([]);
  });

  it('a supplied water pipe isolates behind valves and a sewer traces downstream', async () => {
    // The pipe feeding the most buildings: a trace with people behind it.
    const [pick] = await db.sql<{ edge_id: number }[]>`
      select c.edge_id from network_connections c where c.network_id = 'water'
      group by c.edge_id order by count(*) desc, c.edge_id limit 1`;
    const rows = await traceIsolation(db.sql, pick!.edge_id, 100_000);
    expect(roles(rows, 'status').map((r) => r.detail)).toEqual(['ok']);
    expect(roles(rows, 'valve_to_close').length + roles(rows, 'source_to_shut').length).toBeGreaterThan(0);
    expect(roles(rows, 'building').length).toBeGreaterThan(0);

    const [sewer] = await db.sql<{ id: number }[]>`
      select e.id from network_edges e where e.network_id = 'sewer'
      order by (select count(*) from network_edges d where d.source = e.target) desc, e.id limit 1`;
    const down = await traceFlow(db.sql, sewer!.id, 'downstream', 100_000);
    expect(roles(down, 'status').map((r) => r.detail)).toEqual(['ok']);
    expect(roles(down, 'edge').length).toBeGreaterThan(1);
    expect(roles(down, 'node').some((r) => r.detail === 'manhole')).toBe(true);
  });
});
