/** The contract of GET /api/jobs: the operator's counts per job queue (ids and counts, never payloads). */
import { z } from 'zod';

export const QueueCountsSchema = z.object({
  name: z.string().meta({ description: 'the job queue (lib/jobs.ts JOB_NAMES)' }),
  queued: z.number().int().meta({ description: 'waiting to run or to retry' }),
  active: z.number().int(),
  failed: z.number().int().meta({ description: 'failed attempts still kept by pg-boss' }),
  deadLettered: z.number().int().meta({ description: 'gave up after every retry: waiting in the queue’s dead-letter queue' }),
});

export const JobsResponseSchema = z.object({
  queues: z.array(QueueCountsSchema),
  deadLettered: z.number().int().meta({ description: 'the sum over every queue' }),
});
export type JobsResponse = z.infer<typeof JobsResponseSchema>;
