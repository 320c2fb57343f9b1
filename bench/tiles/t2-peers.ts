/**
 * T2: our tile SQL against Martin's and pg_tileserv's query templates on the same tables and the
 * same tiles, all through pgbench -M prepared at the same concurrency. The time ratio per tile is
 * peer tps / our tps. Target <= 1.0x (aim 0.5x).
 */
import type { Db } from '../../api/src/db.ts';
import type { Benchmark } from '../lib/context.ts';
import { pgbench, tileScript } from '../lib/pgbench.ts';
import { fmt } from '../lib/report.ts';
import type { TileCoord } from '../lib/tile-grid.ts';
import { mirrored } from '../lib/interleave.ts';
import { LAYER_IDS, measureSeconds, tileKeys, tileSet } from './tile-set.ts';
import { martinSql, oursSql, pgTileservSql, withTile } from './tile-sql.ts';

const VARIANTS = [
  { key: 'ours', label: 'ours', sql: (layer: string, keys: Record<string, string | null>) => oursSql(layer, keys[layer]!) },
  { key: 'martin', label: 'Martin', sql: (layer: string) => martinSql(layer) },
  { key: 'pg_tileserv', label: 'pg_tileserv', sql: (layer: string) => pgTileservSql(layer) },
] as const;

/** One pass over the tile set with postgres.js: warms caches and sizes the pgbench run. */
async function probe(sql: Db, tiles: TileCoord[], statement: (layer: string) => string): Promise<{ meanMs: number; meanBytes: number }> {
  let ms = 0;
  let bytes = 0;
  let n = 0;
  for (const layer of LAYER_IDS) {
    for (const t of tiles) {
      const started = performance.now();
      const [row] = await sql.unsafe(`select (${withTile(statement(layer), t)}) as tile`);
      ms += performance.now() - started;
      bytes += (row?.tile as Uint8Array | null)?.length ?? 0;
      n++;
    }
  }
  return { meanMs: ms / n, meanBytes: bytes / n };
}

export const t2: Benchmark = {
  id: 'T2',
  title: "our tile SQL vs Martin's and pg_tileserv's templates (pgbench, same tiles)",
  async run(ctx) {
    const keys = await tileKeys(ctx);
    for (const z of ctx.profile.zooms) {
      const tiles = await tileSet(ctx, z);
      if (tiles.length === 0) {
        ctx.report.skipped(`T2 z${z}`, 'no tiles with data');
        continue;
      }
      const probes: Record<string, { meanMs: number; meanBytes: number }> = {};
      for (const v of VARIANTS) probes[v.key] = await probe(ctx.sql, tiles, (layer) => v.sql(layer, keys));
      // One duration for all three, sized by the slowest, so they share the same stretch of machine time.
      const seconds = measureSeconds(ctx, Math.max(...Object.values(probes).map((p) => p.meanMs)));
      ctx.log(`T2 z${z}: ${VARIANTS.map((v) => `${v.label} ~${fmt.ms(probes[v.key]!.meanMs)}`).join(', ')} per tile; ${seconds} s each`);
      const m = await mirrored(
        VARIANTS.map((v) => v.key),
        seconds,
        async (key, s) => {
          const v = VARIANTS.find((x) => x.key === key)!;
          const r = await pgbench({
            url: ctx.databaseUrl,
            workDir: ctx.workDir,
            clients: ctx.profile.clients,
            seconds: s,
            scripts: LAYER_IDS.map((layer) => ({ name: `t2-z${z}-${v.key}-${layer}.sql`, body: tileScript(tiles, v.sql(layer, keys)) })),
          });
          return { rate: r.tps, latencyMs: r.latencyMs };
        },
      );
      const results: Record<string, { tps: number; latencyMs: number; meanBytes: number }> = {};
      for (const v of VARIANTS) {
        const runs = m[v.key].runs;
        results[v.key] = { tps: m[v.key].rate, latencyMs: runs.reduce((a, r) => a + r.latencyMs, 0) / runs.length, meanBytes: probes[v.key]!.meanBytes };
      }
      const ours = results.ours!;
      for (const peer of VARIANTS.slice(1)) {
        const other = results[peer.key]!;
        ctx.report.ratio('T2', `T2 tile SQL z${z} time vs ${peer.label}`, other.tps / ours.tps, { kind: 'max', value: 1.0 });
      }
      ctx.report.context(
        'T2',
        `z${z}: ` +
          VARIANTS.map((v) => `${v.label} ${fmt.n(results[v.key]!.tps, 1)} tps (mean ${fmt.ms(results[v.key]!.latencyMs)}, ${fmt.kb(results[v.key]!.meanBytes)}/tile)`).join(', '),
      );
    }
  },
};
