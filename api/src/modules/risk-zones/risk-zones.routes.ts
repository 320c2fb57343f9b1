/**
 * Civil protection's risk zones and what they expose (staff only). Exposure answers with names
 * of public facilities, network lengths and counts; subscribers appear only as a count computed
 * inside the database, so no identity or location of a subscriber ever reaches this path.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { checkArea, type AreaGeometry } from '../../../../lib/area.ts';
import {
  ExposureRequestSchema,
  ExposureSchema,
  FromLayerParamsSchema,
  FromLayerQuerySchema,
  FromLayerResponseSchema,
  HazardsResponseSchema,
  IdParamsSchema,
  ZoneCollectionSchema,
  ZonesQuerySchema,
  type ExposureRequest,
} from '../../../../lib/risk-zones.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { notFound, unprocessable } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { readJson, requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { toCsv } from '../registries/registries.csv.ts';
import {
  exposedCounts,
  exposedFacilities,
  exposedNetworks,
  importZonesFromLayer,
  invalidAreaReason,
  listHazards,
  listRiskZones,
  riskZoneExists,
  type ExposureTarget,
} from './risk-zones.sql.ts';

/** Who works with zones: civil protection and those who approve its alerts; admins always. */
const READERS = ['civil_protection', 'approver', 'dispatcher', 'viewer'] as const;
const read = { tags: ['risk-zones'], security: staffSession, middleware: [requireStaff(READERS)] };
const csvAnswer = {
  description: 'kind, layer, asset_id, name, length_km, count, open_work_orders',
  content: { 'text/csv': { schema: z.string() } },
};

/** A drawn area checked by structure (G4, G6) and then by PostGIS (G5): 422 with a reason code. */
export async function checkedArea(deps: Pick<AppDeps, 'sql'>, g: unknown, maxVertices?: number): Promise<AreaGeometry> {
  const check = checkArea(g, maxVertices);
  if (!check.ok) throw unprocessable(check.code, check.message);
  const reason = await invalidAreaReason(deps.sql, check.geometry);
  if (reason) throw unprocessable('invalid_geometry', `the area is not a valid polygon: ${reason.slice(0, 200)}`);
  return check.geometry;
}

async function target(deps: AppDeps, b: ExposureRequest): Promise<ExposureTarget> {
  if (b.zoneId !== undefined) {
    if (!(await riskZoneExists(deps.sql, b.zoneId))) throw notFound('no such risk zone');
    return { zoneId: b.zoneId };
  }
  if (b.circle) return { circle: { lon: b.circle.center[0], lat: b.circle.center[1], radiusM: b.circle.radiusM } };
  return { area: await checkedArea(deps, b.area) };
}

export async function exposureOf(deps: AppDeps, t: ExposureTarget) {
  const [facilities, networks, counts] = await Promise.all([exposedFacilities(deps.sql, t), exposedNetworks(deps.sql, t), exposedCounts(deps.sql, t)]);
  const byLayer: Record<string, number> = {};
  for (const f of facilities) byLayer[f.layer_id] = (byLayer[f.layer_id] ?? 0) + 1;
  return {
    facilities: facilities.map((f) => ({ layerId: f.layer_id, assetId: f.asset_id, name: f.name, openWorkOrders: f.open_work_orders, openWorkOrderTitles: f.open_work_order_titles })),
    facilityCounts: byLayer,
    // Facilities that also have open repairs first: "school X lies in zone Y and has an open roof repair".
    facilitiesWithOpenRepairs: facilities
      .filter((f) => f.open_work_orders > 0)
      .sort((a, b) => b.open_work_orders - a.open_work_orders)
      .map((f) => ({ layerId: f.layer_id, assetId: f.asset_id, name: f.name, openWorkOrders: f.open_work_orders, openWorkOrderTitles: f.open_work_order_titles })),
    networks: networks.map((n) => ({ layerId: n.layer_id, lengthKm: n.length_km })),
    openIncidents: counts.open_incidents,
    openWorkOrders: counts.open_work_orders,
    subscribers: counts.subscribers,
  };
}

function exposureCsv(e: Awaited<ReturnType<typeof exposureOf>>): string {
  const rows: (string | number | null)[][] = [];
  for (const f of e.facilities) rows.push(['facility', f.layerId, f.assetId, f.name, null, f.openWorkOrders, f.openWorkOrderTitles.join('; ')]);
  for (const n of e.networks) rows.push(['network', n.layerId, null, null, n.lengthKm, null, null]);
  rows.push(['open_incidents', null, null, null, null, e.openIncidents, null]);
  rows.push(['open_work_orders', null, null, null, null, e.openWorkOrders, null]);
  rows.push(['subscribers', null, null, null, null, e.subscribers, null]);
  return toCsv(['kind', 'layer', 'asset_id', 'name', 'length_km', 'count', 'open_work_orders'], rows);
}

function sendCsv(c: Context, body: string, name: string) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return c.body(body);
}

const hazards = defineRoute({ method: 'get', path: '/risk-zones/hazards', summary: 'Hazard types with their CAP category', ...read, responses: { 200: jsonResponse(HazardsResponseSchema, '{ hazards }'), ...errorResponses(401, 403) } });

const zones = defineRoute({
  method: 'get',
  path: '/risk-zones',
  summary: 'Risk zones as GeoJSON, optionally of one hazard',
  ...read,
  request: { query: ZonesQuerySchema },
  responses: { 200: jsonResponse(ZoneCollectionSchema, 'FeatureCollection of zones'), ...errorResponses(401, 403) },
});

const zoneExposure = defineRoute({
  method: 'get',
  path: '/risk-zones/{id}/exposure',
  summary: 'What a zone exposes: facilities (with open repairs first), network lengths, open reports and work orders, alert subscribers',
  ...read,
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(ExposureSchema, 'the exposure of the zone'), ...errorResponses(400, 401, 403, 404) },
});

const areaExposure = defineRoute({
  method: 'post',
  path: '/risk-zones/exposure',
  summary: 'Exposure of a stored zone, a drawn polygon (GeoJSON, checked for validity) or a circle',
  ...read,
  request: { body: jsonRequest(ExposureRequestSchema) },
  responses: { 200: jsonResponse(ExposureSchema, 'the exposure of the zone, area or circle'), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
});

const fromLayer = defineRoute({
  method: 'post',
  path: '/risk-zones/from-layer/{layerId}',
  summary: 'Turn the features of an imported `risk` layer into risk zones (civil protection, admin; audited)',
  tags: ['risk-zones'],
  security: staffSession,
  middleware: [requireStaff(['civil_protection'])],
  request: { params: FromLayerParamsSchema, query: FromLayerQuerySchema },
  responses: { 200: jsonResponse(FromLayerResponseSchema, '{ layerId, zones }'), ...errorResponses(401, 403, 404, 422) },
});

export function riskZonesRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(hazards, async (c) => {
    const rows = await listHazards(deps.sql);
    return c.json({ hazards: rows.map((h) => ({ id: h.id, name: { el: h.name_el, en: h.name_en }, capCategory: h.cap_category })) }, 200);
  });

  app.openapi(zones, async (c) => {
    const { hazard } = c.req.valid('query');
    const rows = await listRiskZones(deps.sql, { hazard: hazard || undefined });
    return c.json(
      {
        type: 'FeatureCollection' as const,
        features: rows.map((z) => ({
          type: 'Feature' as const,
          id: z.id,
          geometry: z.geometry,
          properties: { id: z.id, hazard: z.hazard, level: z.level, nameEl: z.name_el, nameEn: z.name_en, source: z.source, synthetic: z.synthetic, validFrom: z.valid_from, validTo: z.valid_to },
        })),
      },
      200,
    );
  });

  app.openapi(zoneExposure, async (c) => {
    const t = await target(deps, { zoneId: c.req.valid('param').id });
    return c.json(await exposureOf(deps, t), 200);
  });

  app.get('/risk-zones/:id{[0-9]{1,15}}/exposure.csv', requireStaff(READERS), async (c) => {
    const id = Number(c.req.param('id'));
    const t = await target(deps, { zoneId: id });
    return sendCsv(c, exposureCsv(await exposureOf(deps, t)), `exposure-zone-${id}`);
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/risk-zones/{id}/exposure.csv',
    summary: "A zone's exposure as a CSV download",
    tags: read.tags,
    security: read.security,
    request: { params: IdParamsSchema },
    responses: { 200: csvAnswer, ...errorResponses(401, 403, 404) },
  });

  app.openapi(areaExposure, async (c) => {
    const t = await target(deps, c.req.valid('json'));
    return c.json(await exposureOf(deps, t), 200);
  });

  app.post('/risk-zones/exposure.csv', requireStaff(READERS), async (c) => {
    const t = await target(deps, await readJson(c, ExposureRequestSchema));
    return sendCsv(c, exposureCsv(await exposureOf(deps, t)), 'exposure-area');
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/risk-zones/exposure.csv',
    summary: 'Exposure of a zone, drawn area or circle as a CSV download',
    tags: read.tags,
    security: read.security,
    request: { body: jsonRequest(ExposureRequestSchema) },
    responses: { 200: csvAnswer, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  });

  // Zones imported through the ordinary importer into a `risk` layer become risk zones here. A
  // malformed layer id names no layer: 404, as when no route matched it.
  app.openapi(
    fromLayer,
    async (c) => {
      const { layerId } = c.req.valid('param');
      const synthetic = c.req.valid('query').synthetic === 'true';
      const n = await deps.sql.begin(async (t) => {
        const tx = t as unknown as AppDeps['sql'];
        const count = await importZonesFromLayer(tx, layerId, synthetic);
        await recordAudit(tx, c, { action: 'risk_zones.import', objectType: 'layer', objectId: layerId, after: { zones: count, synthetic } });
        return count;
      });
      return c.json({ layerId, zones: n }, 200);
    },
    (r) => {
      if (!r.success) throw notFound('no such layer');
    },
  );

  return app;
}
