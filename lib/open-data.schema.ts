/**
 * The contract of /ogc (OGC API - Features Parts 1-3): parameters, and the JSON answers of the
 * landing page, conformance, collections, queryables and items.
 */
import { z } from 'zod';
import { GeometrySchema } from './geojson.schema.ts';

export const LinkSchema = z.object({ href: z.string(), rel: z.string(), type: z.string(), title: z.string().optional() });
export type Link = z.infer<typeof LinkSchema>;
const links = z.array(LinkSchema);

/** A collection in the path: a public layer id; anything else is a 404. */
export const CollectionParamsSchema = z.object({ id: z.string().meta({ description: 'a public layer id, ^[a-z][a-z0-9_]{1,62}$' }) });
export const FeatureParamsSchema = CollectionParamsSchema.extend({ featureId: z.string().meta({ description: 'the feature (asset) id; not a number is a 404' }) });
export const DownloadParamsSchema = CollectionParamsSchema.extend({ format: z.enum(['fgb', 'geojson', 'csv']) });

/** `f` of the JSON resources: json or html, anything else 400 `invalid_format`; otherwise from Accept. */
export const PageQuerySchema = z.object({ f: z.string().optional().meta({ description: 'json | html; otherwise from Accept (400 invalid_format)' }) });

const itemFormat = z.string().optional().meta({ description: 'json | fgb | csv | html; otherwise from Accept, default GeoJSON (400 invalid_format)' });
const crs = (name: string) => z.string().optional().meta({ description: `${name} URI (Part 2): CRS84, EPSG:4326, EPSG:3857, EPSG:2100, … as listed by the collection (400 invalid_crs)` });

export const FeatureQuerySchema = z.object({ f: itemFormat, crs: crs('output CRS') });

export const ItemsQuerySchema = FeatureQuerySchema.extend({
  bbox: z.string().optional().meta({ description: 'minLon,minLat,maxLon,maxLat (in bbox-crs, CRS84 unless given; 400 invalid_bbox)' }),
  'bbox-crs': crs('bbox CRS'),
  limit: z.string().optional().meta({ description: 'page size, default 100, clamped to the server maximum; `unlimited` streams the whole (bbox-filtered) layer (400 invalid_limit)' }),
  after: z.string().optional().meta({ description: 'cursor: features with a larger id (400 invalid_cursor)' }),
  before: z.string().optional().meta({ description: 'cursor: features with a smaller id (previous page)' }),
  filter: z.string().optional().meta({ description: 'CQL2 text over the queryables (Part 3; 400 invalid_filter)' }),
  'filter-lang': z.string().optional().meta({ description: 'cql2-text (400 invalid_filter_lang)' }),
});
export const DownloadQuerySchema = z.object({ bbox: z.string().optional().meta({ description: 'minLon,minLat,maxLon,maxLat (CRS84)' }) });

export const LandingSchema = z.object({ title: z.string(), description: z.string(), links });
export const ConformanceSchema = z.object({ conformsTo: z.array(z.string()) });

export const CollectionSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  keywords: z.array(z.string()),
  attribution: z.string(),
  license: z.string(),
  itemType: z.literal('feature'),
  crs: z.array(z.string()),
  storageCrs: z.string(),
  extent: z.object({ spatial: z.object({ bbox: z.array(z.array(z.number())), crs: z.string() }) }),
  links,
});
export type Collection = z.infer<typeof CollectionSchema>;
export const CollectionsSchema = z.object({ links, collections: z.array(CollectionSchema) });

/** Part 3: what `filter` may name, as JSON Schema. */
export const QueryablesSchema = z.looseObject({ $id: z.string(), type: z.literal('object'), title: z.string(), properties: z.record(z.string(), z.unknown()) });

export const FeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number(),
  geometry: GeometrySchema.nullable(),
  properties: z.record(z.string(), z.unknown()).meta({ description: 'id, name, condition, criticality and the layer attributes' }),
  links: links.optional(),
});
export const ItemsSchema = z.object({
  type: z.literal('FeatureCollection'),
  timeStamp: z.string(),
  numberMatched: z.number().optional().meta({ description: 'omitted with a filter, a projected bbox or above 100,000 in a bbox' }),
  numberReturned: z.number(),
  links,
  features: z.array(FeatureSchema),
});
