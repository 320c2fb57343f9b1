import type { Db } from '../../db.ts';

export interface QueueCounts {
  name: string;
  queued: number;
  active: number;
  failed: number;
}

/** Live job counts per queue from pg-boss's table (its cached queue stats lag by minutes). */
export async function countJobs(sql: Db, names: string[]): Promise<Map<string, QueueCounts>> {
  const rows = await sql<QueueCounts[]>`
    select name,
           count(*) filter (where state in ('created', 'retry'))::int as queued,
           count(*) filter (where state = 'active')::int as active,
           count(*) filter (where state = 'failed')::int as failed
    from pgboss.job
    where name = any(${names}::text[])
    group by name`;
  return new Map(rows.map((r) => [r.name, r]));
}
