/**
 * Vector tiles and TileJSON for public layers.
 *   GET /tiles/{layer}/{z}/{x}/{y}.mvt   one MVT layer named after the layer id (mvt_tile() in SQL)
 *   GET /tiles/{layer}.json              TileJSON 3.0.0
 * A non-public or unknown layer does not exist here (404); a bad z/x/y is a 400.
 *
 * Caching: the ETag names layer id + layer version + z/x/y, and the version is bumped by a trigger
 * whenever the layer's assets change, so a changed layer gets new ETags. A revalidation is
 * answered from the in-process version cache without any tile SQL (docs/benchmarks.md T4).
 */
import type { Context } from 'hono';
import { isValidTile } from '../../../../lib/geo.ts';
import { TileJsonSchema, TileLayerParamsSchema, TileParamsSchema, type TileJson } from '../../../../lib/tiles.schema.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { AppDeps } from '../../deps.ts';
import { binary, bufferBody, mediaResponse } from '../../http/media.ts';
import { createRouter, errorResponses, jsonResponse } from '../../http/router.ts';
import { LayerVersions, TileCache, etagMatches } from './tiles.cache.ts';

import { getTileLayer, layerTileKeys, renderTile } from './tiles.sql.ts';

export const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';
export const MAX_ZOOM = 22;
/**
 * Short freshness, then revalidate: an HTTP cache serves a tile for a minute and may serve it stale
 * for five more while it revalidates (a cheap 304 when the layer did not change).
 */
export const TILE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';
/** Bumped when the tile function's output changes for the same data, so old ETags stop matching. */
const TILE_REVISION = 't1';
/** Tiles that took at least this long (or are at low zoom) are kept in the in-process tile cache. */
const CACHE_RENDER_MS = 25;
const CACHE_MAX_ZOOM = 12;

const LAYER_ID = /^[a-z][a-z0-9_]{1,62}$/;
const INT = /^\d{1,8}$/;

export function tileEtag(layerId: string, version: number, z: number, x: number, y: number): string {
  return `"${TILE_REVISION}-${layerId}-${version}-${z}-${x}-${y}"`;
}

/** Parses z, x and `y.mvt`; throws a 400 for anything that is not a tile of zoom 0-22. */
export function parseTileAddress(zText: string, xText: string, yText: string): { z: number; x: number; y: number } {
  const bad = () => badRequest('invalid_tile', `z/x/y must be integers with 0 <= z <= ${MAX_ZOOM} and 0 <= x, y < 2^z`);
  if (!INT.test(zText) || !INT.test(xText) || !INT.test(yText)) throw bad();
  const z = Number(zText);
  const x = Number(xText);
  const y = Number(yText);
  if (!isValidTile(z, x, y, MAX_ZOOM)) throw bad();
  return { z, x, y };
}

export function tilesRoutes({ sql, readSql, config, logger }: AppDeps) {
  const app = createRouter();
  // Versions come from the primary (it notifies changes; a standby cannot LISTEN); tiles are built
  // on the replica when there is one. A tile carries the version it was built from, so a lagging
  // replica yields an older tile under its older ETag, never new ETag with old bytes.
  const read = readSql ?? sql;
  const cache = new TileCache();
  const versions = new LayerVersions(sql, logger, { onChange: (id) => cache.dropLayer(id) });

  // Attribute keys per layer version: sampling them costs a query, and they only change with the data.
  const keysByLayer = new Map<string, { version: number; keys: string[] }>();
  const keysFor = async (layer: string, version: number): Promise<string[] | null> => {
    const hit = keysByLayer.get(layer);
    if (hit && hit.version === version) return hit.keys;
    const row = await layerTileKeys(read, layer);
    if (!row) return null;
    if (keysByLayer.size > 2000) keysByLayer.clear();
    keysByLayer.set(layer, row);
    return row.version === version ? row.keys : null;
  };

  const tileHeaders = (etag: string) => ({ ETag: etag, 'Cache-Control': TILE_CACHE_CONTROL });

  const sendTile = (c: Context, tile: Buffer, etag: string) => {
    // An empty tile is a 204: MapLibre and GDAL both treat it as "no features here".
    if (tile.length === 0) return c.body(null, 204, tileHeaders(etag));
    return c.body(bufferBody(tile), 200, {
      ...tileHeaders(etag),
      'Content-Type': MVT_CONTENT_TYPE,
    });
  };

  // File-name routes (`{y}.mvt`, `{layer}.json`): plain handlers that split the name themselves,
  // their contracts registered beside them.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{layer}/{z}/{x}/{y}.mvt',
    summary: 'A Mapbox Vector Tile of a public layer',
    description:
      'One MVT layer named after the layer id. Sparse tiles carry every feature (feature id = asset id; id, name, condition, ' +
      'criticality and up to 8 small scalar attributes); dense tiles carry points aggregated into a grid with a `count` ' +
      '(lines and polygons: the largest features, simplified, plus counts). No tile exceeds 500 KB or 50,000 features. ' +
      'ETag names the layer version: revalidate with If-None-Match.',
    tags: ['tiles'],
    request: { params: TileParamsSchema },
    responses: {
      200: mediaResponse('the tile', MVT_CONTENT_TYPE, binary),
      204: { description: 'no feature in this tile' },
      304: { description: 'not modified (ETag matches)' },
      ...errorResponses(400, 404),
    },
  });
  app.get('/:layer/:z/:x/:file', async (c) => {
    const { layer, z: zText, x: xText, file } = c.req.param();
    if (!file.endsWith('.mvt')) throw notFound();
    const { z, x, y } = parseTileAddress(zText, xText, file.slice(0, -'.mvt'.length));
    if (!LAYER_ID.test(layer)) throw notFound(`no layer ${layer}`);

    const meta = await versions.get(layer);
    if (!meta || !meta.is_public) throw notFound(`no layer ${layer}`);
    const cachedEtag = tileEtag(layer, meta.version, z, x, y);
    if (etagMatches(c.req.header('If-None-Match'), cachedEtag)) return c.body(null, 304, tileHeaders(cachedEtag));

    const key = TileCache.key(layer, meta.version, z, x, y);
    const hit = cache.get(key);
    if (hit) return sendTile(c, hit, cachedEtag);

    const started = performance.now();
    const row = await renderTile(read, layer, z, x, y, await keysFor(layer, meta.version));
    if (!row) {
      versions.drop(layer);
      throw notFound(`no layer ${layer}`);
    }
    versions.observe(layer, row.version, true);
    const ms = performance.now() - started;
    if (z <= CACHE_MAX_ZOOM || ms >= CACHE_RENDER_MS) cache.set(TileCache.key(layer, row.version, z, x, y), row.tile);
    return sendTile(c, row.tile, tileEtag(layer, row.version, z, x, y));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{layer}.json',
    summary: 'TileJSON 3.0.0 of a public layer',
    tags: ['tiles'],
    request: { params: TileLayerParamsSchema },
    responses: { 200: jsonResponse(TileJsonSchema, 'TileJSON: tiles, bounds, minzoom 0, maxzoom 22, vector_layers, attribution'), ...errorResponses(404) },
  });
  app.get('/:file', async (c) => {
    const file = c.req.param('file');
    if (!file.endsWith('.json')) throw notFound();
    const id = file.slice(0, -'.json'.length);
    const layer = LAYER_ID.test(id) ? await getTileLayer(read, id) : undefined;
    if (!layer) throw notFound(`no layer ${id}`);
    // The asset id is the MVT feature id (MapLibre feature.id), not an attribute.
    const fields: Record<string, string> = {
      name: 'String',
      condition: 'String: good | fair | poor | critical | unknown',
      criticality: 'Number: 1-5',
      count: 'Number: features aggregated into this point (dense tiles only)',
    };
    for (const k of layer.keys) fields[k] = 'attribute';
    const bounds: TileJson['bounds'] = layer.bounds ?? [-180, -85.0511, 180, 85.0511];
    c.header('Cache-Control', 'public, max-age=60');
    const tileJson: TileJson = {
      tilejson: '3.0.0',
      name: layer.name_en,
      description: `${layer.name_en} / ${layer.name_el}`,
      version: '1.0.0',
      attribution: layer.attribution,
      scheme: 'xyz',
      tiles: [`${config.publicUrl}/tiles/${layer.id}/{z}/{x}/{y}.mvt`],
      minzoom: 0,
      maxzoom: MAX_ZOOM,
      bounds,
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, layer.bounds ? 12 : 0],
      vector_layers: [
        {
          id: layer.id,
          description: `${layer.name_en} (${layer.geometry_type}s); dense tiles carry aggregated points with a count`,
          minzoom: 0,
          maxzoom: MAX_ZOOM,
          fields,
        },
      ],
    };
    return c.json(tileJson);
  });

  return app;
}
