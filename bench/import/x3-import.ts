/**
 * X3: import of a FlatGeobuf and a GeoJSON file through importLayerFile (the function behind the
 * CLI and the import job), in a child process under GNU time for its peak RSS, against
 * `ogr2ogr -f PostgreSQL` loading the same file into a new table (COPY mode, GDAL's default).
 * The files are written once by ogr2ogr from the bench points. Targets: <= 1.0x ogr2ogr's time;
 * peak RSS < 512 MB at 1 M features.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { median } from '../lib/context.ts';
import { gdalPg, runChecked, runWithPeakRss } from '../lib/proc.ts';
import { fmt } from '../lib/report.ts';
import { BENCH_LAYERS } from '../lib/sizes.ts';

const CHILD = resolve(import.meta.dirname, 'import-child.ts');
const MAX_RSS_MB = 512;
const OGR_TABLE = 'bench_ogr_import';

const FORMATS = [
  { key: 'fgb', label: 'FlatGeobuf', driver: 'FlatGeobuf', extension: 'fgb' },
  { key: 'geojson', label: 'GeoJSON', driver: 'GeoJSON', extension: 'geojson' },
] as const;
type Format = (typeof FORMATS)[number];

/** The import file of `n` bench points, written by GDAL once and kept with the bench data. */
async function ensureFile(ctx: BenchContext, format: Format, n: number): Promise<string> {
  const file = join(ctx.workDir, `import-points-${n}.${format.extension}`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  // The extension must stay last: GDAL's FlatGeobuf driver makes a folder of a name without .fgb.
  const tmp = join(ctx.workDir, `import-points-${n}.partial.${format.extension}`);
  rmSync(tmp, { force: true });
  ctx.log(`X3: writing ${fmt.n(n)} points as ${format.label} with ogr2ogr (one time)`);
  const select = `select external_id, name, condition, criticality, install_date::text as install_date, geom
                    from assets where layer_id = '${BENCH_LAYERS.points}' order by id limit ${n}`;
  await runChecked('ogr2ogr', ['-f', format.driver, tmp, gdalPg(ctx.databaseUrl), '-sql', select, '-nln', 'points']);
  renameSync(tmp, file);
  return file;
}

/** Removes an earlier benchmark import so each run is a first import (the hash would skip it). */
async function resetLayer(ctx: BenchContext, layerId: string): Promise<void> {
  // Assets first, while the layer row exists: statement triggers on assets maintain per-layer tables.
  await ctx.sql`delete from assets where layer_id = ${layerId}`;
  await ctx.sql`delete from layers where id = ${layerId}`;
  await ctx.sql`delete from layer_imports where layer_id = ${layerId}`;
}

async function ours(ctx: BenchContext, format: Format, file: string) {
  const layerId = `bench_import_${format.key}`;
  await resetLayer(ctx, layerId);
  await ctx.sql`checkpoint`;
  const r = await runWithPeakRss(process.execPath, [CHILD, ctx.databaseUrl, layerId, file]);
  const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { read: number; loaded: number; rejected: number; skipped: boolean; timings?: Record<string, number> };
  if (report.skipped || report.loaded === 0) throw new Error(`the import of ${file} loaded nothing: ${r.stdout}`);
  return { seconds: r.seconds, maxRssMb: r.maxRssMb, loaded: report.loaded, rejected: report.rejected, timings: report.timings ?? {} };
}

async function ogr(ctx: BenchContext, file: string) {
  await ctx.sql.unsafe(`drop table if exists ${OGR_TABLE}`);
  await ctx.sql`checkpoint`;
  const r = await runWithPeakRss('ogr2ogr', ['-f', 'PostgreSQL', gdalPg(ctx.databaseUrl), file, '-nln', OGR_TABLE, '-overwrite', '-lco', 'GEOMETRY_NAME=geom']);
  return { seconds: r.seconds, maxRssMb: r.maxRssMb };
}

export const x3: Benchmark = {
  id: 'X3',
  title: 'FlatGeobuf / GeoJSON import through importLayerFile vs ogr2ogr -f PostgreSQL (COPY)',
  async run(ctx) {
    const n = Math.min(ctx.profile.importFeatures, ctx.profile.sizes.points);
    try {
      for (const format of FORMATS) {
        const file = await ensureFile(ctx, format, n);
        const size = statSync(file).size;
        const a = await median(ctx.profile.repeats, () => ours(ctx, format, file), (r) => r.seconds);
        const b = await median(ctx.profile.repeats, () => ogr(ctx, file), (r) => r.seconds);
        ctx.report.ratio('X3', `X3 ${format.label} import time vs ogr2ogr -f PostgreSQL`, a.seconds / b.seconds, { kind: 'max', value: 1.0 });
        ctx.report.ratio('X3', `X3 ${format.label} import peak RSS vs 512 MB`, a.maxRssMb / MAX_RSS_MB, { kind: 'max', value: 1.0 }, `at ${fmt.n(n)} features`);
        ctx.report.context(
          'X3',
          `${format.label}, ${fmt.n(n)} points, ${fmt.mb(size / 1e6)} file: ours ${fmt.s(a.seconds)} (${fmt.n(a.loaded / a.seconds)} features/s, peak RSS ${fmt.mb(a.maxRssMb)}, ${a.rejected} rejected), ` +
            `ogr2ogr ${fmt.s(b.seconds)} (peak RSS ${fmt.mb(b.maxRssMb)})`,
        );
        // Where our time went, per import step (the profile in bench/README.md).
        ctx.report.context('X3', `${format.label} steps: ${Object.entries(a.timings).map(([k, ms]) => `${k} ${fmt.s(ms / 1000)}`).join(', ')}`);
      }
    } finally {
      for (const f of FORMATS) await resetLayer(ctx, `bench_import_${f.key}`).catch(() => {});
      await ctx.sql.unsafe(`drop table if exists ${OGR_TABLE}`).catch(() => {});
    }
  },
};
