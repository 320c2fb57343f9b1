/**
 * The deterministic generator: plausible municipal asset layers inside a real boundary, and large
 * bench layers, as streams of asset rows that `loadGenerated` COPYs into PostGIS.
 *
 *   const boundary = await readBoundary();
 *   for (const row of generateLayer('water_pipes', { seed: manifest.municipality.seed, boundary })) …
 *   await loadGenerated(sql, 'water_pipes', generateLayer('water_pipes', { seed, boundary }));
 */
import { readFile } from 'node:fs/promises';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { Geometry } from 'geojson';
import { type GeneratorKind, loadManifest, sourcePath } from '../manifest.ts';
import type { AssetRow } from './copy.ts';
import type { LandGeometry } from './geometry.ts';
import { GENERATORS } from './layers.ts';
import { buildTownPlan, type TownPlan } from './town.ts';

export { loadGenerated, fingerprintRows, toEwkt, copyLine, type AssetRow, type Condition } from './copy.ts';
export { buildTownPlan, type TownPlan } from './town.ts';
export { pointInLand, type LandGeometry } from './geometry.ts';
export { generateBenchLayers, benchRows, type BenchKind, type BenchOptions, type BenchReport } from './bench.ts';

export interface GenerateOptions {
  /** Any string; the same seed gives byte-identical rows. */
  seed: string;
  /** The town's name in generated building names. @default the manifest's municipality.town */
  town?: { el: string; en: string };
  /** The land: generated assets stay inside it (and away from its edge: the sea, the neighbours). */
  boundary: LandGeometry;
  /**
   * Density multiplier: 1 is a ~100 m street grid (a few thousand features per network layer over
   * the demo town); 4 halves the block size and gives about four times as many features. @default 1
   */
  scale?: number;
}

/** Rows of one synthetic layer; lazy, so a caller can stream them without holding them all. */
/**
 * The cached plan with the town's names, one object per (plan, town): generators memoise work
 * per plan object, so the same town must give the same object.
 */
const named = new WeakMap<TownPlan, Map<string, TownPlan>>();
function withTown(plan: TownPlan, town: { el: string; en: string }): TownPlan {
  let byTown = named.get(plan);
  if (!byTown) named.set(plan, (byTown = new Map()));
  const key = `${town.el}\u0000${town.en}`;
  let p = byTown.get(key);
  if (!p) byTown.set(key, (p = { ...plan, town }));
  return p;
}

let townCache: { el: string; en: string } | null | undefined;
/** The manifest's town names, read once (the manifest is validated on every load). */
function manifestTown(): { el: string; en: string } | null {
  if (townCache === undefined) townCache = loadManifest().municipality.town ?? null;
  return townCache;
}

export function generateLayer(kind: GeneratorKind, opts: GenerateOptions): Iterable<AssetRow> {
  const generator = GENERATORS[kind];
  if (!generator) throw new Error(`unknown generator kind ${kind}`);
  const scale = opts.scale ?? 1;
  if (!(scale > 0 && scale <= 64)) throw new Error(`scale must be in (0, 64], got ${scale}`);
  return {
    [Symbol.iterator]: () => {
      const plan = buildTownPlan(opts.boundary, opts.seed, scale);
      return generator(withTown(plan, opts.town ?? manifestTown() ?? plan.town))[Symbol.iterator]();
    },
  };
}

/** The municipality's land polygon from the committed demo boundary (the manifest's boundaryFile in gis-data/demo). */
export async function readBoundary(file = sourcePath(loadManifest().municipality.boundaryFile)): Promise<LandGeometry> {
  const features = [];
  for await (const f of deserialize(new Uint8Array(await readFile(file)))) features.push(f);
  const g = features[0]?.geometry as Geometry | undefined;
  if (features.length !== 1 || !g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
    throw new Error(`${file}: expected one Polygon or MultiPolygon feature`);
  }
  return g;
}
