/**
 * One import in its own process, so GNU time can report its peak RSS alone:
 *   node bench/import/import-child.ts <database-url> <layer-id> <file>
 * Prints the import report as one JSON line.
 */
import { createSql } from '../../api/src/db.ts';
import { importLayerFile } from '../../gis-data/src/import/import-file.ts';

const [url, layerId, filePath] = process.argv.slice(2);
if (!url || !layerId || !filePath) {
  process.stderr.write('usage: node bench/import/import-child.ts <database-url> <layer-id> <file>\n');
  process.exit(2);
}

// The platform's pool size for a worker process.
const sql = createSql(url, { max: 4 });
try {
  const report = await importLayerFile(sql, {
    layerId,
    filePath,
    layer: { nameEl: 'Δοκιμή εισαγωγής', nameEn: 'Import benchmark', group: 'reference', isPublic: false, synthetic: true, source: 'bench' },
  });
  process.stdout.write(`${JSON.stringify({ read: report.read, loaded: report.loaded, rejected: report.rejected, skipped: report.skipped ?? false, ms: report.ms, timings: report.timings })}\n`);
} catch (err) {
  process.stderr.write(`import failed: ${(err as Error)?.message ?? err}\n`);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
