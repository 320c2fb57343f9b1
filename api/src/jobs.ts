/**
 * Sending jobs from the API. The queue → payload map is `lib/jobs.ts` (shared with the workers);
 * this is the one way a route enqueues, inside the transaction that makes the job necessary.
 */
import { createHash } from 'node:crypto';
import type { PgBoss, SendOptions } from 'pg-boss';
import type { Db } from './db.ts';
import type { JobName, JobPayloads } from '../../lib/jobs.ts';

export type { JobName, JobPayloads } from '../../lib/jobs.ts';

/** Deterministic UUID (v5 layout) from a name, so a job sent twice for one event is one job. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update('municipal-gis:').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * pg-boss send inside our postgres.js transaction (RELIABILITY rule 6): the job exists iff the
 * write commits. `id` makes a resend for the same event one job; omit it for a fresh job.
 */
export async function enqueueInTx<N extends JobName>(boss: PgBoss | null, tx: Db, name: N, data: JobPayloads[N], id?: string, options: SendOptions = {}): Promise<void> {
  if (!boss) return;
  const db = { executeSql: async (text: string, values: unknown[] = []) => ({ rows: await tx.unsafe(text, values as never[]) }) };
  await boss.send(name, data as object, { ...options, ...(id ? { id } : {}), db });
}
