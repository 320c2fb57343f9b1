/**
 * Layer import: a vector file (any CRS PostGIS knows) into one catalogue layer. FlatGeobuf and
 * GeoJSON are streamed as they are; GeoPackage, zipped Shapefile, KML/KMZ, GML, DXF and CSV are
 * first converted to FlatGeobuf by GDAL's ogr2ogr (gdal.ts), one layer of the source, then:
 *
 *   parse (streaming, Node)  →  COPY into a staging table in the source SRID
 *   → reproject / range / family / validity checks in PostGIS → policy threshold
 *   → one transaction: catalogue upsert + merge into assets (new features loaded into a fresh
 *     segment of assets, indexed in bulk and attached) + extent + import row succeeded.
 *
 * Idempotent by file SHA-256 per layer (layer_imports unique (layer_id, file_sha256)): importing
 * the file the layer already holds is a no-op. The same function serves the CLI, the pg-boss
 * job (with importId) and the benchmarks.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from '../../../api/src/db.ts';
import { getLayer, refreshLayerExtent, upsertLayer, type LayerRow } from './catalogue.sql.ts';
import {
  finishImport,
  getImport,
  insertImport,
  isCurrentImport,
  lockImport,
  setImportOptions,
  markImportRunning,
  updateImportProgress,
  type ImportOutcome,
  type ImportRow,
} from './imports.sql.ts';
import { sridFromFgbCrs, sridFromGeoJsonCrs, type CrsResult } from './crs.ts';
import { FORMATS_SENTENCE, isNativeFormat, type GdalFormat, type ImportFormat, type NativeFormat } from './formats.ts';
import { convertToFlatGeobuf, GdalError, stageSource } from './gdal.ts';
import { sniffFile } from './sniff.ts';
import { FgbFormatError, openFlatGeobuf } from './flatgeobuf-stream.ts';
import { GeoJsonFormatError, GeoJsonScanner, readGeoJsonFeatures } from './geojson-stream.ts';
import { encodeGeometry, MAX_VERTICES, type Family } from './geometry.ts';
import { cleanProperties, guessNameProperty, scalarText, type CleanStats } from './properties.ts';
import {
  clearDuplicateExternalIds,
  createStage,
  dropStage,
  indexStage,
  majorityFamily,
  mergeStageIntoLayer,
  openStageCopy,
  pruneSegments,
  rejectOtherFamilies,
  rejectOutOfRange,
  repairInvalid,
  reprojectStage,
  REPORT_LIMIT,
  sridExists,
  summariseStage,
} from './staging.sql.ts';

export type { ImportFormat };

export interface ImportProgress {
  read: number;
  /** The FlatGeobuf header count; null for GeoJSON (unknown until the end). */
  total: number | null;
  bytesRead?: number;
  bytesTotal?: number;
}

export interface ImportOptions {
  layerId: string;
  filePath: string;
  /** As recognised where the file arrived; sniffed from its bytes when absent. */
  format?: ImportFormat;
  /** The layer of a multi-layer source (GeoPackage, a zip of Shapefiles, KML folders, GML). */
  sourceLayer?: string;
  /** Overrides the file's declared CRS. */
  sourceSrid?: number;
  /** Creates/updates the catalogue entry; without it the layer must already exist. */
  layer?: {
    nameEl: string;
    nameEn: string;
    group: string;
    isPublic?: boolean;
    synthetic?: boolean;
    source?: string;
    licence?: string;
    attribution?: string;
    style?: Record<string, unknown>;
  };
  /** Source attribute for assets.name. @default the first of name, Name, NAME, name_en, ... present */
  nameProperty?: string;
  /** Source attribute for assets.external_id. @default the GeoJSON feature `id`, if any */
  externalIdProperty?: string;
  onProgress?: (p: ImportProgress) => void;
  /** layer_imports row to drive (the job path); without it one is found or created by file hash. */
  importId?: string;
  /** Largest share of rejected features before the whole import fails. @default 0.01 */
  maxRejectRatio?: number;
  /** Vertex cap per feature, checked in Node before PostGIS. @default 50000 */
  maxVertices?: number;
}

export interface ImportReport {
  layerId: string;
  sourceSrid: number;
  read: number;
  loaded: number;
  rejected: number;
  rejectionCounts: Record<string, number>;
  rejections: { index: number; reason: string }[];
  skipped?: boolean;
  importId?: string;
  format?: ImportFormat;
  /** The source layer GDAL read (non-native formats). */
  sourceLayer?: string;
  /** The layers of a multi-layer source, when the import failed because none was picked. */
  sourceLayers?: string[];
  /** Features kept after ST_MakeValid repair. */
  repaired?: number;
  warningCounts?: Record<string, number>;
  warnings?: { index: number; reason: string }[];
  ms?: number;
  /** Milliseconds per stage (parse_copy, reproject, validity, merge, ...), for benchmarks. */
  timings?: Record<string, number>;
}

export type ImportErrorCode =
  | 'file_not_found'
  | 'unknown_format'
  | 'no_coordinates'
  | 'gdal_missing'
  | 'source_layer_required'
  | 'unknown_source_layer'
  | 'no_layers'
  | 'conversion_failed'
  | 'bad_magic'
  | 'unsupported_version'
  | 'truncated'
  | 'corrupt'
  | 'feature_count_mismatch'
  | 'not_geojson'
  | 'malformed_json'
  | 'not_feature_collection'
  | 'unknown_crs'
  | 'layer_not_found'
  | 'invalid_layer'
  | 'no_features'
  | 'too_many_rejected'
  | 'import_not_found'
  | 'internal';

/** A failed import: nothing of the file is visible, and `report` says how far it got. */
export class ImportError extends Error {
  readonly code: ImportErrorCode;
  readonly report: Partial<ImportReport>;
  constructor(code: ImportErrorCode, message: string, report: Partial<ImportReport> = {}) {
    super(message);
    this.code = code;
    this.report = report;
  }
}

const LAYER_GROUPS = ['network', 'building', 'space', 'boundary', 'risk', 'reference'];
const LAYER_ID = /^[a-z][a-z0-9_]{1,62}$/;
/** How often progress reaches layer_imports. @default 500 ms */
const PROGRESS_DB_MS = 500;
/** Loads at least this large re-analyse assets after the swap. @default 1000 */
const ANALYZE_AFTER = 1000;
/** COPY batches: one string per ~256 KB of rows keeps per-write overhead low. */
const COPY_BATCH_CHARS = 256 * 1024;

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** By its bytes, not by its name (formats.ts): FlatGeobuf, GeoJSON, or a format GDAL converts. */
export async function detectFormat(path: string): Promise<ImportFormat> {
  const found = await sniffFile(path).catch(() => {
    throw new ImportError('file_not_found', `cannot open ${basename(path)}`);
  });
  if ('format' in found) return found.format;
  throw new ImportError(found.error === 'no_coordinates' ? 'no_coordinates' : 'unknown_format', found.error === 'no_coordinates' ? found.message : `unrecognised file; accepted formats: ${FORMATS_SENTENCE}`);
}

/** One feature as both readers deliver it. */
export interface SourceFeature {
  index: number;
  geometry?: unknown;
  properties?: unknown;
  /** GeoJSON feature id (candidate external id). */
  id?: unknown;
  /** Vertex count when the reader already knows it (FlatGeobuf): lets the cap apply before conversion. */
  vertices?: number;
  error?: string;
  detail?: string;
}

export interface FeatureReader {
  /** Declared CRS, known before the features (FlatGeobuf) or after them (GeoJSON). */
  crs(): CrsResult | null;
  total: number | null;
  bytesRead(): number;
  features: AsyncIterable<SourceFeature>;
  /** Releases the file when the features are not read to the end. */
  close(): void;
}

/**
 * Opens a file as a stream of features without touching the database: the parse half of an
 * import, exported for benchmarks and tools.
 */
export async function readFeatures(path: string, format: NativeFormat, maxVertices = MAX_VERTICES): Promise<FeatureReader> {
  if (format === 'flatgeobuf') {
    const src = await openFlatGeobuf(path, maxVertices);
    const crs = sridFromFgbCrs(src.header.crs);
    return {
      crs: () => crs,
      total: src.header.featuresCount > 0 ? src.header.featuresCount : null,
      bytesRead: src.bytesRead,
      features: src.features,
      close: src.close,
    };
  }
  const scanner = new GeoJsonScanner();
  let bytes = 0;
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of file) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  async function* features(): AsyncGenerator<SourceFeature> {
    try {
      for await (const raw of readGeoJsonFeatures(counted(), scanner)) {
        if (raw.error !== undefined) {
          yield { index: raw.index, error: raw.error, detail: raw.detail };
          continue;
        }
        const v = raw.value as { type?: unknown; geometry?: unknown; properties?: unknown; id?: unknown } | null;
        if (v === null || typeof v !== 'object' || Array.isArray(v) || v.type !== 'Feature') {
          yield { index: raw.index, error: 'malformed_feature', detail: 'a features element is not a GeoJSON Feature' };
          continue;
        }
        yield { index: raw.index, geometry: v.geometry, properties: v.properties, id: v.id };
      }
    } finally {
      file.destroy();
    }
  }
  return {
    crs: () => sridFromGeoJsonCrs(scanner.members.crs),
    total: null,
    bytesRead: () => bytes,
    features: features(),
    close: () => file.destroy(),
  };
}

function copyText(s: string | null): string {
  if (s === null) return '\\N';
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')) : s;
}

interface ParseTally {
  read: number;
  rejected: number;
  rejectionCounts: Record<string, number>;
  rejections: { index: number; reason: string }[];
  clean: CleanStats;
  /** Rows staged with an external id (the merge index is built only when there are some). */
  withExternalId: number;
}

function reject(t: ParseTally, index: number, code: string, detail?: string): void {
  t.rejected++;
  t.rejectionCounts[code] = (t.rejectionCounts[code] ?? 0) + 1;
  if (t.rejections.length < REPORT_LIMIT) t.rejections.push({ index, reason: detail ? `${code}: ${detail}` : code });
}

/**
 * Turns features into COPY text rows, rejecting in Node what must never reach PostGIS.
 * Yields ~256 KB strings; pipeline() applies the COPY stream's backpressure.
 */
async function* copyRows(reader: FeatureReader, opts: ImportOptions, t: ParseTally, tick: () => void): AsyncGenerator<string> {
  const maxVertices = opts.maxVertices ?? MAX_VERTICES;
  let nameProperty = opts.nameProperty;
  let batch = '';
  for await (const f of reader.features) {
    t.read++;
    if ((t.read & 1023) === 0) tick();
    if (f.error) {
      reject(t, f.index, f.error, f.detail);
      continue;
    }
    if (f.vertices !== undefined && f.vertices > maxVertices) {
      reject(t, f.index, 'too_many_vertices', `${f.vertices} vertices, over the ${maxVertices} cap`);
      continue;
    }
    const enc = encodeGeometry(f.geometry, maxVertices);
    if (!enc.ok) {
      reject(t, f.index, enc.reason, enc.detail);
      continue;
    }
    const props = cleanProperties(f.properties, t.clean);
    nameProperty ??= guessNameProperty(props) ?? '';
    const name = nameProperty ? scalarText(props[nameProperty], 500) : null;
    const ext = opts.externalIdProperty !== undefined ? scalarText(props[opts.externalIdProperty], 200) : scalarText(f.id, 200);
    if (ext !== null) t.withExternalId++;
    const json = JSON.stringify(props);
    batch += `${f.index}\t${enc.family}\t${enc.wkbHex}\t${copyText(name)}\t${copyText(ext)}\t${json.includes('\\') ? json.replaceAll('\\', '\\\\') : json}\n`;
    if (batch.length >= COPY_BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

function asImportError(err: unknown): ImportError {
  if (err instanceof ImportError) return err;
  if (err instanceof FgbFormatError || err instanceof GeoJsonFormatError) return new ImportError(err.code, err.message);
  if (err instanceof GdalError) return new ImportError(err.code, err.message, err.layers.length ? { sourceLayers: err.layers } : {});
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ENOENT') return new ImportError('file_not_found', 'the file does not exist');
  return new ImportError('internal', `import failed: ${String(e?.message ?? err).slice(0, 300)}`);
}

function emptyOutcome(): ImportOutcome {
  return { sourceSrid: null, read: 0, loaded: 0, rejected: 0, repaired: 0, rejections: [], rejectionCounts: {}, warnings: [], warningCounts: {} };
}

function skippedReport(row: ImportRow): ImportReport {
  return {
    layerId: row.layer_id,
    sourceSrid: row.source_srid ?? 4326,
    read: row.features_read,
    loaded: row.features_loaded,
    rejected: row.features_rejected,
    rejectionCounts: row.rejection_counts,
    rejections: row.rejections,
    repaired: row.features_repaired,
    warningCounts: row.warning_counts,
    warnings: row.warnings,
    skipped: true,
    importId: row.id,
    format: row.file_format,
  };
}

/** Imports one file into one layer; see the module comment. Throws ImportError on failure. */
export async function importLayerFile(sql: Pool, opts: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  if (!LAYER_ID.test(opts.layerId)) throw new ImportError('invalid_layer', 'layer id must match ^[a-z][a-z0-9_]{1,62}$');
  if (opts.layer && !LAYER_GROUPS.includes(opts.layer.group)) {
    throw new ImportError('invalid_layer', `layer group must be one of ${LAYER_GROUPS.join(', ')}`);
  }
  if (opts.layer && (!opts.layer.nameEl.trim() || !opts.layer.nameEn.trim())) throw new ImportError('invalid_layer', 'layer names must not be empty');
  if (opts.sourceSrid !== undefined && !(Number.isInteger(opts.sourceSrid) && opts.sourceSrid > 0 && (await sridExists(sql, opts.sourceSrid)))) {
    throw new ImportError('unknown_crs', `EPSG:${opts.sourceSrid} is not a CRS PostGIS knows`);
  }
  let bytesTotal = (await stat(opts.filePath).catch(() => null))?.size;
  if (bytesTotal === undefined) throw new ImportError('file_not_found', `cannot open ${basename(opts.filePath)}`);

  // The import row: given (job path) or found/created by file hash (CLI, tools).
  let row: ImportRow;
  let format: ImportFormat;
  if (opts.importId) {
    const found = await getImport(sql, opts.importId);
    if (!found) throw new ImportError('import_not_found', `no import ${opts.importId}`);
    row = found;
    // The upload route sniffed the magic bytes already; the reader re-checks them.
    format = opts.format ?? found.file_format;
  } else {
    format = opts.format ?? (await detectFormat(opts.filePath));
    const sha256 = await hashFile(opts.filePath);
    row = (await insertImport(sql, { layerId: opts.layerId, fileName: basename(opts.filePath).slice(0, 200), sha256, format, filePath: opts.filePath, options: importKeyOptions(opts) })).row;
  }
  // The same file with the same reading options, and the layer still holds it: nothing to do.
  const sameOptions = opts.importId !== undefined || sameKeyOptions(row.options, importKeyOptions(opts));
  if (row.status === 'succeeded' && sameOptions && (await isCurrentImport(sql, row.id))) return skippedReport(row);
  if (!sameOptions) await setImportOptions(sql, row.id, importKeyOptions(opts));

  const outcome = emptyOutcome();
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t);
    }
  };
  await markImportRunning(sql, row.id, format);
  const conn = await sql.reserve();
  let reader: FeatureReader | undefined;
  let converted: Converted | undefined;
  try {
    const existing = await getLayer(sql, opts.layerId);
    if (!existing && !opts.layer) throw new ImportError('layer_not_found', `layer ${opts.layerId} does not exist; give its names and group to create it`);

    // A long import is time-boxed by the job's expiry, not by the pool's statement timeout.
    await conn`set statement_timeout = 0`;
    await createStage(conn);

    let readPath = opts.filePath;
    let readFormat: NativeFormat;
    if (isNativeFormat(format)) readFormat = format;
    else {
      converted = await timed('convert', () => convertSource(sql, opts, format as GdalFormat));
      readPath = converted.path;
      readFormat = 'flatgeobuf';
    }
    if (converted) bytesTotal = (await stat(readPath)).size;
    const rd = await readFeatures(readPath, readFormat, opts.maxVertices ?? MAX_VERTICES);
    reader = rd;
    const declared = rd.crs();
    if (opts.sourceSrid === undefined && declared && 'unknown' in declared) throw new ImportError('unknown_crs', `unknown CRS: ${declared.unknown}`);
    if (opts.sourceSrid === undefined && declared && 'srid' in declared && !(await sridExists(sql, declared.srid))) throw new ImportError('unknown_crs', `EPSG:${declared.srid} is not a CRS PostGIS knows`);
    outcome.sourceSrid = opts.sourceSrid ?? (declared && 'srid' in declared ? declared.srid : null);

    // Parse → COPY, with progress to the callback and (throttled) to the import row.
    const tally: ParseTally = { read: 0, rejected: 0, rejectionCounts: {}, rejections: [], clean: { truncated: 0, dropped: 0 }, withExternalId: 0 };
    let lastDb = 0;
    let progressWrite: Promise<void> = Promise.resolve();
    const tick = () => {
      opts.onProgress?.({ read: tally.read, total: rd.total, bytesRead: rd.bytesRead(), bytesTotal });
      const now = Date.now();
      if (now - lastDb >= PROGRESS_DB_MS) {
        lastDb = now;
        const read = tally.read;
        progressWrite = progressWrite.then(() => updateImportProgress(sql, row.id, read, rd.total, outcome.sourceSrid)).catch(() => {});
      }
    };
    tick();
    await timed('parse_copy', async () => pipeline(Readable.from(copyRows(rd, opts, tally, tick)), await openStageCopy(conn)));
    await progressWrite;
    opts.onProgress?.({ read: tally.read, total: rd.total ?? tally.read, bytesRead: bytesTotal, bytesTotal });
    outcome.read = tally.read;

    // The GeoJSON crs member may trail the features: only now is the source CRS final.
    const crs = rd.crs();
    if (opts.sourceSrid === undefined && crs && 'unknown' in crs) throw new ImportError('unknown_crs', `unknown CRS: ${crs.unknown}`);
    const srid = opts.sourceSrid ?? (crs && 'srid' in crs ? crs.srid : 4326);
    if (!(await sridExists(sql, srid))) throw new ImportError('unknown_crs', `EPSG:${srid} is not a CRS PostGIS knows`);
    outcome.sourceSrid = srid;
    await updateImportProgress(sql, row.id, tally.read, rd.total, srid);
    if (tally.read === 0) throw new ImportError('no_features', 'the file holds no features');

    // Checks in PostGIS, on the staging table only.
    await timed('index', () => indexStage(conn, tally.withExternalId > 0));
    await timed('reproject', () => reprojectStage(conn, srid));
    await timed('range', () => rejectOutOfRange(conn));
    const required: Family | null = !opts.layer && existing ? existing.geometry_type : await majorityFamily(conn);
    if (required) await timed('family', () => rejectOtherFamilies(conn, required));
    await timed('validity', () => repairInvalid(conn));
    const duplicates = await clearDuplicateExternalIds(conn);
    const stage = await timed('summary', () => summariseStage(conn));

    const rejectionCounts = { ...tally.rejectionCounts };
    for (const [k, v] of Object.entries(stage.rejectionCounts)) rejectionCounts[k] = (rejectionCounts[k] ?? 0) + v;
    Object.assign(outcome, {
      rejected: tally.rejected + Object.values(stage.rejectionCounts).reduce((a, b) => a + b, 0),
      rejectionCounts,
      rejections: [...tally.rejections, ...stage.rejections].sort((a, b) => a.index - b.index).slice(0, REPORT_LIMIT),
      repaired: stage.repaired,
      warnings: stage.warnings,
      warningCounts: {
        ...(stage.repaired ? { invalid_geometry_repaired: stage.repaired } : {}),
        ...(duplicates ? { duplicate_external_id: duplicates } : {}),
        ...(tally.clean.truncated ? { attribute_truncated: tally.clean.truncated } : {}),
        ...(tally.clean.dropped ? { attribute_dropped: tally.clean.dropped } : {}),
      },
    } satisfies Partial<ImportOutcome>);

    const maxRatio = opts.maxRejectRatio ?? 0.01;
    if (stage.loadable === 0) throw new ImportError('no_features', `none of the ${outcome.read} features can be loaded; first reasons: ${firstReasons(outcome)}`);
    if (outcome.rejected / outcome.read > maxRatio) {
      const pct = ((100 * outcome.rejected) / outcome.read).toFixed(1);
      throw new ImportError('too_many_rejected', `${outcome.rejected} of ${outcome.read} features rejected (${pct}%), over the ${maxRatio * 100}% policy; first reasons: ${firstReasons(outcome)}`);
    }

    // The swap: one transaction, so readers see the old layer or the new one, never a mix.
    await conn`begin`;
    try {
      const status = await lockImport(conn, row.id);
      if (status === 'succeeded') {
        // Another run of this same import finished while we parsed: nothing left to do.
        await conn`rollback`;
        const done = await getImport(sql, row.id);
        return skippedReport(done ?? row);
      }
      await conn`select pg_advisory_xact_lock(hashtext('layer-import'), hashtext(${opts.layerId}))`;
      await upsertLayer(conn, layerInput(opts, existing, required ?? existing?.geometry_type ?? 'point'));
      outcome.loaded = await timed('merge', () => mergeStageIntoLayer(conn, opts.layerId, timed));
      await refreshLayerExtent(conn, opts.layerId);
      await finishImport(conn, row.id, 'succeeded', outcome, null);
      await timed('commit', () => conn`commit`);
    } catch (err) {
      await conn`rollback`.catch(() => {});
      throw err;
    }
    // Bulk loads leave assets' statistics stale, and tile and bbox queries plan on the layer_id
    // distribution right away. Only the cheap columns: sampling geometries costs seconds.
    if (outcome.loaded >= ANALYZE_AFTER) await timed('analyze', () => conn`analyze assets (layer_id, external_id)`);
    // The segments whose rows this import replaced.
    await timed('prune', () => pruneSegments(conn)).catch(() => {});
    return {
      layerId: opts.layerId,
      sourceSrid: srid,
      read: outcome.read,
      loaded: outcome.loaded,
      rejected: outcome.rejected,
      rejectionCounts: outcome.rejectionCounts,
      rejections: outcome.rejections,
      repaired: outcome.repaired,
      warningCounts: outcome.warningCounts,
      warnings: outcome.warnings,
      importId: row.id,
      format,
      ...(converted ? { sourceLayer: converted.layer } : {}),
      ms: Math.round(performance.now() - started),
      timings,
    };
  } catch (err) {
    const e = asImportError(err);
    Object.assign(e.report, { layerId: opts.layerId, importId: row.id, format, sourceSrid: outcome.sourceSrid ?? undefined, read: outcome.read, rejected: outcome.rejected, rejectionCounts: outcome.rejectionCounts, rejections: outcome.rejections });
    await finishImport(sql, row.id, 'failed', outcome, `${e.code}: ${e.message}`.slice(0, 2000), e.code).catch(() => {});
    throw e;
  } finally {
    reader?.close();
    await converted?.cleanup().catch(() => {});
    await dropStage(conn).catch(() => {});
    await conn`reset statement_timeout`.catch(() => {});
    conn.release();
  }
}

/** The options that change what a file turns into; part of the idempotency check with the hash. */
function importKeyOptions(opts: ImportOptions): Record<string, unknown> {
  return { sourceSrid: opts.sourceSrid ?? null, nameProperty: opts.nameProperty ?? null, externalIdProperty: opts.externalIdProperty ?? null, sourceLayer: opts.sourceLayer ?? null };
}

function sameKeyOptions(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.keys(b).every((k) => (a[k] ?? null) === b[k]);
}

interface Converted {
  path: string;
  layer: string;
  cleanup: () => Promise<void>;
}

/**
 * GDAL turns one layer of the source into FlatGeobuf in a private folder. When the source CRS
 * has no EPSG code PostGIS knows (a hand-written .prj) and none was given, GDAL reprojects it to
 * EPSG:4326 itself, so the file is never stored mislabelled.
 */
async function convertSource(sql: Pool, opts: ImportOptions, format: GdalFormat): Promise<Converted> {
  const staged = await stageSource(opts.filePath, format);
  try {
    const first = await convertToFlatGeobuf(staged.source, staged.dir, { format, sourceLayer: opts.sourceLayer });
    if (opts.sourceSrid === undefined) {
      const probe = await readFeatures(first.path, 'flatgeobuf');
      probe.close();
      const crs = probe.crs();
      const known = crs && 'srid' in crs ? await sridExists(sql, crs.srid) : crs === null;
      if (!known) {
        const again = await convertToFlatGeobuf(staged.source, staged.dir, { format, sourceLayer: first.layer, toWgs84: true });
        return { ...again, cleanup: staged.cleanup };
      }
    }
    return { ...first, cleanup: staged.cleanup };
  } catch (err) {
    await staged.cleanup();
    throw err;
  }
}

function firstReasons(o: ImportOutcome): string {
  return Object.entries(o.rejectionCounts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
}

/** The catalogue entry: given fields win, an existing layer keeps what was not given. */
function layerInput(opts: ImportOptions, existing: LayerRow | undefined, geometryType: string) {
  const l = opts.layer;
  return {
    id: opts.layerId,
    nameEl: l?.nameEl ?? existing!.name_el,
    nameEn: l?.nameEn ?? existing!.name_en,
    group: l?.group ?? existing!.layer_group,
    geometryType,
    style: l?.style ?? existing?.style,
    isPublic: l?.isPublic ?? existing?.is_public,
    synthetic: l?.synthetic ?? existing?.synthetic,
    source: l?.source ?? existing?.source,
    licence: l?.licence ?? existing?.licence,
    attribution: l?.attribution ?? existing?.attribution,
    attributeSchema: existing?.attribute_schema,
    sortOrder: existing?.sort_order,
  };
}
