/**
 * The contract of layer imports (api/src/modules/imports): the server documents its answers and
 * the multipart upload with these schemas and the control room's import panel is typed by them.
 */
import { z } from 'zod';
import { LayerGroupSchema } from './layers.schema.ts';

const issue = z.object({ index: z.number().meta({ description: 'the feature index in the file' }), reason: z.string() });
const time = z.string().meta({ description: 'ISO 8601 time' });

export const ImportSchema = z.object({
  id: z.string().meta({ description: 'uuid' }),
  layer: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  format: z.enum(['flatgeobuf', 'geojson', 'geopackage', 'shapefile', 'kml', 'kmz', 'gml', 'dxf', 'csv']).meta({ description: 'recognised from the bytes, never the file name' }),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  sourceSrid: z.number().nullable(),
  progress: z.object({ read: z.number(), total: z.number().nullable().meta({ description: 'the header count when the format has one' }) }),
  loaded: z.number(),
  rejected: z.number(),
  repaired: z.number().meta({ description: 'kept after ST_MakeValid(method=structure)' }),
  rejectionCounts: z.record(z.string(), z.number()).meta({
    description: 'per reason: null_geometry, non_finite_coordinate, too_many_vertices, invalid_ring, mixed_geometry_type, invalid_geometry, coordinate_out_of_range, transform_failed, malformed_feature, ...',
  }),
  rejections: z.array(issue).meta({ description: 'the first 100, by feature index' }),
  warningCounts: z.record(z.string(), z.number()),
  warnings: z.array(issue),
  error: z.string().nullable().meta({ description: '`code: message` of a failed import (bad_magic, truncated, feature_count_mismatch, unknown_crs, too_many_rejected, ...)' }),
  errorCode: z.string().nullable().meta({ description: 'why it failed, machine-readable; null unless failed' }),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
});
export type Import = z.infer<typeof ImportSchema>;

/** The answer to an upload: the import, and whether the layer already held this very file. */
export const ImportUploadSchema = ImportSchema.extend({
  skipped: z.boolean().meta({ description: 'the layer already holds this file: nothing was queued' }),
  links: z.object({ self: z.string() }),
});
export type ImportUpload = z.infer<typeof ImportUploadSchema>;

export const ImportListSchema = z.object({ imports: z.array(ImportSchema).meta({ description: 'newest first' }) });

export const ImportListQuerySchema = z.object({
  layer: z.string().optional().meta({ description: 'only this layer, ^[a-z][a-z0-9_]{1,62}$; 400 invalid_layer otherwise' }),
  limit: z.string().optional().meta({ description: '1..200, default 50; 400 invalid_limit otherwise' }),
});

/** The multipart form of POST /api/imports (documentation: the handler reads the stream itself). */
export const ImportFormSchema = z.object({
  file: z.string().meta({ format: 'binary', description: 'the vector file' }),
  layer: z.string().meta({ description: '^[a-z][a-z0-9_]{1,62}$' }),
  name_el: z.string().optional().meta({ description: 'with name_en and group: creates or updates the catalogue entry' }),
  name_en: z.string().optional(),
  group: LayerGroupSchema.optional(),
  public: z.enum(['true', 'false']).optional().meta({ description: 'with the names: `false` keeps a new layer private; default true' }),
  srid: z.string().optional().meta({ description: "an EPSG code; overrides the file's declared CRS" }),
  source_layer: z
    .string()
    .optional()
    .meta({ description: 'the layer to read from a file with several (GeoPackage, zip of Shapefiles); without it such a file is answered 422 source_layer_required with the layers' }),
  name_property: z.string().optional().meta({ description: 'attribute holding the feature name' }),
  external_id_property: z.string().optional().meta({ description: 'attribute holding a stable feature id (keeps asset ids across re-imports)' }),
});
