/**
 * The contract of GET /api/config and GET /api/boundary: the server documents its answers with
 * these schemas and the web app's start-up is typed by them.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

export const BBoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]).meta({ description: '[minLon, minLat, maxLon, maxLat]' });

export const SiteConfigSchema = z.object({
  municipality: z.object({
    code: z.string().nullable(),
    name: NamesSchema,
    center: z.tuple([z.number(), z.number()]).meta({ description: '[lon, lat], a point inside the boundary' }),
    bbox: BBoxSchema,
  }),
  basemapStyleUrl: z.string().nullable().meta({ description: 'online basemap style URL, or null for the offline style built from our own layers' }),
  attributions: z.array(z.object({ text: z.string(), layers: z.array(z.string()) })).meta({ description: 'distinct attributions of the public layers, each with the layers that need it' }),
  links: z.object({ layers: z.string(), ogc: z.string(), boundary: z.string() }),
});
export type SiteConfig = z.infer<typeof SiteConfigSchema>;

/** A GeoJSON feature as the API sends it: the geometry is PostGIS's, kept opaque here. */
export const FeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number(),
  geometry: z.unknown().meta({ description: 'GeoJSON geometry' }),
  properties: z.record(z.string(), z.unknown()),
});

export const BoundarySchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(FeatureSchema).meta({ description: 'the municipality first, then its districts; properties code, level, name_el, name_en, population, synthetic' }),
});
