/**
 * T1: the tile endpoint, uncached (no validators sent), at z10-z16, against its own SQL through
 * `pgbench -M prepared` with the same concurrency over the same tiles. Target >= 0.9x the floor.
 */
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { get, httpLoad } from '../lib/http-load.ts';
import { countFeatures } from '../lib/mvt.ts';
import { pgbench, tileScript } from '../lib/pgbench.ts';
import { fmt } from '../lib/report.ts';
import type { TileCoord } from '../lib/tile-grid.ts';
import { mirrored } from '../lib/interleave.ts';
import { cpuMeter, cpuPerOp, postmasterPid, type CpuSample } from '../lib/cpu.ts';
import { LAYER_IDS, measureSeconds, tileKeys, tilePath, tilePaths, tileSet } from './tile-set.ts';
import { endpointSql, withTile } from './tile-sql.ts';

export interface Floor {
  z: number;
  tps: number;
  latencyMs: number;
  /** Transactions pgbench completed, warm-up included (CPU per transaction). */
  transactions: number;
}

/** Requests every tile once in turn: warms the caches, checks the endpoint and times one pass. */
export async function probeTiles(ctx: BenchContext, paths: string[]): Promise<{ meanMs: number; meanBytes: number }> {
  const { baseUrl } = await ctx.server();
  let ms = 0;
  let bytes = 0;
  for (const path of paths) {
    const r = await get(baseUrl + path);
    if (r.status !== 200 && r.status !== 204) {
      throw new Error(`GET ${path} answered ${r.status}: ${new TextDecoder().decode(r.bytes.slice(0, 300))}`);
    }
    ms += r.ms;
    bytes += r.bytes.length;
  }
  return { meanMs: ms / paths.length, meanBytes: bytes / paths.length };
}

/** The T1 floor at one zoom: the endpoint's SQL over the tile set, through pgbench. */
export async function measureFloor(ctx: BenchContext, z: number, tiles: TileCoord[], seconds: number): Promise<Floor> {
  const keys = await tileKeys(ctx);
  const result = await pgbench({
    url: ctx.databaseUrl,
    workDir: ctx.workDir,
    clients: ctx.profile.clients,
    seconds,
    scripts: LAYER_IDS.map((layer) => ({ name: `t1-z${z}-${layer}.sql`, body: tileScript(tiles, endpointSql(layer, keys[layer]!)) })),
  });
  const floor = { z, tps: result.tps, latencyMs: result.latencyMs, transactions: result.transactions };
  floors(ctx).set(z, floor);
  return floor;
}

/**
 * Guards the floor against drift: the floor statement must build the tile the endpoint serves,
 * or T1 would compare different work. Feature order inside a tile is not fixed (two plans may
 * read the rows in another order), and the order moves values in the tile's value table, whose
 * indexes are varints: so the check is the same features per layer and a length within 1 %.
 */
export async function checkFloorMatches(ctx: BenchContext, tile: TileCoord): Promise<void> {
  const { baseUrl } = await ctx.server();
  const keys = await tileKeys(ctx);
  for (const layer of LAYER_IDS) {
    const http = await get(baseUrl + tilePath(layer, tile));
    const [row] = await ctx.sql.unsafe(withTile(endpointSql(layer, keys[layer]!), tile));
    const floorTile = typeof row?.tile === 'string' ? Buffer.from(row.tile, 'base64') : undefined;
    const bytes = floorTile?.length ?? -1;
    const sameFeatures = floorTile !== undefined && JSON.stringify(countFeatures(floorTile).layers) === JSON.stringify(countFeatures(http.bytes).layers);
    if (!sameFeatures || Math.abs(http.bytes.length - bytes) > Math.max(8, bytes * 0.01)) {
      throw new Error(`the floor statement built ${bytes} bytes for ${tilePath(layer, tile)}, the endpoint served ${http.bytes.length}: bench/tiles/tile-sql.ts no longer matches tiles.sql.ts`);
    }
  }
}

export function floors(ctx: BenchContext): Map<number, Floor> {
  let m = ctx.memo.get('t1.floors') as Map<number, Floor> | undefined;
  if (!m) {
    m = new Map();
    ctx.memo.set('t1.floors', m);
  }
  return m;
}

/** Mean CPU ms per request of each side, e.g. "app 0.31 ms, PostgreSQL 1.20 ms, load generator 0.10 ms". */
export function cpuLine(samples: CpuSample[], app: string | null, bench: string): string {
  const mean = (pick: (s: CpuSample) => number | null) => {
    const v = samples.map(pick).filter((x): x is number => x !== null);
    return v.length ? fmt.ms(v.reduce((a, b) => a + b, 0) / v.length) : 'n/a';
  };
  return [...(app ? [`${app} ${mean((s) => s.app)}`] : []), `PostgreSQL ${mean((s) => s.postgres)}`, `${bench} ${mean((s) => s.bench)}`].join(', ');
}

export const t1: Benchmark = {
  id: 'T1',
  title: 'uncached tile endpoint z10-z16 vs the same SQL through pgbench -M prepared',
  async run(ctx) {
    const server = await ctx.server();
    const meter = cpuMeter(server.pid, await postmasterPid(ctx.sql));
    for (const z of ctx.profile.zooms) {
      const tiles = await tileSet(ctx, z);
      if (tiles.length === 0) {
        ctx.report.skipped(`T1 z${z}`, 'no tiles with data');
        continue;
      }
      const paths = tilePaths(tiles);
      await checkFloorMatches(ctx, tiles[0]!);
      const probe = await probeTiles(ctx, paths);
      const seconds = measureSeconds(ctx, probe.meanMs);
      ctx.log(`T1 z${z}: ${paths.length} tile requests, ~${fmt.ms(probe.meanMs)} each, ${seconds} s per side`);
      let bad = 0;
      let p99 = 0;
      const latencies: number[] = [];
      const cpu: Record<'pgbench' | 'http', CpuSample[]> = { pgbench: [], http: [] };
      const m = await mirrored(['pgbench', 'http'] as const, seconds, async (side, s) => {
        const before = meter.sample();
        if (side === 'pgbench') {
          const f = await measureFloor(ctx, z, tiles, s);
          latencies.push(f.latencyMs);
          cpu.pgbench.push(cpuPerOp(before, meter.sample(), f.transactions));
          return { rate: f.tps, transactions: f.transactions };
        }
        const h = await httpLoad({ baseUrl: server.baseUrl, requests: paths.map((path) => ({ path })), connections: ctx.profile.clients, seconds: s });
        cpu.http.push(cpuPerOp(before, meter.sample(), h.requests));
        bad += h.status['4xx'] + h.status['5xx'] + h.errors;
        p99 = Math.max(p99, h.p99Ms);
        return { rate: h.rps, transactions: h.requests };
      });
      const latency = latencies.reduce((a, b) => a + b, 0) / latencies.length;
      const floor = { z, tps: m.pgbench.rate, latencyMs: latency, transactions: m.pgbench.runs.reduce((a, r) => a + r.transactions, 0) };
      floors(ctx).set(z, floor);
      ctx.report.ratio('T1', `T1 tile z${z} req/s vs pgbench floor`, m.http.rate / floor.tps, { kind: 'min', value: 0.9 }, bad ? `${bad} failed requests` : undefined);
      ctx.report.context('T1', `z${z} CPU per tile: ${cpuLine(cpu.http, 'app', 'load generator')}; floor ${cpuLine(cpu.pgbench, null, 'pgbench')}`);
      ctx.report.context('T1', `z${z}: HTTP ${fmt.n(m.http.rate, 1)} req/s (p99 ${fmt.ms(p99)}), pgbench ${fmt.n(floor.tps, 1)} tps (mean latency ${fmt.ms(latency)}), ${tiles.length} tiles x ${LAYER_IDS.length} layers, mean tile ${fmt.kb(probe.meanBytes)}, ${ctx.profile.clients} clients, ${seconds} s each`);
    }
  },
};
