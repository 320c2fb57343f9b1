/**
 * createWorker({ sql, boss, config, logger }) registers every pg-boss handler. It runs inside the
 * platform process by default (one port, one command) and scales out as separate processes
 * (`npm run worker`, scripts/worker.ts), since pg-boss hands each job to one worker at a time.
 */
import type { PgBoss } from 'pg-boss';
import type { Config } from '../../api/src/config.ts';
import type { Pool } from '../../api/src/db.ts';
import type { Logger } from '../../api/src/logger.ts';
import { DEAD_LETTER_QUEUES, JOB_NAMES, QUEUE_OPTIONS } from '../../lib/jobs.ts';
import { handlers } from './handlers/index.ts';

export interface WorkerDeps {
  sql: Pool;
  boss: PgBoss;
  config: Config;
  logger: Logger;
}

export async function createQueues(boss: PgBoss): Promise<void> {
  for (const name of DEAD_LETTER_QUEUES) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name);
  }
  for (const name of JOB_NAMES) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, { retryLimit: 2, retryDelay: 5, expireInSeconds: 3600, ...QUEUE_OPTIONS[name] });
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
}
