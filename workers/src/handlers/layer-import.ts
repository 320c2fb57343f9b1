/**
 * layer-import: runs one uploaded file through the import pipeline (gis-data/src/import). The
 * layer_imports row is the state: a file that fails (bad magic, truncated, over the rejection
 * policy, unknown CRS) marks the row failed with its reason and completes the job, because a
 * retry cannot fix the file. Anything else (database gone, worker killed) throws, so pg-boss
 * retries; the retry re-runs the same row, and an import that already swapped is a no-op.
 */
import { getImport } from '../../../api/src/modules/imports/imports.sql.ts';
import { buildNetwork, networksUsingLayer } from '../../../api/src/modules/networks/networks.sql.ts';
import { ImportError, importLayerFile, type ImportOptions } from '../../../gis-data/src/import/import-file.ts';
import type { WorkerDeps } from '../worker.ts';

interface StoredOptions {
  sourceSrid?: number | null;
  nameProperty?: string | null;
  externalIdProperty?: string | null;
  layer?: { nameEl: string; nameEn: string; group: string } | null;
}

export async function handleLayerImport(deps: WorkerDeps, data: { importId: string }): Promise<void> {
  const row = await getImport(deps.sql, data.importId);
  if (!row) {
    deps.logger.warn('layer-import: no such import', { importId: data.importId });
    return;
  }
  if (row.status === 'succeeded') return;
  if (!row.file_path) {
    deps.logger.warn('layer-import: import has no stored file', { importId: row.id });
    return;
  }
  const o = row.options as StoredOptions;
  const opts: ImportOptions = {
    importId: row.id,
    layerId: row.layer_id,
    filePath: row.file_path,
    format: row.file_format,
    ...(o.sourceSrid ? { sourceSrid: o.sourceSrid } : {}),
    ...(o.nameProperty ? { nameProperty: o.nameProperty } : {}),
    ...(o.externalIdProperty ? { externalIdProperty: o.externalIdProperty } : {}),
    ...(o.layer ? { layer: o.layer } : {}),
  };
  try {
    const report = await importLayerFile(deps.sql, opts);
    deps.logger.info('layer-import done', { importId: row.id, layer: row.layer_id, loaded: report.loaded, rejected: report.rejected, skipped: report.skipped ?? false, ms: report.ms });
    // A network drawn from this layer gets its topology rebuilt, so traces see the new data.
    if (!report.skipped) {
      for (const id of await networksUsingLayer(deps.sql, row.layer_id)) {
        const r = await buildNetwork(deps.sql, id);
        deps.logger.info('network rebuilt after import', { network: id, edges: r.edges, ms: r.ms });
      }
    }
  } catch (err) {
    if (err instanceof ImportError && err.code !== 'internal') {
      deps.logger.info('layer-import rejected the file', { importId: row.id, layer: row.layer_id, code: err.code });
      return;
    }
    throw err;
  }
}
