import type { PathsObject } from '../../openapi.ts';

const collectionId = { name: 'collectionId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' }, description: 'a public layer id' };
const f = { name: 'f', in: 'query', schema: { type: 'string', enum: ['json', 'fgb', 'csv'] }, description: 'output format; otherwise from Accept, default GeoJSON' };
const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const features = {
  'application/geo+json': { schema: { type: 'object' } },
  'application/flatgeobuf': { schema: { type: 'string', format: 'binary' } },
  'text/csv': { schema: { type: 'string' } },
};
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

export const openDataOpenApi: PathsObject = {
  '/ogc': { get: { summary: 'OGC API - Features landing page', tags: ['open data'], operationId: 'getLandingPage', responses: { 200: json('links to the API definition, conformance and collections') } } },
  '/ogc/conformance': { get: { summary: 'Conformance classes (Core, GeoJSON)', tags: ['open data'], operationId: 'getConformanceDeclaration', responses: { 200: json('conformsTo') } } },
  '/ogc/collections': { get: { summary: 'The public layers as collections', tags: ['open data'], operationId: 'getCollections', responses: { 200: json('collections with extent, CRS and links') } } },
  '/ogc/collections/{collectionId}': {
    get: { summary: 'One collection', tags: ['open data'], operationId: 'describeCollection', parameters: [collectionId], responses: { 200: json('collection'), 404: error } },
  },
  '/ogc/collections/{collectionId}/items': {
    get: {
      summary: 'Features of a collection',
      description: 'Keyset-paged (links rel=next/prev); limit=unlimited streams the whole (bbox-filtered) layer.',
      tags: ['open data'],
      operationId: 'getFeatures',
      parameters: [
        collectionId,
        { name: 'bbox', in: 'query', style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } }, description: 'minLon,minLat,maxLon,maxLat (CRS84)' },
        { name: 'limit', in: 'query', schema: { oneOf: [{ type: 'integer', minimum: 1, default: 100 }, { type: 'string', enum: ['unlimited'] }] }, description: 'page size, clamped to MAX_PAGE_SIZE' },
        { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'cursor: features with a larger id' },
        { name: 'before', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'cursor: features with a smaller id (previous page)' },
        f,
      ],
      responses: { 200: { description: 'FeatureCollection (numberMatched, numberReturned, links)', content: features }, 400: error, 404: error },
    },
  },
  '/ogc/collections/{collectionId}/items/{featureId}': {
    get: {
      summary: 'One feature',
      tags: ['open data'],
      operationId: 'getFeature',
      parameters: [collectionId, { name: 'featureId', in: 'path', required: true, schema: { type: 'integer' } }, f],
      responses: { 200: { description: 'Feature', content: features }, 400: error, 404: error },
    },
  },
  '/ogc/collections/{collectionId}/download.{format}': {
    get: {
      summary: 'The whole layer, streamed (memory flat in the number of features)',
      tags: ['open data'],
      parameters: [collectionId, { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['fgb', 'geojson', 'csv'] } }],
      responses: { 200: { description: 'FlatGeobuf (no spatial index), GeoJSON or CSV with a WKT column', content: features }, 404: error },
    },
  },
  '/ogc/api': {
    get: { summary: 'The OGC API definition of this service (OpenAPI 3.0, as OGC API - Features Part 1 asks)', tags: ['open data'], operationId: 'getApiDefinition', responses: { 200: { description: 'OpenAPI 3.0 document', content: { 'application/vnd.oai.openapi+json;version=3.0': { schema: { type: 'object' } } } } } },
  },
  '/ogc/collections/{collectionId}/queryables': {
    get: {
      summary: 'The properties a collection can be filtered on (OGC API - Features Part 3), as JSON Schema; HTML with f=html',
      tags: ['open data'],
      operationId: 'getQueryables',
      parameters: [collectionId, { name: 'f', in: 'query', schema: { type: 'string', enum: ['json', 'html'] } }],
      responses: { 200: { description: 'queryables', content: { 'application/schema+json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } } }, 404: error },
    },
  },
};
