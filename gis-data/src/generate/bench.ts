/**
 * Bench-scale layers (docs/benchmarks.md: 2 M points, 500 k lines, 500 k polygons) inside the
 * municipality's bbox. Rows are generated lazily and COPYed, so memory stays flat in N.
 */
import type { Pool } from '../../../api/src/db.ts';
import { adoptCandidateAttributes, upsertLayer, refreshLayerExtent } from '../import/catalogue.sql.ts';
import { loadManifest } from '../manifest.ts';
import { loadGenerated, type AssetRow, type Condition } from './copy.ts';
import { round7 } from './geometry.ts';
import { createRng } from './prng.ts';

export type BenchKind = 'bench_points' | 'bench_lines' | 'bench_polygons';

export interface BenchOptions {
  points: number;
  lines: number;
  polygons: number;
  /** @default 'bench' */
  seed?: string;
  /** @default the manifest municipality's bbox */
  bbox?: [number, number, number, number];
  log?: (message: string) => void;
  /** Drop and rebuild the GiST indexes of `assets` around the load. @default true from 100 k rows */
  deferIndexes?: boolean;
}

export interface BenchReport {
  layers: { id: BenchKind; rows: number; seconds: number; rowsPerSecond: number; skipped: boolean }[];
  /** Time to rebuild the GiST indexes after a deferred-index load. */
  indexSeconds: number;
}

const CONDITIONS: Condition[] = ['good', 'good', 'fair', 'fair', 'poor', 'critical'];
const CATEGORIES = ['valve', 'hydrant', 'manhole', 'light', 'pole', 'meter', 'sign', 'bin'];

/** Hilbert curve index d → cell (x, y) on a 2^order grid (the classic iterative d2xy). */
export function hilbertCell(order: number, d: number): [number, number] {
  let x = 0;
  let y = 0;
  let t = d;
  for (let s = 1; s < 1 << order; s <<= 1) {
    const rx = 1 & (t >> 1);
    const ry = 1 & (t ^ rx);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      [x, y] = [y, x];
    }
    x += s * rx;
    y += s * ry;
    t >>= 2;
  }
  return [x, y];
}

/**
 * Rows of one bench layer: uniform positions in the bbox; lines are 2-6 vertex walks of 20-80 m
 * steps; polygons are rotated quadrilaterals of 8-40 m sides. Deterministic for (kind, n, seed).
 *
 * Rows come out cell by cell along a Hilbert curve (about 32 rows per cell), so consecutive rows are
 * near each other: GiST insertion then touches few index pages per row, several times faster than
 * in random order at millions of rows. The positions are still uniform over the bbox.
 */
export function* benchRows(kind: BenchKind, n: number, seed: string, bbox: [number, number, number, number]): Generator<AssetRow> {
  const rng = createRng(`${seed}/${kind}`);
  const [minx, miny, maxx, maxy] = bbox;
  const lat0 = (miny + maxy) / 2;
  const degPerMx = 1 / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const degPerMy = 1 / 110_574;
  const clampX = (x: number) => round7(Math.min(maxx, Math.max(minx, x)));
  const clampY = (y: number) => round7(Math.min(maxy, Math.max(miny, y)));
  const prefix = kind === 'bench_points' ? 'BP' : kind === 'bench_lines' ? 'BL' : 'BG';
  const order = Math.max(0, Math.min(10, Math.ceil(Math.log(Math.max(1, n / 32)) / Math.log(4))));
  const side = 1 << order;
  const cells = side * side;
  const cw = (maxx - minx) / side;
  const ch = (maxy - miny) / side;
  let i = 0;
  for (let d = 0; d < cells; d++) {
    const [cx, cy] = hilbertCell(order, d);
    // Cell d gets its share of n; the shares add up to exactly n.
    const inCell = Math.floor(((d + 1) * n) / cells) - Math.floor((d * n) / cells);
    for (let k = 0; k < inCell; k++) {
      i++;
      const x = minx + (cx + rng.next()) * cw;
      const y = miny + (cy + rng.next()) * ch;
      let geometry: AssetRow['geometry'];
      if (kind === 'bench_points') {
        geometry = { type: 'Point', coordinates: [clampX(x), clampY(y)] };
      } else if (kind === 'bench_lines') {
        const coords = [[clampX(x), clampY(y)]];
        let px = x;
        let py = y;
        let heading = rng.next() * Math.PI * 2;
        const vertices = 2 + Math.floor(rng.next() * 5);
        for (let v = 1; v < vertices; v++) {
          const step = 20 + rng.next() * 60;
          heading += (rng.next() - 0.5) * 1.2;
          px += Math.cos(heading) * step * degPerMx;
          py += Math.sin(heading) * step * degPerMy;
          coords.push([clampX(px), clampY(py)]);
        }
        geometry = { type: 'LineString', coordinates: coords };
      } else {
        // Centres kept 30 m inside the bbox, so no corner is clamped and every polygon stays valid.
        const pcx = Math.min(maxx - 30 * degPerMx, Math.max(minx + 30 * degPerMx, x));
        const pcy = Math.min(maxy - 30 * degPerMy, Math.max(miny + 30 * degPerMy, y));
        const a = rng.next() * Math.PI;
        const w = 8 + rng.next() * 32;
        const h = 8 + rng.next() * 32;
        const ring: number[][] = [];
        for (const [dx, dy] of [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]] as const) {
          const rx = dx * Math.cos(a) - dy * Math.sin(a);
          const ry = dx * Math.sin(a) + dy * Math.cos(a);
          ring.push([round7(pcx + rx * degPerMx), round7(pcy + ry * degPerMy)]);
        }
        ring.push(ring[0]!);
        geometry = { type: 'Polygon', coordinates: [ring] };
      }
      yield {
        externalId: `${prefix}-${i}`,
        name: `${prefix} ${i}`,
        properties: { category: CATEGORIES[i % CATEGORIES.length], value: Math.floor(rng.next() * 1000), batch: i % 100 },
        condition: CONDITIONS[Math.floor(rng.next() * CONDITIONS.length)]!,
        criticality: 1 + Math.floor(rng.next() * 5),
        installDate: `${1960 + (i % 64)}-${String(1 + (i % 12)).padStart(2, '0')}-15`,
        geometry,
      };
    }
  }
}

const BENCH_LAYERS: { id: BenchKind; geometry: 'point' | 'line' | 'polygon'; el: string; en: string; color: string }[] = [
  { id: 'bench_points', geometry: 'point', el: 'Δοκιμαστικά σημεία', en: 'Bench points', color: '#0f766e' },
  { id: 'bench_lines', geometry: 'line', el: 'Δοκιμαστικές γραμμές', en: 'Bench lines', color: '#7c2d12' },
  { id: 'bench_polygons', geometry: 'polygon', el: 'Δοκιμαστικά πολύγωνα', en: 'Bench polygons', color: '#4338ca' },
];

/**
 * Creates or refreshes the three bench layers. A layer that already holds exactly the requested
 * rows for the same seed (recorded in layers.source) is left alone, so re-running a benchmark does
 * not pay for a multi-million-row delete and reload.
 *
 * Large loads (deferIndexes, default from 100 k rows) drop the GiST indexes of `assets` and rebuild
 * them after the load, all in one transaction: a GiST insert costs ~100 µs of penalty computations
 * per row per index, while PostGIS's sorted GiST build is an order of magnitude cheaper. The
 * transaction holds an exclusive lock on `assets` meanwhile: meant for a benchmark database.
 */
export async function generateBenchLayers(sql: Pool, opts: BenchOptions): Promise<BenchReport> {
  const seed = opts.seed ?? 'bench';
  const bbox = opts.bbox ?? loadManifest().municipality.bbox;
  const counts: Record<BenchKind, number> = { bench_points: opts.points, bench_lines: opts.lines, bench_polygons: opts.polygons };
  const report: BenchReport = { layers: [], indexSeconds: 0 };
  const todo: { layer: (typeof BENCH_LAYERS)[number]; n: number; source: string }[] = [];
  for (const l of BENCH_LAYERS) {
    const n = counts[l.id];
    if (!Number.isInteger(n) || n < 0) throw new Error(`${l.id}: count must be a non-negative integer`);
    const source = `generator:${l.id}?n=${n}&seed=${encodeURIComponent(seed)}&bbox=${bbox.join(',')}`;
    const [existing] = await sql<{ source: string; feature_count: number }[]>`select source, feature_count from layers where id = ${l.id}`;
    if (existing && existing.source === source && existing.feature_count === n) {
      report.layers.push({ id: l.id, rows: n, seconds: 0, rowsPerSecond: 0, skipped: true });
      opts.log?.(`${l.id}: ${n} rows already loaded`);
    } else {
      todo.push({ layer: l, n, source });
    }
  }
  if (todo.length === 0) return report;
  const total = todo.reduce((s, t) => s + t.n, 0);
  const deferIndexes = opts.deferIndexes ?? total >= 100_000;

  await sql.begin(async (t) => {
    // postgres.js types a transaction apart from the pool; the query functions accept either.
    const tx = t as unknown as Pool;
    await tx`set local statement_timeout = 0`;
    const gist = deferIndexes ? await gistIndexesOfAssets(tx) : [];
    for (const ix of gist) await tx`drop index ${tx(ix.indexname)}`;
    for (const { layer: l, n, source } of todo) {
      const started = performance.now();
      await upsertLayer(tx, {
        id: l.id, nameEl: l.el, nameEn: l.en, group: 'reference', geometryType: l.geometry,
        style: l.geometry === 'point' ? { color: l.color, radius: 2 } : l.geometry === 'line' ? { color: l.color, width: 1 } : { color: l.color, fillOpacity: 0.4, width: 0.5 },
        isPublic: true, synthetic: true, source: '', licence: 'CC0-1.0',
        attribution: 'Synthetic benchmark data generated inside the demo municipality bbox', sortOrder: 900,
      });
      await tx`delete from assets where layer_id = ${l.id}`;
      await loadGenerated(tx, l.id, benchRows(l.id, n, seed, bbox));
      await refreshLayerExtent(tx, l.id);
      await adoptCandidateAttributes(tx, l.id);
      // Recorded with the rows, in the same transaction: a failed load never looks complete.
      await tx`update layers set source = ${source} where id = ${l.id}`;
      const seconds = (performance.now() - started) / 1000;
      const rowsPerSecond = Math.round(n / seconds);
      report.layers.push({ id: l.id, rows: n, seconds: Math.round(seconds * 10) / 10, rowsPerSecond, skipped: false });
      opts.log?.(`${l.id}: ${n} rows in ${seconds.toFixed(1)} s (${rowsPerSecond} rows/s)`);
    }
    if (gist.length) {
      const started = performance.now();
      // The definitions come from pg_indexes (the migrations' own DDL), never from input.
      // Generated rows land in assets_base (migrations/0115), whose own indexes these are; an index
      // of the partitioned table reads `ON ONLY assets`, which would build nothing on the partitions.
      for (const ix of gist) await tx.unsafe(ix.indexdef.replace(/ ON ONLY /, ' ON '));
      report.indexSeconds = Math.round((performance.now() - started) / 100) / 10;
      opts.log?.(`rebuilt ${gist.length} GiST indexes of assets in ${report.indexSeconds} s`);
    }
  });
  const order = BENCH_LAYERS.map((l) => l.id);
  report.layers.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return report;
}

async function gistIndexesOfAssets(sql: Pool): Promise<{ indexname: string; indexdef: string }[]> {
  return sql<{ indexname: string; indexdef: string }[]>`
    select indexname, indexdef
      from pg_indexes
     where schemaname = current_schema() and tablename in ('assets', 'assets_base') and indexdef ilike '% using gist %'
     order by indexname`;
}
