/**
 * The contract of /api/risk-zones: the server validates and documents with these schemas and the
 * control room's Risk panel is typed by them. Subscribers appear only as a count.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

/** A stored row's id in the path (`/api/risk-zones/{id}/…`, `/api/alerts/{id}/…`). */
export const IdParamsSchema = z.object({ id: z.coerce.number().int().min(1).max(999_999_999_999_999).meta({ description: 'a positive integer id' }) });

const Position = z.array(z.number()).min(2).meta({ description: '[lon, lat]' });
const Rings = z.array(z.array(Position));

/** A zone's or an alert area's GeoJSON geometry, as PostGIS sends it (ST_AsGeoJSON, 6 decimals). */
export const AreaGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: Rings }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(Rings) }),
]);

const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).meta({ description: '[lon, lat] in WGS84' });

export const ExposureRequestSchema = z
  .object({
    zoneId: z.number().int().positive().optional(),
    area: z.unknown().optional().meta({ description: 'a GeoJSON Polygon or MultiPolygon drawn on the map, checked for validity' }),
    circle: z.object({ center: LonLat, radiusM: z.number().positive().max(50_000) }).strict().optional(),
  })
  .strict()
  .refine((b) => [b.zoneId, b.area, b.circle].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of zoneId, area, circle' })
  .meta({ description: 'exactly one of: a stored zone, a drawn area, a circle' });
export type ExposureRequest = z.infer<typeof ExposureRequestSchema>;

export const HazardsResponseSchema = z.object({
  hazards: z.array(z.object({ id: z.string(), name: NamesSchema, capCategory: z.string().meta({ description: 'CAP <category> of its alerts' }) })),
});

export const ZonePropsSchema = z.object({
  id: z.number().int(),
  hazard: z.string().meta({ description: 'risk_hazards id: flood, fire, …' }),
  level: z.string(),
  nameEl: z.string(),
  nameEn: z.string(),
  source: z.string(),
  synthetic: z.boolean().meta({ description: 'demo data, not an official zone' }),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
});
export type ZoneProps = z.infer<typeof ZonePropsSchema>;

export const ZoneCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ type: z.literal('Feature'), id: z.number().int(), geometry: AreaGeometrySchema.meta({ description: 'simplified to about 5 m for display' }), properties: ZonePropsSchema })),
});
export type ZoneCollection = z.infer<typeof ZoneCollectionSchema>;

export const ZonesQuerySchema = z.object({ hazard: z.string().optional().meta({ description: 'only the zones of this hazard' }) });

const ExposedFacility = z.object({
  layerId: z.string(),
  assetId: z.number().int(),
  name: z.string().nullable(),
  openWorkOrders: z.number().int(),
  openWorkOrderTitles: z.array(z.string()),
});

export const ExposureSchema = z.object({
  facilities: z.array(ExposedFacility),
  facilityCounts: z.record(z.string(), z.number().int()).meta({ description: 'exposed facilities per layer' }),
  facilitiesWithOpenRepairs: z.array(ExposedFacility).meta({ description: 'the facilities with open work orders, most first' }),
  networks: z.array(z.object({ layerId: z.string(), lengthKm: z.number() })),
  openIncidents: z.number().int(),
  openWorkOrders: z.number().int(),
  subscribers: z.number().int().meta({ description: 'alert subscribers whose area meets it: a count, never who or where' }),
});
export type Exposure = z.infer<typeof ExposureSchema>;

export const FromLayerParamsSchema = z.object({ layerId: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/).meta({ description: 'an imported layer of the `risk` group' }) });
export const FromLayerQuerySchema = z.object({ synthetic: z.string().optional().meta({ description: "'true' marks the zones as synthetic (demo data); anything else, or nothing, does not" }) });
export const FromLayerResponseSchema = z.object({ layerId: z.string(), zones: z.number().int().meta({ description: 'zones made' }) });
