/**
 * The operator's view of the job queues (RELIABILITY F11): per queue how many jobs wait, run and
 * failed recently, and how many gave up after every retry and sit in the dead-letter queue.
 * Admins only; ids and counts, never payloads.
 */
import { deadLetterQueue, JOB_NAMES } from '../../../../lib/jobs.ts';
import { JobsResponseSchema } from '../../../../lib/jobs.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { countJobs } from './jobs.sql.ts';

const jobs = defineRoute({
  method: 'get',
  path: '/jobs',
  summary: 'Queued, active, failed and dead-lettered jobs per queue (administrators)',
  tags: ['platform'],
  security: staffSession,
  middleware: [requireStaff(['admin'])],
  responses: { 200: jsonResponse(JobsResponseSchema, 'counts per queue'), ...errorResponses(401, 403, 503) },
});

export function jobsRoutes({ sql, boss }: AppDeps) {
  const app = createRouter();
  app.openapi(jobs, async (c) => {
    if (!boss) throw new AppError(503, 'jobs_unavailable', 'the job queues are not running in this process');
    const counts = await countJobs(sql, [...JOB_NAMES, ...JOB_NAMES.map(deadLetterQueue)]);
    const queues = JOB_NAMES.map((name) => {
      const q = counts.get(name);
      return { name, queued: q?.queued ?? 0, active: q?.active ?? 0, failed: q?.failed ?? 0, deadLettered: counts.get(deadLetterQueue(name))?.queued ?? 0 };
    });
    return c.json({ queues, deadLettered: queues.reduce((n, q) => n + q.deadLettered, 0) }, 200);
  });
  return app;
}
