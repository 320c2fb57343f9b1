import type { PathsObject } from '../../openapi.ts';
import { body } from '../../openapi-parts.ts';

const tags = ['platform'];

export const apiDocsOpenApi: PathsObject = {
  '/openapi.json': {
    get: { summary: 'This OpenAPI 3.1 document', tags, responses: { 200: body('OpenAPI 3.1 document', 'application/json', { type: 'object' }) } },
  },
  '/api/docs': {
    get: { summary: 'The API reference: every operation of this document, grouped by tag, as an HTML page', tags, responses: { 200: body('HTML page', 'text/html', { type: 'string' }) } },
  },
};
