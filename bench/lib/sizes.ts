/** Data sizes and run lengths: full (docs/benchmarks.md) and smoke (about 1/100, a few minutes). */

export interface BenchSizes {
  points: number;
  lines: number;
  polygons: number;
}

export interface RunProfile {
  /** Database name suffix: the data is reused between runs of the same profile. */
  name: string;
  sizes: BenchSizes;
  /** Seconds per throughput measurement (stretched for slow tiles, see measureSeconds). */
  seconds: number;
  /** Upper bound for that stretch. */
  maxSeconds: number;
  /** Concurrent clients for req/s and tps figures. */
  clients: number;
  /** Tiles per zoom in the fixed T1/T2 tile set. */
  tilesPerZoom: number;
  /** Zooms of T1, T2 and T4 (docs/benchmarks.md: z10-z16). */
  zooms: number[];
  /** Features in the X3 import file (the RSS target is stated at 1 M). */
  importFeatures: number;
  /** Repeats for the short export/import timings (the median is kept). */
  repeats: number;
  /** Length of L8's soak (docs/reliability.md: 10 min); `--soak-seconds` overrides it. */
  soakSeconds: number;
}

export const FULL: RunProfile = {
  name: 'full',
  sizes: { points: 2_000_000, lines: 500_000, polygons: 500_000 },
  seconds: 8,
  maxSeconds: 60,
  clients: 4,
  tilesPerZoom: 16,
  zooms: [10, 11, 12, 13, 14, 15, 16],
  importFeatures: 1_000_000,
  repeats: 1,
  soakSeconds: 600,
};

export const SMOKE: RunProfile = {
  name: 'smoke',
  sizes: { points: 20_000, lines: 5_000, polygons: 5_000 },
  seconds: 2,
  maxSeconds: 4,
  clients: 4,
  tilesPerZoom: 8,
  // Every other zoom keeps the smoke run short; the full run covers all seven.
  zooms: [10, 12, 14, 16],
  importFeatures: 20_000,
  repeats: 3,
  // The photo worker's RSS climbs over its first photos and then stays flat: a soak shorter
  // than five minutes reads that start-up as growth.
  soakSeconds: 300,
};

/** A profile scaled from the full one (e.g. --scale 0.1 for a quicker but still loaded run). */
export function scaled(fraction: number): RunProfile {
  const r = (n: number) => Math.max(100, Math.round(n * fraction));
  const tag = String(fraction).replace('.', '_');
  return {
    ...FULL,
    name: `s${tag}`,
    sizes: { points: r(FULL.sizes.points), lines: r(FULL.sizes.lines), polygons: r(FULL.sizes.polygons) },
    seconds: fraction < 0.05 ? 3 : fraction < 0.5 ? 5 : FULL.seconds,
    maxSeconds: fraction < 0.05 ? 10 : fraction < 0.5 ? 30 : FULL.maxSeconds,
    importFeatures: r(FULL.importFeatures),
    repeats: fraction < 0.05 ? 3 : 1,
  };
}

/** The benchmark layers the generator creates. */
export const BENCH_LAYERS = { points: 'bench_points', lines: 'bench_lines', polygons: 'bench_polygons' } as const;
export const BENCH_SEED = 'bench';
