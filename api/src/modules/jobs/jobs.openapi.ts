import type { PathsObject } from '../../openapi.ts';
import { body, errors, staffSession } from '../../openapi-parts.ts';

export const jobsOpenApi: PathsObject = {
  '/api/jobs': {
    get: { summary: 'Queued, active, failed and dead-lettered jobs per queue (administrators)', tags: ['platform'], security: staffSession, responses: { 200: body('{ queues: [{ name, queued, active, failed, deadLettered }] }'), ...errors(401, 403) } },
  },
};
