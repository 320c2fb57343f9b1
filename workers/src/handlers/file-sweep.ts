/**
 * file-sweep (scheduled hourly from worker.ts): removes files no row points at (RELIABILITY F1,
 * F9). A crash between writing a file and committing its row, a refused upload, a report photo
 * whose attachment was never inserted, or a derivative whose photo went away all leave a file
 * behind; nothing else would ever delete it.
 *
 * Only files older than the grace period are considered, so a file written by a request that
 * has not committed yet is never taken. Each candidate is checked against the database just
 * before it is removed.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../../api/src/db.ts';
import { photoPaths } from '../../../api/src/modules/incidents/photos.ts';
import type { WorkerDeps } from '../worker.ts';

/** Files younger than this are left alone: their request may still be committing. @default 1 h */
export const SWEEP_GRACE_MS = 60 * 60 * 1000;

export interface SweepResult {
  removed: number;
  kept: number;
}

async function oldFiles(dir: string, olderThan: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    try {
      const s = await stat(join(dir, name));
      if (s.isFile() && s.mtimeMs < olderThan) out.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function importReferenced(sql: Db, path: string): Promise<boolean> {
  return (await sql`select 1 from layer_imports where file_path = ${path} limit 1`).length > 0;
}

async function incomingReferenced(sql: Db, originalSha256: string, incidentId: number): Promise<boolean> {
  return (await sql`select 1 from attachments where incident_id = ${incidentId} and original_sha256 = ${originalSha256} and status = 'pending' limit 1`).length > 0;
}

async function derivativeReferenced(sql: Db, sha256: string): Promise<boolean> {
  const rows = await sql`
    select 1 from attachments where sha256 = ${sha256} or thumb_sha256 = ${sha256}
    union all
    select 1 from work_order_photos where sha256 = ${sha256} or thumb_sha256 = ${sha256}
    limit 1`;
  return rows.length > 0;
}

export async function handleFileSweep(deps: Pick<WorkerDeps, 'sql' | 'config' | 'logger'>, _data: Record<string, never> = {}, now = Date.now()): Promise<SweepResult> {
  const { sql, config, logger } = deps;
  const olderThan = now - SWEEP_GRACE_MS;
  const result: SweepResult = { removed: 0, kept: 0 };
  const remove = async (path: string) => {
    await rm(path, { force: true });
    result.removed++;
  };

  // Layer uploads: temporary files of interrupted uploads, and stored files no import points at.
  const imports = join(config.dataDir, 'imports');
  for (const name of await oldFiles(imports, olderThan)) {
    const path = join(imports, name);
    if (name.startsWith('.upload-') || !(await importReferenced(sql, path))) await remove(path);
    else result.kept++;
  }

  // Report photos awaiting the worker whose attachment is not pending any more (or never was).
  const photos = photoPaths(config.dataDir);
  const incomingDir = join(photos.root, 'incoming');
  for (const name of await oldFiles(incomingDir, olderThan)) {
    const m = /^([0-9a-f]{64})-(\d{1,15})$/.exec(name);
    if (m && (await incomingReferenced(sql, m[1]!, Number(m[2])))) result.kept++;
    else await remove(join(incomingDir, name));
  }

  // Derivatives (and half-written .tmp files) no photo row points at.
  let shards: string[] = [];
  try {
    shards = (await readdir(photos.root)).filter((d) => /^[0-9a-f]{2}$/.test(d));
  } catch {
    shards = [];
  }
  for (const shard of shards) {
    const dir = join(photos.root, shard);
    for (const name of await oldFiles(dir, olderThan)) {
      const m = /^([0-9a-f]{64})\.jpg$/.exec(name);
      if (m && (await derivativeReferenced(sql, m[1]!))) result.kept++;
      else await remove(join(dir, name));
    }
  }
  if (result.removed) logger.info('orphan files removed', { removed: result.removed, kept: result.kept });
  return result;
}
