/**
 * X1 (FlatGeobuf) and X2 (GeoJSON): the streamed whole-layer export of the bench lines through the
 * HTTP endpoint, against GDAL writing the same rows and columns from the same database
 * (`ogr2ogr -f FlatGeobuf` / `-f GeoJSONSeq`), with a binary COPY of those rows as the floor. The
 * server's RSS is sampled during exports of N and N/4 features: a streamed export holds a bounded
 * window, so its peak must not grow with N. Targets: <= 1.0x ogr2ogr's time; memory flat in N.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { median } from '../lib/context.ts';
import { download } from '../lib/download.ts';
import { gdalPg, libpqEnv, run, runChecked, sampleRss } from '../lib/proc.ts';
import { fmt } from '../lib/report.ts';
import { BENCH_LAYERS } from '../lib/sizes.ts';
import { ensureSubsetLayer, exportColumnsSql, exportPath, type ExportFormat } from './export-sql.ts';

/** Peak server RSS at N over that at N/4: 1.0 is flat; a buffer that scales with N pushes it towards 4. */
const MAX_RSS_GROWTH = 1.25;

interface Spec {
  id: 'X1' | 'X2';
  format: ExportFormat;
  label: string;
  driver: string;
  extension: string;
}

async function httpExport(ctx: BenchContext, layer: string, spec: Spec) {
  const server = await ctx.server();
  const file = join(ctx.workDir, `${spec.id.toLowerCase()}-http-${layer}.${spec.extension}`);
  const sampler = sampleRss(server.pid);
  const d = await download(server.baseUrl + exportPath(layer, spec.format), file);
  const rss = sampler.stop();
  if (d.status !== 200) throw new Error(`export of ${layer} as ${spec.format} answered ${d.status}`);
  return { ...d, file, rss };
}

async function ogrExport(ctx: BenchContext, layer: string, spec: Spec) {
  const file = join(ctx.workDir, `${spec.id.toLowerCase()}-ogr-${layer}.${spec.extension}`);
  rmSync(file, { force: true });
  const r = await runChecked('ogr2ogr', ['-f', spec.driver, file, gdalPg(ctx.databaseUrl), '-sql', await exportColumnsSql(ctx.sql, layer), '-nln', layer]);
  return { seconds: r.seconds, file };
}

/** Binary COPY of the same rows and columns to a file: the cost of reading them out at all. */
async function copyFloor(ctx: BenchContext, layer: string) {
  const file = join(ctx.workDir, `copy-${layer}.bin`);
  const fd = openSync(file, 'w');
  try {
    const r = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `copy (${await exportColumnsSql(ctx.sql, layer)}) to stdout (format binary)`], {
      env: libpqEnv(ctx.databaseUrl),
      stdoutFd: fd,
    });
    if (r.code !== 0) throw new Error(`psql copy failed: ${r.stderr.trim()}`);
    return { seconds: r.seconds };
  } finally {
    closeSync(fd);
  }
}

function exportBenchmark(spec: Spec): Benchmark {
  return {
    id: spec.id,
    title: `streamed ${spec.label} export vs ogr2ogr -f ${spec.driver} (binary COPY floor, RSS at N and N/4)`,
    async run(ctx) {
      const layer = BENCH_LAYERS.lines;
      const quarter = await ensureSubsetLayer(ctx.sql, layer, 4);
      const repeats = ctx.profile.repeats;

      // Warm-up: one export pulls the layer into shared buffers for every contender alike.
      await httpExport(ctx, quarter.id, spec);
      const small = await httpExport(ctx, quarter.id, spec);
      const ours = await median(repeats, () => httpExport(ctx, layer, spec), (r) => r.seconds);
      const ogr = await median(repeats, () => ogrExport(ctx, layer, spec), (r) => r.seconds);
      const floor = await median(repeats, () => copyFloor(ctx, layer), (r) => r.seconds);

      ctx.report.ratio(spec.id, `${spec.id} ${spec.label} export time vs ogr2ogr -f ${spec.driver}`, ours.seconds / ogr.seconds, { kind: 'max', value: 1.0 });
      ctx.report.ratio(spec.id, `${spec.id} ${spec.label} export time vs binary COPY floor`, ours.seconds / floor.seconds, { kind: 'info' });
      const growth = ours.rss.peakMb / small.rss.peakMb;
      ctx.report.ratio(spec.id, `${spec.id} server peak RSS at N vs N/4`, growth, { kind: 'max', value: MAX_RSS_GROWTH }, 'flat in N');
      ctx.report.context(
        spec.id,
        `N = ${fmt.n(quarter.sourceCount)} lines: ours ${fmt.s(ours.seconds)} (${fmt.mb(ours.bytes / 1e6)}), ogr2ogr ${fmt.s(ogr.seconds)}, binary COPY ${fmt.s(floor.seconds)}; ` +
          `${fmt.n(quarter.sourceCount / ours.seconds)} features/s`,
      );
      ctx.report.context(
        spec.id,
        `server RSS: N/4 = ${fmt.n(quarter.count)} lines ${fmt.mb(small.rss.startMb)} -> peak ${fmt.mb(small.rss.peakMb)} (${fmt.s(small.seconds)}); ` +
          `N ${fmt.mb(ours.rss.startMb)} -> peak ${fmt.mb(ours.rss.peakMb)}`,
      );
      for (const f of [small.file, ours.file, ogr.file]) rmSync(f, { force: true });
      rmSync(join(ctx.workDir, `copy-${layer}.bin`), { force: true });
    },
  };
}

export const x1 = exportBenchmark({ id: 'X1', format: 'fgb', label: 'FlatGeobuf', driver: 'FlatGeobuf', extension: 'fgb' });
export const x2 = exportBenchmark({ id: 'X2', format: 'geojson', label: 'GeoJSON', driver: 'GeoJSONSeq', extension: 'geojsonl' });
