/**
 * The layer catalogue and its assets as JSON / GeoJSON. Signed-in staff see every layer and every
 * attribute; for anyone else a non-public layer does not exist (404, not 403) and attributes that
 * look personal are left out, as in tiles and open data.
 */
import { z } from 'zod';
import { parseBbox } from '../../../../lib/geo.ts';
import { AssetFeatureSchema, AssetPageSchema, AssetsQuerySchema, type LayerGroup, LayerIdParamsSchema, LayerListSchema, LayerSchema } from '../../../../lib/layers.schema.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse } from '../../http/router.ts';
import { badRequest, notFound } from '../../errors.ts';
import { optionalStaff } from '../../middleware/auth.ts';
import type { AppDeps } from '../../deps.ts';
import { assetsInBbox, getAsset, getLayer, listLayers, type LayerRow } from './layers.sql.ts';

export function layerJson(l: LayerRow, baseUrl: string) {
  return {
    id: l.id,
    name: { el: l.name_el, en: l.name_en },
    // The table's check constraint holds it to the groups (migrations/0002).
    group: l.layer_group as LayerGroup,
    geometryType: l.geometry_type,
    style: l.style,
    public: l.is_public,
    synthetic: l.synthetic,
    source: l.source,
    licence: l.licence,
    attribution: l.attribution,
    attributeSchema: l.attribute_schema,
    attributeLabels: l.attribute_labels,
    featureCount: l.feature_count,
    version: l.version,
    extent: l.extent,
    updatedAt: l.updated_at,
    links: {
      tiles: `${baseUrl}/tiles/${l.id}/{z}/{x}/{y}.mvt`,
      tilejson: `${baseUrl}/tiles/${l.id}.json`,
      items: `${baseUrl}/ogc/collections/${l.id}/items`,
    },
  };
}

const ID_PATTERN = /^[a-z][a-z0-9_]{1,62}$/;

const list = defineRoute({
  method: 'get',
  path: '/layers',
  summary: 'The layer catalogue of the multilayer model: the public layers, every layer for signed-in staff',
  tags: ['layers'],
  responses: { 200: jsonResponse(LayerListSchema, 'the layers in their sort order') },
});

const one = defineRoute({
  method: 'get',
  path: '/layers/{id}',
  summary: 'One layer',
  tags: ['layers'],
  request: { params: LayerIdParamsSchema },
  responses: { 200: jsonResponse(LayerSchema, 'the layer'), ...errorResponses(404) },
});

const assets = defineRoute({
  method: 'get',
  path: '/layers/{id}/assets',
  summary: 'Assets of a layer in a bbox as GeoJSON, keyset-paged',
  tags: ['layers'],
  request: { params: LayerIdParamsSchema, query: AssetsQuerySchema },
  responses: { 200: jsonResponse(AssetPageSchema, 'GeoJSON FeatureCollection with numberReturned, truncated, next'), ...errorResponses(400, 404) },
});

const asset = defineRoute({
  method: 'get',
  path: '/assets/{id}',
  summary: 'One asset as a GeoJSON Feature',
  tags: ['layers'],
  request: { params: z.object({ id: z.string().regex(/^\d{1,15}$/).meta({ description: 'asset id, a positive integer' }) }) },
  responses: { 200: jsonResponse(AssetFeatureSchema, 'the asset'), ...errorResponses(400, 404) },
});

export function layersRoutes({ sql, config }: AppDeps) {
  const app = createRouter();

  app.openapi(list, async (c) => {
    const staff = await optionalStaff(c);
    if (staff) c.header('Cache-Control', 'private, no-store');
    const rows = await listLayers(sql, { publicOnly: !staff });
    return c.json({ layers: rows.map((l) => layerJson(l, config.publicUrl)) }, 200);
  });

  app.openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const staff = await optionalStaff(c);
    const layer = ID_PATTERN.test(id) ? await getLayer(sql, id) : undefined;
    if (!layer || (!layer.is_public && !staff)) throw notFound(`no layer ${id}`);
    return c.json(layerJson(layer, config.publicUrl), 200);
  });

  app.openapi(assets, async (c) => {
    const { id } = c.req.valid('param');
    const staff = await optionalStaff(c);
    const layer = ID_PATTERN.test(id) ? await getLayer(sql, id) : undefined;
    if (!layer || (!layer.is_public && !staff)) throw notFound(`no layer ${id}`);
    if (staff) c.header('Cache-Control', 'private, no-store');
    const query = c.req.valid('query');
    const parsed = parseBbox(query.bbox ?? '-180,-90,180,90');
    if ('error' in parsed) throw badRequest('invalid_bbox', parsed.error);
    const limitText = query.limit ?? '1000';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw badRequest('invalid_limit', 'limit must be a positive integer');
    const pageSize = Math.min(limit, config.maxPageSize);
    const afterText = query.after ?? '0';
    const after = Number(afterText);
    if (!Number.isSafeInteger(after) || after < 0) throw badRequest('invalid_cursor', 'after must be a non-negative integer');
    const rows = await assetsInBbox(sql, id, parsed.bbox, pageSize, after, { staff: Boolean(staff) });
    const more = rows.length > pageSize;
    const features = more ? rows.slice(0, pageSize) : rows;
    const next = more ? features[features.length - 1]!.id : null;
    return c.json(
      {
      type: 'FeatureCollection' as const,
      features,
      numberReturned: features.length,
      truncated: more,
      limit: pageSize,
      next,
      links: next
        ? [{ rel: 'next', href: `${config.publicUrl}/api/layers/${id}/assets?bbox=${parsed.bbox.join(',')}&limit=${pageSize}&after=${next}` }]
        : [],
      },
      200,
    );
  });

  app.openapi(asset, async (c) => {
    const idText = c.req.valid('param').id;
    const id = Number(idText);
    const staff = await optionalStaff(c);
    const asset = await getAsset(sql, id, { staff: Boolean(staff) });
    if (!asset || (!asset.layer_public && !staff)) throw notFound(`no asset ${idText}`);
    if (staff) c.header('Cache-Control', 'private, no-store');
    const { layer_public: _, ...feature } = asset;
    return c.json(feature, 200);
  });

  return app;
}
