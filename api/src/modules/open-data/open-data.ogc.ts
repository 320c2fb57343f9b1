/**
 * What the OGC API advertises beyond Part 1 core, in one place: the conformance classes, the CRSs
 * served (Part 2), the OpenAPI 3.0 document GDAL and OWSLib read the `limit` bounds from, and the
 * queryables schema (Part 3). No I/O.
 */
import { FIXED_QUERYABLES } from './open-data.filter.sql.ts';
import type { AttributeColumn } from './open-data.sql.ts';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

/** Default page size of items. GDAL's OAPIF driver pages by the advertised maximum (up to 1000 per request). */
export const DEFAULT_LIMIT = 100;

export interface OutputCrs {
  uri: string;
  srid: number;
  /** EPSG:4326 is latitude first in OGC APIs: coordinates are swapped on the way out and in. */
  latFirst: boolean;
  /** Decimal places of coordinates: ~1 cm in degrees or in metres. */
  precision: number;
}

/** The CRSs every collection offers, CRS84 first (the default). Greek Grid and Web Mercator for GIS desktops. */
export const SUPPORTED_CRS: OutputCrs[] = [
  { uri: CRS84, srid: 4326, latFirst: false, precision: 7 },
  { uri: EPSG(4326), srid: 4326, latFirst: true, precision: 7 },
  { uri: EPSG(2100), srid: 2100, latFirst: false, precision: 2 },
  { uri: EPSG(3857), srid: 3857, latFirst: false, precision: 2 },
];

/** A CRS parameter value: the URI, its `[EPSG:n]` safe-CURIE or `EPSG:n` short form. */
export function findCrs(text: string): OutputCrs | undefined {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  const m = /^EPSG:(\d+)$/i.exec(t);
  const uri = m ? EPSG(Number(m[1])) : /^OGC:CRS84$/i.test(t) ? CRS84 : t.replace(/^https:/, 'http:');
  return SUPPORTED_CRS.find((c) => c.uri === uri);
}

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
];

const JSON_SCHEMA_TYPE: Record<AttributeColumn['type'], string> = { double: 'number', bool: 'boolean', string: 'string', json: 'object' };

/** The queryables of a collection: its fixed asset columns, its public attributes, and the geometry. */
export function queryablesJson(selfUrl: string, title: string, columns: AttributeColumn[], geometryType: 'point' | 'line' | 'polygon') {
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(FIXED_QUERYABLES)) properties[k] = { title: k, ...v };
  for (const c of columns) if (c.type !== 'json') properties[c.key] = { title: c.key, type: JSON_SCHEMA_TYPE[c.type] };
  const geom = { point: 'MultiPoint', line: 'MultiLineString', polygon: 'MultiPolygon' }[geometryType];
  properties.geometry = { title: 'geometry', format: `geometry-${geom === 'MultiPoint' ? 'point' : geom === 'MultiLineString' ? 'linestring' : 'polygon'}-or-multi`, 'x-ogc-role': 'primary-geometry' };
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: selfUrl,
    type: 'object',
    title,
    properties,
    additionalProperties: false,
  };
}

/** Names a filter may use. */
export function queryableNames(columns: AttributeColumn[]): Set<string> {
  return new Set([...Object.keys(FIXED_QUERYABLES), ...columns.filter((c) => c.type !== 'json').map((c) => c.key)]);
}

/**
 * The OpenAPI 3.0 definition of the OGC API alone, paths relative to `/ogc` as OGC clients look
 * them up (`/collections/{collectionId}/items`), with `limit`'s default and maximum.
 */
export function ogcApiDocument(base: string, maxLimit: number) {
  const collectionId = { name: 'collectionId', in: 'path', required: true, schema: { type: 'string' } };
  const json = (d: string) => ({ description: d, content: { 'application/json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } } });
  const crsEnum = SUPPORTED_CRS.map((c) => c.uri);
  return {
    openapi: '3.0.3',
    info: { title: 'Municipal GIS open data (OGC API - Features)', version: '1.0.0' },
    servers: [{ url: base }],
    components: {
      parameters: {
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: `Features per page: default ${DEFAULT_LIMIT}, maximum ${maxLimit} (larger values are clamped). The extension value \`unlimited\` streams the whole layer.`,
          schema: { type: 'integer', minimum: 1, maximum: maxLimit, default: Math.min(DEFAULT_LIMIT, maxLimit) },
        },
        bbox: { name: 'bbox', in: 'query', required: false, style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } },
        'bbox-crs': { name: 'bbox-crs', in: 'query', required: false, schema: { type: 'string', format: 'uri', enum: crsEnum } },
        crs: { name: 'crs', in: 'query', required: false, schema: { type: 'string', format: 'uri', enum: crsEnum } },
        filter: { name: 'filter', in: 'query', required: false, schema: { type: 'string' }, description: 'CQL2 text on the queryables' },
        'filter-lang': { name: 'filter-lang', in: 'query', required: false, schema: { type: 'string', enum: ['cql2-text'], default: 'cql2-text' } },
        f: { name: 'f', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'html', 'fgb', 'csv'] } },
      },
    },
    paths: {
      '/': { get: { operationId: 'getLandingPage', summary: 'Landing page', responses: { 200: json('landing page') } } },
      '/conformance': { get: { operationId: 'getConformanceDeclaration', summary: 'Conformance classes', responses: { 200: json('conformsTo') } } },
      '/collections': { get: { operationId: 'getCollections', summary: 'Collections', responses: { 200: json('collections') } } },
      '/collections/{collectionId}': { get: { operationId: 'describeCollection', parameters: [collectionId], responses: { 200: json('collection'), 404: { description: 'not found' } } } },
      '/collections/{collectionId}/queryables': { get: { operationId: 'getQueryables', parameters: [collectionId], responses: { 200: { description: 'JSON Schema', content: { 'application/schema+json': { schema: { type: 'object' } } } } } } },
      '/collections/{collectionId}/items': {
        get: {
          operationId: 'getFeatures',
          parameters: [
            collectionId,
            { $ref: '#/components/parameters/limit' },
            { $ref: '#/components/parameters/bbox' },
            { $ref: '#/components/parameters/bbox-crs' },
            { $ref: '#/components/parameters/crs' },
            { $ref: '#/components/parameters/filter' },
            { $ref: '#/components/parameters/filter-lang' },
            { $ref: '#/components/parameters/f' },
          ],
          responses: {
            200: {
              description: 'features',
              content: { 'application/geo+json': { schema: { type: 'object' } }, 'application/flatgeobuf': { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } }, 'text/html': { schema: { type: 'string' } } },
            },
            400: { description: 'bad request' },
            404: { description: 'not found' },
          },
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: { operationId: 'getFeature', parameters: [collectionId, { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } }, { $ref: '#/components/parameters/crs' }, { $ref: '#/components/parameters/f' }], responses: { 200: { description: 'feature' }, 404: { description: 'not found' } } },
      },
    },
  };
}
