import type { PathsObject } from '../../openapi.ts';

const layer = { name: 'layer', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' }, description: 'a public layer id' };
const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const int = (name: string, max: number | null, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 0, ...(max === null ? {} : { maximum: max }) },
  description,
});

export const tilesOpenApi: PathsObject = {
  '/tiles/{layer}/{z}/{x}/{y}.mvt': {
    get: {
      summary: 'A Mapbox Vector Tile of a public layer',
      description:
        'One MVT layer named after the layer id. Sparse tiles carry every feature (feature id = asset id; id, name, condition, ' +
        'criticality and up to 8 small scalar attributes); dense tiles carry points aggregated into a grid with a `count` ' +
        '(lines and polygons: the largest features, simplified, plus counts). No tile exceeds 500 KB or 50,000 features. ' +
        'ETag names the layer version: revalidate with If-None-Match.',
      tags: ['tiles'],
      parameters: [
        layer,
        int('z', 22, 'zoom 0-22'),
        int('x', null, '0 <= x < 2^z'),
        { ...int('y', null, '0 <= y < 2^z (XYZ scheme)') },
        { name: 'If-None-Match', in: 'header', schema: { type: 'string' } },
      ],
      responses: {
        200: { description: 'the tile', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } },
        204: { description: 'no feature in this tile' },
        304: { description: 'not modified (ETag matches)' },
        400: error,
        404: error,
      },
    },
  },
  '/tiles/{layer}.json': {
    get: {
      summary: 'TileJSON 3.0.0 of a public layer',
      tags: ['tiles'],
      parameters: [layer],
      responses: { 200: { description: 'TileJSON: tiles, bounds, minzoom 0, maxzoom 22, vector_layers, attribution' }, 404: error },
    },
  },
};
