/**
 * The fixed tile set of T1, T2 and T4: per zoom z10-z16, a representative sample of the non-empty
 * tiles over the bench data (densest to sparsest), requested for each of the three bench layers.
 * Built once per run and shared through ctx.memo.
 */
import type { BenchContext } from '../lib/context.ts';
import { binLayers, sampleTiles, type TileCoord } from '../lib/tile-grid.ts';
import { BENCH_LAYERS } from '../lib/sizes.ts';
import { tileKeysLiteral } from './tile-sql.ts';

export const LAYER_IDS: string[] = Object.values(BENCH_LAYERS);

export async function ensureBins(ctx: BenchContext): Promise<void> {
  if (ctx.memo.has('tiles.bins')) return;
  ctx.log('binning feature centres into z18 tiles…');
  await binLayers(ctx.sql, LAYER_IDS);
  ctx.memo.set('tiles.bins', true);
}

export async function tileSet(ctx: BenchContext, z: number): Promise<TileCoord[]> {
  const key = `tiles.set.${z}`;
  const cached = ctx.memo.get(key) as TileCoord[] | undefined;
  if (cached) return cached;
  await ensureBins(ctx);
  const tiles = await sampleTiles(ctx.sql, z, ctx.profile.tilesPerZoom);
  ctx.memo.set(key, tiles);
  return tiles;
}

export function tilePath(layer: string, t: TileCoord): string {
  return `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`;
}

/** Every (layer, tile) request path of a zoom. */
export function tilePaths(tiles: TileCoord[]): string[] {
  return LAYER_IDS.flatMap((layer) => tiles.map((t) => tilePath(layer, t)));
}

/**
 * Seconds for a throughput run: the profile's base, stretched so that even slow low-zoom tiles
 * complete a few dozen times (a figure from five requests would be noise), capped by the profile.
 */
export function measureSeconds(ctx: BenchContext, meanMs: number): number {
  return Math.min(ctx.profile.maxSeconds, Math.max(ctx.profile.seconds, Math.ceil((meanMs / 1000) * 20)));
}

/** Per layer, the key list the endpoint passes to mvt_tile() (an SQL literal), read once per run. */
export async function tileKeys(ctx: BenchContext): Promise<Record<string, string | null>> {
  const cached = ctx.memo.get('tiles.keys') as Record<string, string | null> | undefined;
  if (cached) return cached;
  const keys: Record<string, string | null> = {};
  for (const layer of LAYER_IDS) keys[layer] = await tileKeysLiteral(ctx.sql, layer);
  ctx.memo.set('tiles.keys', keys);
  return keys;
}
