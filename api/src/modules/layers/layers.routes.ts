/**
 * The layer catalogue and its assets as JSON / GeoJSON. Signed-in staff see every layer and every
 * attribute; for anyone else a non-public layer does not exist (404, not 403) and attributes that
 * look personal are left out, as in tiles and open data.
 */
import { Hono } from 'hono';
import { parseBbox } from '../../../../lib/geo.ts';
import { badRequest, notFound } from '../../errors.ts';
import { optionalStaff } from '../../middleware/auth.ts';
import type { AppDeps } from '../../deps.ts';
import { assetsInBbox, getAsset, getLayer, listLayers, type LayerRow } from './layers.sql.ts';

export function layerJson(l: LayerRow, baseUrl: string) {
  return {
    id: l.id,
    name: { el: l.name_el, en: l.name_en },
    group: l.layer_group,
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

export function layersRoutes({ sql, config }: AppDeps) {
  const app = new Hono();

  app.get('/layers', async (c) => {
    const staff = await optionalStaff(c);
    if (staff) c.header('Cache-Control', 'private, no-store');
    const rows = await listLayers(sql, { publicOnly: !staff });
    return c.json({ layers: rows.map((l) => layerJson(l, config.publicUrl)) });
  });

  app.get('/layers/:id', async (c) => {
    const id = c.req.param('id');
    const staff = await optionalStaff(c);
    const layer = ID_PATTERN.test(id) ? await getLayer(sql, id) : undefined;
    if (!layer || (!layer.is_public && !staff)) throw notFound(`no layer ${id}`);
    return c.json(layerJson(layer, config.publicUrl));
  });

  app.get('/layers/:id/assets', async (c) => {
    const id = c.req.param('id');
    const staff = await optionalStaff(c);
    const layer = ID_PATTERN.test(id) ? await getLayer(sql, id) : undefined;
    if (!layer || (!layer.is_public && !staff)) throw notFound(`no layer ${id}`);
    if (staff) c.header('Cache-Control', 'private, no-store');
    const parsed = parseBbox(c.req.query('bbox') ?? '-180,-90,180,90');
    if ('error' in parsed) throw badRequest('invalid_bbox', parsed.error);
    const limitText = c.req.query('limit') ?? '1000';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw badRequest('invalid_limit', 'limit must be a positive integer');
    const pageSize = Math.min(limit, config.maxPageSize);
    const afterText = c.req.query('after') ?? '0';
    const after = Number(afterText);
    if (!Number.isSafeInteger(after) || after < 0) throw badRequest('invalid_cursor', 'after must be a non-negative integer');
    const rows = await assetsInBbox(sql, id, parsed.bbox, pageSize, after, { staff: Boolean(staff) });
    const more = rows.length > pageSize;
    const features = more ? rows.slice(0, pageSize) : rows;
    const next = more ? features[features.length - 1]!.id : null;
    return c.json({
      type: 'FeatureCollection',
      features,
      numberReturned: features.length,
      truncated: more,
      limit: pageSize,
      next,
      links: next
        ? [{ rel: 'next', href: `${config.publicUrl}/api/layers/${id}/assets?bbox=${parsed.bbox.join(',')}&limit=${pageSize}&after=${next}` }]
        : [],
    });
  });

  app.get('/assets/:id', async (c) => {
    const idText = c.req.param('id');
    const id = /^\d{1,15}$/.test(idText) ? Number(idText) : NaN;
    if (!Number.isSafeInteger(id)) throw badRequest('invalid_id', 'asset id must be a positive integer');
    const staff = await optionalStaff(c);
    const asset = await getAsset(sql, id, { staff: Boolean(staff) });
    if (!asset || (!asset.layer_public && !staff)) throw notFound(`no asset ${idText}`);
    if (staff) c.header('Cache-Control', 'private, no-store');
    const { layer_public: _, ...feature } = asset;
    return c.json(feature);
  });

  return app;
}
