/**
 * layer-import: runs one uploaded file through the import pipeline. The pipeline owns the whole
 * job (gis-data/src/import/run-import.ts); this handler logs what came of it and rebuilds the
 * topology of any network drawn from the layer.
 */
import { rebuildStaleNetworks } from '../../../api/src/modules/networks/networks.sql.ts';
import { runStoredImport } from '../../../gis-data/src/import/run-import.ts';
import type { WorkerDeps } from '../worker.ts';

export async function handleLayerImport(deps: WorkerDeps, data: { importId: string }): Promise<void> {
  const result = await runStoredImport(deps.sql, data.importId);
  const fields = { importId: data.importId };
  if (result.status === 'imported') {
    const r = result.report;
    deps.logger.info('layer-import done', { ...fields, layer: r.layerId, format: r.format, loaded: r.loaded, rejected: r.rejected, skipped: r.skipped ?? false, ms: r.ms });
    // A network drawn from this layer is now stale: rebuild its topology so traces see the new data.
    if (!r.skipped) await rebuildStaleNetworks(deps.sql, (m) => deps.logger.info('network rebuilt after import', { network: m }));
  } else if (result.status === 'rejected') deps.logger.info('layer-import rejected the file', { ...fields, code: result.code });
  else if (result.status !== 'already_done') deps.logger.warn(`layer-import: ${result.status === 'missing' ? 'no such import' : 'import has no stored file'}`, fields);
}
