/**
 * GDAL's command-line tools turn every non-native format into the FlatGeobuf the pipeline
 * streams: ogrinfo lists a source's layers, ogr2ogr converts one of them. The source's CRS is
 * kept (the staging step reprojects in PostGIS, as for native files); only a CRS without an EPSG
 * code (a hand-written .prj) is reprojected to EPSG:4326 by GDAL, because PostGIS needs a code.
 *
 * Each conversion works in its own folder: the upload is linked there under the extension GDAL's
 * readers expect (.csv, .kmz, .shp.zip), and sidecars GDAL writes (.gfs for GML) stay there.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CSV_GEOMETRY_NAMES, CSV_X_NAMES, CSV_Y_NAMES, FORMAT_EXTENSION, FORMAT_LABEL, type ImportFormat } from './formats.ts';

type GdalFormat = ImportFormat;

const run = promisify(execFile);

/** The Debian package with ogr2ogr and ogrinfo; the provisioning script installs it like PostGIS. */
export const GDAL_APT_COMMAND = 'apt-get install -y gdal-bin';
/** A conversion longer than this is a stuck GDAL, not a municipal layer. @default 30 min */
const CONVERT_TIMEOUT_MS = 30 * 60 * 1000;

export type GdalErrorCode = 'gdal_missing' | 'source_layer_required' | 'unknown_source_layer' | 'conversion_failed' | 'no_layers';

export class GdalError extends Error {
  readonly code: GdalErrorCode;
  /** The source's layers, for the two layer-choice errors. */
  readonly layers: string[];
  constructor(code: GdalErrorCode, message: string, layers: string[] = []) {
    super(message);
    this.code = code;
    this.layers = layers;
  }
}

export interface SourceLayer {
  name: string;
  geometry: string | null;
}

async function gdal(tool: 'ogrinfo' | 'ogr2ogr', args: string[], timeout = CONVERT_TIMEOUT_MS): Promise<string> {
  try {
    const { stdout } = await run(tool, args, { timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CPL_LOG: '/dev/null' } });
    return stdout;
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message?: string };
    if (e.code === 'ENOENT') throw new GdalError('gdal_missing', `GDAL's ${tool} is not installed; install it with: ${GDAL_APT_COMMAND}`);
    const reason = (e.stderr ?? e.message ?? '').split('\n').find((l) => /ERROR/.test(l)) ?? (e.stderr ?? e.message ?? '').split('\n')[0];
    throw new GdalError('conversion_failed', `GDAL could not read the file: ${(reason ?? '').replace(/^ERROR \d+: /, '').slice(0, 300)}`);
  }
}

/** True when ogr2ogr runs (checked by the provisioning script and the tests). */
export async function gdalAvailable(): Promise<boolean> {
  try {
    await run('ogr2ogr', ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** A private folder holding the source under the name GDAL's readers expect. */
export async function stageSource(filePath: string, format: GdalFormat): Promise<{ dir: string; source: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gis-import-'));
  const linked = join(dir, `source.${FORMAT_EXTENSION[format]}`);
  await symlink(resolve(filePath), linked);
  // A zipped Shapefile is read through GDAL's zip file system: every .shp in it is a layer.
  const source = format === 'shapefile' ? `/vsizip/${linked}` : linked;
  return { dir, source, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function openOptions(format: GdalFormat): string[] {
  if (format !== 'csv') return [];
  return [
    '-oo', `X_POSSIBLE_NAMES=${CSV_X_NAMES.join(',')}`,
    '-oo', `Y_POSSIBLE_NAMES=${CSV_Y_NAMES.join(',')}`,
    '-oo', `GEOM_POSSIBLE_NAMES=${CSV_GEOMETRY_NAMES.join(',')}`,
    '-oo', 'KEEP_GEOM_COLUMNS=NO',
    '-oo', 'AUTODETECT_TYPE=YES',
  ];
}

/** `1: name (Geometry Type)` lines of `ogrinfo -ro -q`. */
export function parseLayerList(stdout: string): SourceLayer[] {
  const layers: SourceLayer[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\d+: (.+?)(?: \(([^()]*)\))?\s*$/.exec(line);
    if (m) layers.push({ name: m[1]!, geometry: m[2] ?? null });
  }
  return layers;
}

export async function listSourceLayers(source: string, format: GdalFormat): Promise<SourceLayer[]> {
  return parseLayerList(await gdal('ogrinfo', ['-ro', '-q', ...openOptions(format), source], 120_000));
}

/**
 * The one layer to import: the one named, or the only one there is. Several layers and none
 * named is a question for the user, answered by the list in the error.
 */
export function pickLayer(layers: SourceLayer[], wanted: string | undefined, format: GdalFormat): string {
  const names = layers.map((l) => l.name);
  if (names.length === 0) throw new GdalError('no_layers', `the ${FORMAT_LABEL[format]} file holds no vector layer`);
  if (wanted !== undefined) {
    if (!names.includes(wanted)) throw new GdalError('unknown_source_layer', `no layer ${JSON.stringify(wanted.slice(0, 100))} in the file; its layers: ${names.join(', ')}`, names);
    return wanted;
  }
  if (names.length > 1) throw new GdalError('source_layer_required', `the file holds ${names.length} layers; pick one (source layer): ${names.join(', ')}`, names);
  return names[0]!;
}

export interface ConvertOptions {
  format: GdalFormat;
  /** The layer to read from a multi-layer source. */
  sourceLayer?: string;
  /** Reproject to EPSG:4326 in GDAL (a CRS PostGIS has no code for). */
  toWgs84?: boolean;
}

/**
 * One source layer to a FlatGeobuf file in `dir`: 2D, curves linearised, no spatial index (so
 * features keep their source order and the rejection report's indexes match the source).
 */
export async function convertToFlatGeobuf(source: string, dir: string, opts: ConvertOptions): Promise<{ path: string; layer: string }> {
  const layer = pickLayer(await listSourceLayers(source, opts.format), opts.sourceLayer, opts.format);
  const out = join(dir, opts.toWgs84 ? 'converted-4326.fgb' : 'converted.fgb');
  await gdal('ogr2ogr', [
    '-f', 'FlatGeobuf',
    '-lco', 'SPATIAL_INDEX=NO',
    '-dim', 'XY',
    '-nlt', 'CONVERT_TO_LINEAR',
    ...(opts.toWgs84 ? ['-t_srs', 'EPSG:4326'] : []),
    ...openOptions(opts.format),
    out, source, layer,
  ]);
  return { path: out, layer };
}

/**
 * Checks, where the file arrives, that the layer to import is known: the upload answers "pick
 * one of these" at once instead of failing minutes later in the worker.
 */
export async function resolveSourceLayer(filePath: string, format: GdalFormat, wanted: string | undefined): Promise<string> {
  const staged = await stageSource(filePath, format);
  try {
    return pickLayer(await listSourceLayers(staged.source, format), wanted, format);
  } finally {
    await staged.cleanup();
  }
}

/**
 * Every feature of one layer of any readable file as GeoJSON in EPSG:4326 (a municipality's
 * boundary for set-up, whatever CRS its .prj or GeoPackage declares).
 */
export async function convertToWgs84GeoJson(filePath: string, format: ImportFormat, wanted?: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const staged = await stageSource(filePath, format);
  try {
    const layer = pickLayer(await listSourceLayers(staged.source, format), wanted, format);
    const out = join(staged.dir, 'boundary.geojson');
    await gdal('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-dim', 'XY', '-nlt', 'CONVERT_TO_LINEAR', ...openOptions(format), out, staged.source, layer]);
    return { path: out, cleanup: staged.cleanup };
  } catch (err) {
    await staged.cleanup();
    throw err;
  }
}
