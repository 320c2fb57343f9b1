/**
 * L1 (docs/reliability.md): the public map under load. 100,000 incidents (C1's seed, shared) over the
 * bench layers; 50 keep-alive connections cycle through what the citizen map asks for as it is
 * panned (web/src/citizen/incidents-layer.ts): the points of a viewport (`limit` 800 below z15,
 * 5,000 from z15) and the clusters of the same viewport at its zoom, over a fixed set of
 * viewports at z13-z16 across the city.
 *
 * Floor: the very statements the endpoints send for those requests, captured from postgres.js
 * (its `debug` hook, through the same query functions) and run through `pgbench -M prepared`
 * with 50 clients, in mirrored order with the HTTP side. Targets: >= 300 req/s, p99 < 300 ms,
 * 0 errors (docs/reliability.md L1); the ratio to the floor is context.
 */
import postgres from 'postgres';
import { clusterPublicIncidents, findPublicIncidents } from '../../api/src/modules/incidents/incidents.sql.ts';
import type { Pool } from '../../api/src/db.ts';
import type { Benchmark } from '../lib/context.ts';
import { httpLoad, type LoadRequest } from '../lib/http-load.ts';
import { mirrored } from '../lib/interleave.ts';
import { pgbench, type PgbenchScript } from '../lib/pgbench.ts';
import { fmt } from '../lib/report.ts';
import { INCIDENTS } from './c1-control-room.ts';
import { seedIncidents } from './seed-incidents.ts';

const CLIENTS = 50;

export interface Viewport {
  bbox: [number, number, number, number];
  zoom: number;
}

/** Viewports of a 1280x800 screen at z13-z16, spread over the municipality's bbox. */
export function viewports(city: [number, number, number, number]): Viewport[] {
  const out: Viewport[] = [];
  for (const zoom of [13, 14, 15, 16]) {
    const w = (1280 * 360) / (256 * 2 ** zoom);
    const h = w * (800 / 1280) * Math.cos((((city[1] + city[3]) / 2) * Math.PI) / 180);
    for (let i = 0; i < 4; i++) {
      const cx = city[0] + ((city[2] - city[0]) * (i + 0.5)) / 4;
      const cy = city[1] + ((city[3] - city[1]) * ((i * 3) % 4 + 0.5)) / 4;
      out.push({ bbox: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], zoom });
    }
  }
  return out;
}

/** The municipality's extent, where the seeded incidents lie (the viewports' frame). */
export async function cityBbox(sql: Pool): Promise<[number, number, number, number]> {
  const [b] = await sql<{ b: [number, number, number, number] }[]>`
    select json_build_array(st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)) as b
      from (select st_extent(geom) as e from districts where level = 'municipality') x`;
  return b!.b;
}

/** What the citizen map asks for one viewport: its points (800 below z15, 5,000 from z15) and its clusters. */
export function viewportRequests(v: Viewport): { bbox: string; limit: number; points: LoadRequest; clusters: LoadRequest } {
  const limit = v.zoom >= 15 ? 5000 : 800;
  const bbox = v.bbox.map((n) => n.toFixed(5)).join(',');
  return { bbox, limit, points: { path: `/api/public/incidents?bbox=${bbox}&limit=${limit}` }, clusters: { path: `/api/public/incidents/clusters?bbox=${bbox}&zoom=${v.zoom}` } };
}

const literal = (v: unknown) => (v === null ? 'null' : `'${String(v).replaceAll("'", "''")}'`);

export const l1: Benchmark = {
  id: 'L1',
  title: 'public map load (points + clusters per viewport, 50 connections) vs the same statements through pgbench',
  async run(ctx) {
    const seed = await seedIncidents(ctx.sql, INCIDENTS, ctx.log);
    if (seed.seeded) ctx.log(`L1: seeded ${seed.seeded} incidents in ${seed.seconds.toFixed(1)} s`);
    const views = viewports(await cityBbox(ctx.sql));

    // The statements, exactly as the query functions send them, with their parameters as literals.
    const captured: { query: string; params: unknown[] }[] = [];
    const capture = postgres(ctx.databaseUrl, { max: 1, onnotice: () => {}, debug: (_c, query, params) => captured.push({ query, params: params as unknown[] }) });
    const scripts: PgbenchScript[] = [];
    const requests: LoadRequest[] = [];
    try {
      for (const [i, v] of views.entries()) {
        const { bbox, limit, points, clusters } = viewportRequests(v);
        requests.push(points, clusters);
        const rounded = bbox.split(',').map(Number) as [number, number, number, number];
        for (const [kind, call] of [
          ['points', () => findPublicIncidents(capture, { bbox: rounded, limit: limit + 1 })],
          ['clusters', () => clusterPublicIncidents(capture, { bbox: rounded, zoom: v.zoom })],
        ] as const) {
          captured.length = 0;
          await call();
          const last = captured.at(-1)!;
          const statement = last.query.replace(/\$(\d+)/g, (_m, n: string) => literal(last.params[Number(n) - 1]));
          scripts.push({ name: `l1-${kind}-${i}.sql`, body: `${statement.replace(/\s+/g, ' ').trim()};\n` });
        }
      }
    } finally {
      await capture.end({ timeout: 2 });
    }

    const server = await ctx.server();
    await httpLoad({ baseUrl: server.baseUrl, requests, connections: CLIENTS, seconds: 1, warmupSeconds: 0 });
    // At least 5 s a half: pgbench's 50 fresh connections each load PostGIS first (warm-up left out).
    const seconds = Math.max(10, ctx.profile.seconds * 2);
    let bad = 0;
    let p99 = 0;
    const m = await mirrored(['pgbench', 'http'] as const, seconds, async (side, s) => {
      if (side === 'pgbench') {
        const r = await pgbench({ url: ctx.databaseUrl, workDir: ctx.workDir, clients: CLIENTS, threads: 2, seconds: s, warmupSeconds: 5, scripts });
        return { rate: r.tps };
      }
      const h = await httpLoad({ baseUrl: server.baseUrl, requests, connections: CLIENTS, seconds: s });
      bad += h.status['3xx'] + h.status['4xx'] + h.status['5xx'] + h.errors;
      p99 = Math.max(p99, h.p99Ms);
      return { rate: h.rps };
    });
    const note = bad ? `${bad} errors or non-2xx answers` : undefined;
    ctx.report.ratio('L1', 'L1 public map req/s vs 300 req/s', m.http.rate / 300, { kind: 'min', value: 1.0 }, note);
    ctx.report.ratio('L1', 'L1 public map p99 vs 300 ms', p99 / 300, { kind: 'max', value: 1.0 });
    ctx.report.ratio('L1', 'L1 public map req/s vs the same statements in pgbench', m.http.rate / m.pgbench.rate, { kind: 'info' });
    ctx.report.context('L1', `HTTP ${fmt.n(m.http.rate, 1)} req/s (p99 ${fmt.ms(p99)}), pgbench ${fmt.n(m.pgbench.rate, 1)} tps; ${views.length} viewports x (points, clusters), ${CLIENTS} connections, ${seconds} s each side`);
  },
};
