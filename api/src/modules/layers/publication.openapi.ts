import type { PathsObject } from '../../openapi.ts';
import { body, errors, inPath, jsonBody, staffSession } from '../../openapi-parts.ts';
import { PublicationSchema } from './publication.routes.ts';

const id = inPath('id', { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' });
const publication = body('{ public, publicAttributes, candidates }');

export const publicationOpenApi: PathsObject = {
  '/api/layers/{id}/publication': {
    get: { summary: "A layer's publication: whether the public sees it, its public attribute keys and the candidates the data offers", tags: ['layers'], security: staffSession, parameters: [id], responses: { 200: publication, ...errors(401, 403, 404) } },
    patch: { summary: 'Publish or withdraw a layer and choose the attribute keys the public sees (audited)', tags: ['layers'], security: staffSession, parameters: [id], requestBody: jsonBody(PublicationSchema), responses: { 200: publication, ...errors(400, 401, 403, 404, 422) } },
  },
};
