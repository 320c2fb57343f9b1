import type { PathsObject } from '../../openapi.ts';

export const siteOpenApi: PathsObject = {
  '/api/config': {
    get: {
      summary: 'Site configuration for the web app: municipality name, centre and bbox, optional online basemap style URL, attributions of the public layers',
      tags: ['site'],
      responses: { 200: { description: '{ municipality: { code, name: { el, en }, center, bbox }, basemapStyleUrl, attributions: [{ text, layers }] }' } },
    },
  },
  '/api/boundary': {
    get: {
      summary: 'The municipality boundary and its districts as a GeoJSON FeatureCollection (simplified to about a metre)',
      tags: ['site'],
      responses: { 200: { description: 'GeoJSON FeatureCollection, municipality first' } },
    },
  },
};
