/**
 * `npm run import -- <file> --layer <id> [--name-el .. --name-en .. --group .. --srid N]`
 *
 * Imports a vector file (FlatGeobuf, GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GML, DXF,
 * CSV with coordinate columns; any CRS PostGIS knows; the non-native formats through GDAL) into one layer of the platform
 * database (DATABASE_URL, or the local cluster), with a progress bar on stderr and the report
 * as JSON on stdout. Exit status: 0 imported or unchanged, 1 the import failed (nothing
 * changed), 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { createSql } from '../../api/src/db.ts';
import { migrate } from '../../api/src/migrate.ts';
import { platformOwnerUrl } from '../../scripts/database.ts';
import { ImportError, importLayerFile, type ImportOptions, type ImportProgress } from './import/import-file.ts';

const USAGE = `usage: npm run import -- <file> --layer <id> [--source-layer <layer in the file>]
         [--name-el <Greek name> --name-en <English name> --group network|building|space|boundary|risk|reference]
         [--srid <EPSG code>] [--name-property <attr>] [--external-id-property <attr>]
         [--max-reject-ratio 0.01] [--private] [--synthetic]
  The names and group create the layer (or update its catalogue entry); without them the layer must exist.
  Files: FlatGeobuf, GeoJSON, GeoPackage, zipped Shapefile, KML, KMZ, GML, DXF, CSV (x/y, lon/lat or WKT columns).
  --source-layer picks one layer of a GeoPackage (or a zip of Shapefiles, KML folders, GML); a file with several asks.
  --srid overrides the CRS the file declares (DXF and CSV declare none: EPSG:4326 unless given). Progress goes to stderr, the report (JSON) to stdout.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      layer: { type: 'string' },
      'name-el': { type: 'string' },
      'name-en': { type: 'string' },
      group: { type: 'string' },
      srid: { type: 'string' },
      'source-layer': { type: 'string' },
      'name-property': { type: 'string' },
      'external-id-property': { type: 'string' },
      'max-reject-ratio': { type: 'string' },
      private: { type: 'boolean' },
      synthetic: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  parsed = parse();
} catch (err) {
  fail((err as Error).message);
}
const { values: v, positionals } = parsed;
if (v.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length !== 1) fail('give exactly one file');
if (!v.layer) fail('--layer is required');
const layerGiven = [v['name-el'], v['name-en'], v.group].filter((x) => x !== undefined).length;
if (layerGiven !== 0 && layerGiven !== 3) fail('--name-el, --name-en and --group go together');
let srid: number | undefined;
if (v.srid !== undefined) {
  srid = Number(v.srid.replace(/^EPSG:/i, ''));
  if (!Number.isInteger(srid) || srid <= 0) fail(`--srid must be an EPSG code, got ${v.srid}`);
}
let maxRejectRatio: number | undefined;
if (v['max-reject-ratio'] !== undefined) {
  maxRejectRatio = Number(v['max-reject-ratio']);
  if (!(maxRejectRatio >= 0 && maxRejectRatio <= 1)) fail('--max-reject-ratio must be in [0, 1]');
}

const opts: ImportOptions = {
  layerId: v.layer,
  filePath: positionals[0]!,
  ...(srid !== undefined ? { sourceSrid: srid } : {}),
  ...(maxRejectRatio !== undefined ? { maxRejectRatio } : {}),
  ...(v['name-property'] ? { nameProperty: v['name-property'] } : {}),
  ...(v['source-layer'] ? { sourceLayer: v['source-layer'] } : {}),
  ...(v['external-id-property'] ? { externalIdProperty: v['external-id-property'] } : {}),
  ...(layerGiven === 3
    ? { layer: { nameEl: v['name-el']!, nameEn: v['name-en']!, group: v.group!, isPublic: !v.private, synthetic: Boolean(v.synthetic) } }
    : {}),
  onProgress: progressBar(),
};

/** A one-line bar redrawn in place on a terminal; a line per 10% when stderr is a file or pipe. */
function progressBar(): (p: ImportProgress) => void {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  return (p) => {
    const now = Date.now();
    const frac = p.total ? p.read / p.total : p.bytesTotal ? (p.bytesRead ?? 0) / p.bytesTotal : 0;
    const pct = Math.min(100, Math.floor(frac * 100));
    const rate = Math.round(p.read / Math.max(0.001, (now - started) / 1000));
    const mb = (b = 0) => (b / 1048576).toFixed(1);
    const text = `${p.read.toLocaleString('en')}${p.total ? `/${p.total.toLocaleString('en')}` : ''} features, ${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB, ${rate.toLocaleString('en')}/s`;
    if (tty) {
      if (now - lastDraw < 100 && pct < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${text}\x1b[K`);
      if (pct >= 100) process.stderr.write('\n');
    } else {
      const decile = Math.floor(pct / 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      process.stderr.write(`${String(pct).padStart(3)}% ${text}\n`);
    }
  };
}

const sql = createSql(await platformOwnerUrl(), { max: 3 });
try {
  await migrate(sql);
  process.stderr.write(`importing ${opts.filePath} into layer ${opts.layerId}\n`);
  const report = await importLayerFile(sql, opts);
  if (report.skipped) process.stderr.write(`unchanged: layer ${report.layerId} already holds this file (import ${report.importId})\n`);
  else {
    const top = Object.entries(report.rejectionCounts).map(([k, n]) => `${k} ×${n}`).join(', ');
    process.stderr.write(
      `loaded ${report.loaded} of ${report.read} features from EPSG:${report.sourceSrid} in ${report.ms} ms` +
        `${report.rejected ? `; rejected ${report.rejected} (${top})` : ''}${report.repaired ? `; repaired ${report.repaired}` : ''}\n`,
    );
  }
  const { timings: _t, ...out } = report;
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} catch (err) {
  if (err instanceof ImportError) {
    process.stderr.write(`\nimport failed (${err.code}): ${err.message}\nthe layer was not changed.\n`);
    if (err.report.sourceLayers?.length) process.stderr.write(`give one with --source-layer: ${err.report.sourceLayers.join(', ')}\n`);
    if (err.report.rejections?.length) process.stdout.write(`${JSON.stringify(err.report, null, 2)}\n`);
  } else process.stderr.write(`\nimport failed: ${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await sql.end();
}
