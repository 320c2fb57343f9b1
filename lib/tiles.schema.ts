/** The contract of /tiles: tile addresses and the TileJSON of a public layer. */
import { z } from 'zod';

const layer = z.string().meta({ description: 'a public layer id, ^[a-z][a-z0-9_]{1,62}$ (404 otherwise)' });

/** Path of GET /tiles/{layer}/{z}/{x}/{y}.mvt; a bad address is 400 `invalid_tile` (checked by the handler). */
export const TileParamsSchema = z.object({
  layer,
  z: z.string().meta({ description: 'zoom 0-22' }),
  x: z.string().meta({ description: '0 <= x < 2^z' }),
  y: z.string().meta({ description: '0 <= y < 2^z (XYZ scheme)' }),
});
export const TileLayerParamsSchema = z.object({ layer });

const lngLatBounds = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/** TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec), as GET /tiles/{layer}.json sends it. */
export const TileJsonSchema = z.object({
  tilejson: z.literal('3.0.0'),
  name: z.string(),
  description: z.string(),
  version: z.string(),
  attribution: z.string(),
  scheme: z.literal('xyz'),
  tiles: z.array(z.string()),
  minzoom: z.number(),
  maxzoom: z.number(),
  bounds: lngLatBounds,
  center: z.tuple([z.number(), z.number(), z.number()]),
  vector_layers: z.array(
    z.object({
      id: z.string(),
      description: z.string(),
      minzoom: z.number(),
      maxzoom: z.number(),
      fields: z.record(z.string(), z.string()).meta({ description: 'attribute name to its type and meaning' }),
    }),
  ),
});
export type TileJson = z.infer<typeof TileJsonSchema>;
