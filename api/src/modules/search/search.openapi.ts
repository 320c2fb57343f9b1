import type { PathsObject } from '../../openapi.ts';
import { body, errors, inQuery } from '../../openapi-parts.ts';

export const searchOpenApi: PathsObject = {
  '/api/search': {
    get: {
      summary: 'Streets, named places and districts of the municipality matching a text, typo-tolerant in Greek, Latin and Greeklish',
      tags: ['maps'],
      parameters: [inQuery('q', { type: 'string', minLength: 2, maxLength: 100 }, 'what to look for', true), inQuery('limit', { type: 'integer', minimum: 1, default: 8 }, 'capped by the server')],
      responses: { 200: body('{ query, results: [{ kind, name { el, en }, layer, center [lon, lat], bbox, score }] }'), ...errors(400) },
    },
  },
};
