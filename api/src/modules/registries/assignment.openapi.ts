import type { PathsObject } from '../../openapi.ts';
import { body, errors, inQuery, staffSession } from '../../openapi-parts.ts';

const tags = ['registries'];

export const assignmentOpenApi: PathsObject = {
  '/api/registries/crews': {
    get: {
      summary: 'Crew members who can be sent to work, with their open and in-progress work orders, and the load per department (dispatcher, technician: own department only, admin)',
      tags,
      security: staffSession,
      parameters: [inQuery('department', { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' })],
      responses: { 200: body('{ members, departments }'), ...errors(400, 401, 403) },
    },
  },
  '/api/registries/assignment/derive': {
    get: {
      summary: 'The registry kind a work order for these reports would have, derived from their assets and categories',
      tags,
      security: staffSession,
      parameters: [inQuery('incidentIds', { type: 'string', description: 'comma-separated report ids, at most 50' }, undefined, true)],
      responses: { 200: body('the derived kind and what it came from'), ...errors(400, 401, 403) },
    },
  },
};
