/**
 * Properties of the valve isolation on random looped grids (fast-check), checked by an independent
 * breadth-first search in TypeScript over the built graph:
 *   1. closing the returned valves (and shutting the returned sources) cuts the broken pipe off
 *      every source;
 *   2. no returned valve is redundant: leaving any one of them open reconnects the break.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { buildSpec, type NetworkSpec, type TraceRow, type XYm } from './networks.fixtures.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

interface Graph {
  kind: Map<number, { kind: string; state: string | null }>;
  edges: { id: number; source: number; target: number }[];
}

/** Is the edge supplied when `blocked` nodes are shut? Sources in `blocked` feed nothing. */
function supplied(g: Graph, edgeId: number, blocked: Set<number>): boolean {
  const adj = new Map<number, number[]>();
  for (const e of g.edges) {
    adj.set(e.source, [...(adj.get(e.source) ?? []), e.target]);
    adj.set(e.target, [...(adj.get(e.target) ?? []), e.source]);
  }
  const stops = (n: number) => blocked.has(n) || g.kind.get(n)?.state === 'closed';
  const passed = new Set<number>();
  const queue = [...g.kind.entries()].filter(([n, k]) => k.kind === 'source' && !stops(n)).map(([n]) => n);
  for (const n of queue) passed.add(n);
  while (queue.length) {
    const n = queue.shift()!;
    for (const m of adj.get(n) ?? []) {
      if (passed.has(m) || stops(m)) continue;
      passed.add(m);
      queue.push(m);
    }
  }
  const e = g.edges.find((x) => x.id === edgeId)!;
  return passed.has(e.source) || passed.has(e.target);
}

const gridSpec = fc.record({
  w: fc.integer({ min: 2, max: 5 }),
  h: fc.integer({ min: 2, max: 4 }),
  // Per potential pipe: present?, valve on it? (state, operable).
  cells: fc.array(fc.record({ present: fc.boolean(), valve: fc.constantFrom('none', 'none', 'open', 'open', 'closed', 'stuck') }), { minLength: 40, maxLength: 40 }),
  tanks: fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 2 }),
  breakAt: fc.nat(),
});

let runs = 0;

describe('network_trace_isolation properties', () => {
  it('returned valves cut the break off every source, and none is redundant', async () => {
    let checkedValves = 0;
    await fc.assert(
      fc.asyncProperty(gridSpec, async ({ w, h, cells, tanks, breakAt }) => {
        const id = `prop_${++runs}`;
        const spec: NetworkSpec = { id, pipes: {}, valves: {}, tanks: {} };
        const at = (i: number, j: number): XYm => [i * 100, j * 100];
        let k = 0;
        for (let i = 0; i < w; i++) {
          for (let j = 0; j < h; j++) {
            for (const [di, dj] of [[1, 0], [0, 1]] as const) {
              if (i + di >= w || j + dj >= h) continue;
              const c = cells[k++ % cells.length]!;
              // Keep a spanning comb so the grid is mostly one piece; the rest is random.
              if (!c.present && !(dj === 1 && i === 0) && !(di === 1)) continue;
              const name = `p${i}_${j}_${di}`;
              const a = at(i, j);
              const b = at(i + di, j + dj);
              spec.pipes[name] = [a, b];
              if (c.valve !== 'none') {
                spec.valves![`v${name}`] = { at: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], state: c.valve === 'closed' ? 'closed' : 'open', operable: c.valve !== 'stuck' };
              }
            }
          }
        }
        for (const t of tanks) spec.tanks![`t${t}`] = [(t % w) * 100 + 30, (Math.floor(t / w) % h) * 100 + 30];
        await buildSpec(db.sql, spec);

        const nodes = await db.sql<{ id: number; kind: string; valve_state: string | null }[]>`select id, kind, valve_state from network_nodes where network_id = ${id}`;
        const edges = await db.sql<{ id: number; source: number; target: number }[]>`select id, source, target from network_edges where network_id = ${id} order by id`;
        const g: Graph = { kind: new Map(nodes.map((n) => [n.id, { kind: n.kind, state: n.valve_state }])), edges };
        const broken = edges[breakAt % edges.length]!.id;
        const rows = await db.sql<TraceRow[]>`select role, element, id, asset_id, depth, detail from network_trace_isolation(${broken})`;
        const status = rows.filter((r) => r.role === 'status').map((r) => r.detail);
        expect(status).toHaveLength(1);
        expect(['ok', 'disconnected']).toContain(status[0]);
        const valves = rows.filter((r) => r.role === 'valve_to_close').map((r) => r.id!);
        const shut = rows.filter((r) => r.role === 'source_to_shut').map((r) => r.id!);
        const closed = new Set([...valves, ...shut]);

        // 1. Cut off.
        expect(supplied(g, broken, closed)).toBe(false);
        // 2. Each valve necessary.
        for (const v of valves) {
          const without = new Set(closed);
          without.delete(v);
          expect(supplied(g, broken, without)).toBe(true);
          checkedValves++;
        }
        // And a supplied break always needs something closed.
        if (status[0] === 'ok') expect(valves.length + shut.length).toBeGreaterThan(0);
      }),
      { numRuns: 30, seed: 20261205 },
    );
    // The generator produces breaks with valves to close, not only trivial cases.
    expect(checkedValves).toBeGreaterThan(20);
  }, 180_000);
});
