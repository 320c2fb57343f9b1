/**
 * The contract of the layer catalogue, its assets and a layer's publication (api/src/modules/layers):
 * the server validates and documents with these schemas and the web's catalogue is typed by them.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';
import { BBoxSchema, FeatureSchema } from './site.schema.ts';

export const LayerGroupSchema = z.enum(['network', 'building', 'space', 'boundary', 'risk', 'reference']);
export type LayerGroup = z.infer<typeof LayerGroupSchema>;
export const GeometryTypeSchema = z.enum(['point', 'line', 'polygon']);
export type GeometryType = z.infer<typeof GeometryTypeSchema>;

export const LAYER_ID_PATTERN = '^[a-z][a-z0-9_]{1,62}$';
export const LayerIdParamsSchema = z.object({
  id: z.string().meta({ description: `layer id, ${LAYER_ID_PATTERN}; anything else is no layer (404)` }),
});

export const AttributeLabelsSchema = z
  .record(z.string(), z.object({ el: z.string(), en: z.string(), unit: z.string().optional() }))
  .meta({ description: 'attribute key → its label per language and unit' });

export const LayerSchema = z.object({
  id: z.string(),
  name: NamesSchema,
  group: LayerGroupSchema,
  geometryType: GeometryTypeSchema,
  style: z.record(z.string(), z.unknown()).meta({ description: 'MapLibre paint hints' }),
  public: z.boolean(),
  synthetic: z.boolean().meta({ description: 'generated demo data, not a survey' }),
  source: z.string(),
  licence: z.string(),
  attribution: z.string(),
  attributeSchema: z.record(z.string(), z.unknown()),
  attributeLabels: AttributeLabelsSchema,
  featureCount: z.number(),
  version: z.number(),
  extent: BBoxSchema.nullable(),
  updatedAt: z.string(),
  links: z.object({ tiles: z.string(), tilejson: z.string(), items: z.string() }),
});
export type Layer = z.infer<typeof LayerSchema>;

export const LayerListSchema = z.object({ layers: z.array(LayerSchema) });

/** An asset as GeoJSON: its properties are the layer's attributes the caller may see, plus layer, external_id, name, condition, criticality, install_date. */
export const AssetFeatureSchema = FeatureSchema;

export const AssetsQuerySchema = z.object({
  bbox: z.string().optional().meta({ description: 'minLon,minLat,maxLon,maxLat (EPSG:4326); 400 invalid_bbox otherwise' }),
  limit: z.string().optional().meta({ description: 'a positive integer, default 1000, clamped to MAX_PAGE_SIZE; 400 invalid_limit otherwise' }),
  after: z.string().optional().meta({ description: 'cursor: the `next` of the previous page, a non-negative integer; 400 invalid_cursor otherwise' }),
});

export const AssetPageSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(AssetFeatureSchema),
  numberReturned: z.number(),
  truncated: z.boolean(),
  limit: z.number(),
  next: z.number().nullable().meta({ description: 'the `after` of the next page, null on the last' }),
  links: z.array(z.object({ rel: z.string(), href: z.string() })),
});
export type AssetPage = z.infer<typeof AssetPageSchema>;

export const PublicationSchema = z.strictObject({
  public: z.boolean().optional(),
  publicAttributes: z.array(z.string().min(1).max(64).regex(/^[^\u0000-\u001f]+$/)).max(200).optional(),
});

export const PublicationResponseSchema = z.object({
  public: z.boolean(),
  publicAttributes: z.array(z.string()).meta({ description: 'the attribute keys the public sees' }),
  candidates: z.array(z.string()).meta({ description: 'the keys the data has, minus personal-looking ones' }),
});
