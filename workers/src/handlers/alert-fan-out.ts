/**
 * alert-fan-out: cuts an issued alert's pending ledger into chunk jobs of at most 1,000 rows
 * (RELIABILITY L4). The ledger itself was filled in the issuing transaction; this job only
 * schedules sending. Chunk job ids are derived from the ledger range, so a re-run of this job
 * adds no second copy of a chunk (pg-boss ignores a repeated id).
 */
import { pendingChunks } from '../../../api/src/modules/alerts/alerts.sql.ts';
import { stableUuid } from '../../../api/src/jobs.ts';
import type { WorkerDeps } from '../worker.ts';

/** Deliveries per chunk job. @default 1000 */
export const CHUNK_SIZE = 1000;

export async function handleAlertFanOut(deps: WorkerDeps, data: { alertId: number }, chunkSize = CHUNK_SIZE): Promise<number> {
  const chunks = await pendingChunks(deps.sql, data.alertId, chunkSize);
  if (chunks.length === 0) return 0;
  await deps.boss.insert(
    'alert-deliver',
    chunks.map((ch) => ({ id: stableUuid(`alert-deliver:${data.alertId}:${ch.from_id}:${ch.to_id}`), data: { alertId: data.alertId, fromId: ch.from_id, toId: ch.to_id } })),
  );
  deps.logger.info('alert fan-out', { alertId: data.alertId, chunks: chunks.length, deliveries: chunks.reduce((n, c) => n + c.n, 0) });
  return chunks.length;
}
