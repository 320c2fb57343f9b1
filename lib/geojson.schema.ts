/**
 * GeoJSON (RFC 7946) geometries and features as the API sends them, so a response schema can say
 * "a FeatureCollection of these properties" and the web gets types assignable to GeoJSON's own.
 */
import { z } from 'zod';

const position = z.array(z.number()).min(2).meta({ description: '[lon, lat] in WGS84' });

export const PointSchema = z.object({ type: z.literal('Point'), coordinates: position });
export const GeometrySchema = z.discriminatedUnion('type', [
  PointSchema,
  z.object({ type: z.literal('MultiPoint'), coordinates: z.array(position) }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(position) }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(position)) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) }),
]).meta({ id: 'Geometry' });
export type Geometry = z.infer<typeof GeometrySchema>;

/** A FeatureCollection whose features have `geometry` and `properties` of these schemas. */
export function featureCollection<G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ type: z.literal('Feature'), geometry, properties })),
  });
}
