/**
 * layer_imports: one row per (layer, file SHA-256). The API creates it on upload, the import
 * pipeline (its home: this folder) drives its status and progress, the UI polls it.
 */

/** A client, a reserved connection or a transaction: the swap runs these inside its transaction. */
import type { Db } from '../../../api/src/db.ts';

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
import type { ImportFormat } from './formats.ts';

export type { ImportFormat };

export interface ImportRow {
  id: string;
  layer_id: string;
  file_name: string;
  file_sha256: string;
  file_format: ImportFormat;
  file_path: string | null;
  status: ImportStatus;
  source_srid: number | null;
  features_total: number | null;
  features_read: number;
  features_loaded: number;
  features_rejected: number;
  features_repaired: number;
  rejections: { index: number; reason: string }[];
  rejection_counts: Record<string, number>;
  warnings: { index: number; reason: string }[];
  warning_counts: Record<string, number>;
  error: string | null;
  /** Why it failed, machine-readable (ImportErrorCode); null unless failed. */
  error_code: string | null;
  options: Record<string, unknown>;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface NewImport {
  layerId: string;
  fileName: string;
  sha256: string;
  format: ImportFormat;
  filePath: string | null;
  options?: Record<string, unknown>;
}

/**
 * Inserts the row, or returns the existing one for the same (layer, file); `created` tells which.
 * A re-upload keeps the first row: the file hash is the idempotency key (docs/reliability.md I6).
 */
export async function insertImport(sql: Db, i: NewImport): Promise<{ row: ImportRow; created: boolean }> {
  const inserted = await sql<ImportRow[]>`
    insert into layer_imports (layer_id, file_name, file_sha256, file_format, file_path, options)
    values (${i.layerId}, ${i.fileName}, ${i.sha256}, ${i.format}, ${i.filePath}, ${sql.json((i.options ?? {}) as never)})
    on conflict (layer_id, file_sha256) do nothing
    returning id, layer_id, file_name, file_sha256, file_format, file_path, status, source_srid, features_total,
              features_read, features_loaded, features_rejected, features_repaired, rejections, rejection_counts,
              warnings, warning_counts, error, error_code, options, created_at, started_at, finished_at`;
  if (inserted[0]) return { row: inserted[0], created: true };
  const row = await findImportByHash(sql, i.layerId, i.sha256);
  if (!row) throw new Error('layer_imports row vanished between insert and select');
  return { row, created: false };
}

export async function getImport(sql: Db, id: string): Promise<ImportRow | undefined> {
  const rows = await sql<ImportRow[]>`
    select id, layer_id, file_name, file_sha256, file_format, file_path, status, source_srid, features_total,
           features_read, features_loaded, features_rejected, features_repaired, rejections, rejection_counts,
           warnings, warning_counts, error, error_code, options, created_at, started_at, finished_at
      from layer_imports
     where id = ${id}`;
  return rows[0];
}

export async function findImportByHash(sql: Db, layerId: string, sha256: string): Promise<ImportRow | undefined> {
  const rows = await sql<ImportRow[]>`
    select id, layer_id, file_name, file_sha256, file_format, file_path, status, source_srid, features_total,
           features_read, features_loaded, features_rejected, features_repaired, rejections, rejection_counts,
           warnings, warning_counts, error, error_code, options, created_at, started_at, finished_at
      from layer_imports
     where layer_id = ${layerId} and file_sha256 = ${sha256}`;
  return rows[0];
}

/** Most recent first; optionally one layer's. */
export async function listImports(sql: Db, opts: { layerId?: string; limit: number }): Promise<ImportRow[]> {
  return sql<ImportRow[]>`
    select id, layer_id, file_name, file_sha256, file_format, file_path, status, source_srid, features_total,
           features_read, features_loaded, features_rejected, features_repaired,
           rejections, rejection_counts, warnings, warning_counts, error, error_code, options, created_at, started_at, finished_at
      from layer_imports
     where true
       ${opts.layerId ? sql`and layer_id = ${opts.layerId}` : sql``}
     order by created_at desc, id
     limit ${opts.limit}`;
}

/**
 * True when this import is the layer's latest successful one, i.e. the layer holds exactly this
 * file: importing it again is a no-op. (A → B → A again re-imports A, since the layer holds B.)
 */
export async function isCurrentImport(sql: Db, id: string): Promise<boolean> {
  const rows = await sql<{ current: boolean }[]>`
    select coalesce((
      select l.id = ${id}
        from layer_imports l
       where l.layer_id = (select layer_id from layer_imports where id = ${id})
         and l.status = 'succeeded'
       order by l.finished_at desc nulls last
       limit 1), false) as current`;
  return rows[0]?.current ?? false;
}

export async function setImportOptions(sql: Db, id: string, options: Record<string, unknown>): Promise<void> {
  await sql`update layer_imports set options = ${sql.json(options as never)} where id = ${id}`;
}

/** Back to the queue (a retry of a failed import, or a re-import of an older file). */
export async function requeueImport(sql: Db, id: string): Promise<void> {
  await sql`update layer_imports set status = 'queued', error = null, error_code = null, finished_at = null where id = ${id}`;
}

export async function markImportRunning(sql: Db, id: string, format: ImportFormat): Promise<void> {
  await sql`
    update layer_imports
       set status = 'running', started_at = now(), finished_at = null, error = null, error_code = null, file_format = ${format},
           features_read = 0, features_total = null, features_loaded = 0, features_rejected = 0, features_repaired = 0,
           rejections = '[]', rejection_counts = '{}', warnings = '[]', warning_counts = '{}'
     where id = ${id}`;
}

export async function updateImportProgress(sql: Db, id: string, read: number, total: number | null, sourceSrid: number | null): Promise<void> {
  await sql`
    update layer_imports
       set features_read = ${read}, features_total = coalesce(${total}::int, features_total),
           source_srid = coalesce(${sourceSrid}::int, source_srid)
     where id = ${id} and status = 'running'`;
}

export interface ImportOutcome {
  sourceSrid: number | null;
  read: number;
  loaded: number;
  rejected: number;
  repaired: number;
  rejections: { index: number; reason: string }[];
  rejectionCounts: Record<string, number>;
  warnings: { index: number; reason: string }[];
  warningCounts: Record<string, number>;
}

export async function finishImport(sql: Db, id: string, status: 'succeeded' | 'failed', o: ImportOutcome, error: string | null, errorCode: string | null = null): Promise<void> {
  await sql`
    update layer_imports
       set status = ${status}, finished_at = now(), error = ${error}, error_code = ${errorCode},
           source_srid = ${o.sourceSrid}, features_read = ${o.read}, features_loaded = ${o.loaded},
           features_rejected = ${o.rejected}, features_repaired = ${o.repaired},
           rejections = ${sql.json(o.rejections as never)}, rejection_counts = ${sql.json(o.rejectionCounts as never)},
           warnings = ${sql.json(o.warnings as never)}, warning_counts = ${sql.json(o.warningCounts as never)}
     where id = ${id}`;
}

/** Locks the row inside the swap transaction, so two runs of one import cannot both swap. */
export async function lockImport(sql: Db, id: string): Promise<ImportStatus | undefined> {
  const rows = await sql<{ status: ImportStatus }[]>`select status from layer_imports where id = ${id} for update`;
  return rows[0]?.status;
}
