import type { PathsObject } from '../../openapi.ts';

const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

const importObject = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    layer: { type: 'string' },
    fileName: { type: 'string' },
    sha256: { type: 'string' },
    format: { type: 'string', enum: ['flatgeobuf', 'geojson'] },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    sourceSrid: { type: ['integer', 'null'] },
    progress: { type: 'object', properties: { read: { type: 'integer' }, total: { type: ['integer', 'null'], description: 'FlatGeobuf header count; null for GeoJSON' } } },
    loaded: { type: 'integer' },
    rejected: { type: 'integer' },
    repaired: { type: 'integer', description: 'kept after ST_MakeValid(method=structure)' },
    rejectionCounts: { type: 'object', additionalProperties: { type: 'integer' }, description: 'per reason: null_geometry, non_finite_coordinate, too_many_vertices, invalid_ring, mixed_geometry_type, invalid_geometry, coordinate_out_of_range, transform_failed, malformed_feature, ...' },
    rejections: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, reason: { type: 'string' } } }, description: 'the first 100, by feature index' },
    warningCounts: { type: 'object', additionalProperties: { type: 'integer' } },
    warnings: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, reason: { type: 'string' } } } },
    error: { type: ['string', 'null'], description: '`code: message` of a failed import (bad_magic, truncated, feature_count_mismatch, unknown_crs, too_many_rejected, ...)' },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

export const importsOpenApi: PathsObject = {
  '/api/imports': {
    post: {
      summary: 'Upload a vector file (FlatGeobuf, GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GML, DXF, CSV) into a layer (admin); imported by a background job',
      description:
        'Any CRS PostGIS knows (FlatGeobuf header CRS, GeoJSON `crs` member, or `srid`) is reprojected to EPSG:4326. The layer is replaced in one transaction when the job succeeds; a failed import changes nothing. Idempotent by file SHA-256 per layer.',
      tags: ['imports'],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file', 'layer'],
              properties: {
                file: { type: 'string', format: 'binary' },
                layer: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' },
                name_el: { type: 'string', description: 'with name_en and group: creates or updates the catalogue entry' },
                name_en: { type: 'string' },
                group: { type: 'string', enum: ['network', 'building', 'space', 'boundary', 'risk', 'reference'] },
                srid: { type: 'integer', description: "overrides the file's declared CRS" },
                source_layer: { type: 'string', description: 'the layer to read from a file with several (GeoPackage, zip of Shapefiles); without it such a file is answered 422 source_layer_required with the layers' },
                name_property: { type: 'string', description: 'attribute holding the feature name' },
                external_id_property: { type: 'string', description: 'attribute holding a stable feature id (keeps asset ids across re-imports)' },
              },
            },
          },
        },
      },
      responses: {
        202: { description: 'queued', content: { 'application/json': { schema: importObject } } },
        200: { description: 'the layer already holds this file (skipped: true)', content: { 'application/json': { schema: importObject } } },
        400: error,
        401: error,
        403: error,
        413: error,
        415: error,
        422: error,
      },
    },
    get: {
      summary: 'Recent imports (staff)',
      tags: ['imports'],
      parameters: [
        { name: 'layer', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      ],
      responses: { 200: { description: '{ imports: Import[] }' }, 400: error, 401: error },
    },
  },
  '/api/imports/{id}': {
    get: {
      summary: 'One import: status, progress and the rejection report (staff)',
      tags: ['imports'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: { description: 'Import', content: { 'application/json': { schema: importObject } } }, 401: error, 404: error },
    },
  },
};
