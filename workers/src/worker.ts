/**
 * createWorker({ sql, boss, config, logger }) registers every pg-boss handler. It runs inside the
 * platform process by default (one port, one command) and scales out as separate processes
 * (`npm run worker`, scripts/worker.ts), since pg-boss hands each job to one worker at a time.
 */
import type { PgBoss } from 'pg-boss';
import type { Config } from '../../api/src/config.ts';
import type { Pool } from '../../api/src/db.ts';
import type { Logger } from '../../api/src/logger.ts';
import { deadLetterQueue, DEFAULT_QUEUE_OPTIONS, JOB_NAMES, QUEUE_OPTIONS } from '../../lib/jobs.ts';
import { handlers } from './handlers/index.ts';

export interface WorkerDeps {
  sql: Pool;
  boss: PgBoss;
  config: Config;
  logger: Logger;
}

/**
 * Every queue gets its options (lib/jobs.ts: backoff with jitter, then a dead-letter queue) on
 * every start, so a changed policy reaches queues created by an older version too.
 */
export async function createQueues(boss: PgBoss): Promise<void> {
  for (const name of JOB_NAMES) {
    const dead = deadLetterQueue(name);
    // Dead letters are kept for an operator to look at, not retried.
    if (!(await boss.getQueue(dead))) await boss.createQueue(dead, { retryLimit: 0, retentionSeconds: 30 * 24 * 3600 });
    const options = { ...DEFAULT_QUEUE_OPTIONS, ...QUEUE_OPTIONS[name], deadLetter: dead };
    if (await boss.getQueue(name)) await boss.updateQueue(name, options);
    else await boss.createQueue(name, options);
  }
}

export async function createWorker(deps: WorkerDeps): Promise<void> {
  await createQueues(deps.boss);
  for (const [name, handler] of Object.entries(handlers)) {
    await deps.boss.work(name, { batchSize: 1 }, async (jobs) => {
      for (const job of jobs) {
        deps.logger.info('job start', { queue: name, jobId: job.id });
        await handler(deps, job.data as never);
        deps.logger.info('job done', { queue: name, jobId: job.id });
      }
    });
  }
  // SLA breaches are marked within a minute of falling due (pg-boss cron: one job per minute cluster-wide).
  await deps.boss.schedule('sla-check', '* * * * *');
  // Orphaned upload and photo files are removed once an hour.
  await deps.boss.schedule('file-sweep', '17 * * * *');
  // Personal data past RETENTION_DAYS is anonymised once a day, at night.
  await deps.boss.schedule('retention', '41 3 * * *');
}
