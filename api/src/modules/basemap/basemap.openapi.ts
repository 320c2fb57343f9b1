import type { PathsObject } from '../../openapi.ts';
import { body, errors, inPath } from '../../openapi-parts.ts';

export const basemapOpenApi: PathsObject = {
  '/api/basemap/land.geojson': {
    get: { summary: 'Land polygons and names of the municipality and its neighbours, for the offline basemap (land and sea)', tags: ['maps'], responses: { 200: body('GeoJSON FeatureCollection', 'application/geo+json') } },
  },
  '/fonts/{file}': {
    get: { summary: 'A font the offline basemap labels with, served by the platform itself', tags: ['maps'], parameters: [inPath('file', { type: 'string' })], responses: { 200: body('the font file', 'font/ttf', { type: 'string', format: 'binary' }), ...errors(404) } },
  },
};
