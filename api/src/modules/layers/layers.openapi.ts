import type { PathsObject } from '../../openapi.ts';

const layerId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' } };
const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export const layersOpenApi: PathsObject = {
  '/api/layers': { get: { summary: 'The public layer catalogue of the multilayer model', tags: ['layers'], responses: { 200: { description: '{ layers: Layer[] }' } } } },
  '/api/layers/{id}': { get: { summary: 'One layer', tags: ['layers'], parameters: [layerId], responses: { 200: { description: 'Layer' }, 404: error } } },
  '/api/layers/{id}/assets': {
    get: {
      summary: 'Assets of a layer in a bbox as GeoJSON, keyset-paged',
      tags: ['layers'],
      parameters: [
        layerId,
        { name: 'bbox', in: 'query', schema: { type: 'string' }, description: 'minLon,minLat,maxLon,maxLat (EPSG:4326)' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: 1000 }, description: 'clamped to MAX_PAGE_SIZE' },
        { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'cursor: the `next` of the previous page' },
      ],
      responses: { 200: { description: 'GeoJSON FeatureCollection with numberReturned, truncated, next' }, 400: error, 404: error },
    },
  },
  '/api/assets/{id}': { get: { summary: 'One asset as a GeoJSON Feature', tags: ['layers'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'Feature' }, 400: error, 404: error } } },
};
