/**
 * Runs one stored import (a layer_imports row created by the upload route) through the pipeline:
 * the job's whole body, so the worker handler only calls this. The row carries the format the
 * route recognised and the options the user gave; nothing is sniffed again.
 *
 * A file that cannot be imported (bad bytes, unknown CRS, over the rejection policy, a layer to
 * pick) is an outcome, not a failure: the row says why and the job completes, because a retry
 * cannot fix the file. Anything else (database gone, worker killed) throws so the queue retries;
 * the retry re-runs the same row, and an import that already swapped is a no-op.
 */
import type { Pool } from '../../../api/src/db.ts';
import { ImportError, importLayerFile, type ImportOptions, type ImportReport } from './import-file.ts';
import { getImport } from './imports.sql.ts';

/** What the upload route stores in layer_imports.options. */
export interface StoredImportOptions {
  sourceSrid?: number | null;
  sourceLayer?: string | null;
  nameProperty?: string | null;
  externalIdProperty?: string | null;
  layer?: { nameEl: string; nameEn: string; group: string } | null;
}

export type StoredImportResult =
  | { status: 'missing' | 'already_done' | 'no_file' }
  | { status: 'imported'; report: ImportReport }
  | { status: 'rejected'; code: string };

export async function runStoredImport(sql: Pool, importId: string): Promise<StoredImportResult> {
  const row = await getImport(sql, importId);
  if (!row) return { status: 'missing' };
  if (row.status === 'succeeded') return { status: 'already_done' };
  if (!row.file_path) return { status: 'no_file' };
  const o = row.options as StoredImportOptions;
  const opts: ImportOptions = {
    importId: row.id,
    layerId: row.layer_id,
    filePath: row.file_path,
    format: row.file_format,
    ...(o.sourceSrid ? { sourceSrid: o.sourceSrid } : {}),
    ...(o.sourceLayer ? { sourceLayer: o.sourceLayer } : {}),
    ...(o.nameProperty ? { nameProperty: o.nameProperty } : {}),
    ...(o.externalIdProperty ? { externalIdProperty: o.externalIdProperty } : {}),
    ...(o.layer ? { layer: o.layer } : {}),
  };
  try {
    return { status: 'imported', report: await importLayerFile(sql, opts) };
  } catch (err) {
    // GDAL missing is the machine's fault, not the file's: retried once it is installed.
    if (err instanceof ImportError && err.code !== 'internal' && err.code !== 'gdal_missing') return { status: 'rejected', code: err.code };
    throw err;
  }
}
