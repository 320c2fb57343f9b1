/**
 * Civil protection's risk zones and what they expose (staff only). Exposure answers with names
 * of public facilities, network lengths and counts; subscribers appear only as a count computed
 * inside the database, so no identity or location of a subscriber ever reaches this path.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { checkArea, type AreaGeometry } from '../../../../lib/area.ts';
import type { AppDeps } from '../../deps.ts';
import { notFound, unprocessable } from '../../errors.ts';
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

export const ExposureBody = z
  .object({
    zoneId: z.number().int().positive().optional(),
    area: z.unknown().optional(),
    circle: z.object({ center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]), radiusM: z.number().positive().max(50_000) }).strict().optional(),
  })
  .strict()
  .refine((b) => [b.zoneId, b.area, b.circle].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of zoneId, area, circle' });

/** A drawn area checked by structure (G4, G6) and then by PostGIS (G5): 422 with a reason code. */
export async function checkedArea(deps: Pick<AppDeps, 'sql'>, g: unknown, maxVertices?: number): Promise<AreaGeometry> {
  const check = checkArea(g, maxVertices);
  if (!check.ok) throw unprocessable(check.code, check.message);
  const reason = await invalidAreaReason(deps.sql, check.geometry);
  if (reason) throw unprocessable('invalid_geometry', `the area is not a valid polygon: ${reason.slice(0, 200)}`);
  return check.geometry;
}

async function target(deps: AppDeps, b: z.infer<typeof ExposureBody>): Promise<ExposureTarget> {
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

export function riskZonesRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/risk-zones/hazards', requireStaff(READERS), async (c) => {
    const rows = await listHazards(deps.sql);
    return c.json({ hazards: rows.map((h) => ({ id: h.id, name: { el: h.name_el, en: h.name_en }, capCategory: h.cap_category })) });
  });

  app.get('/risk-zones', requireStaff(READERS), async (c) => {
    const hazard = c.req.query('hazard');
    const rows = await listRiskZones(deps.sql, { hazard: hazard || undefined });
    return c.json({
      type: 'FeatureCollection',
      features: rows.map((z) => ({
        type: 'Feature',
        id: z.id,
        geometry: z.geometry,
        properties: { id: z.id, hazard: z.hazard, level: z.level, nameEl: z.name_el, nameEn: z.name_en, source: z.source, synthetic: z.synthetic, validFrom: z.valid_from, validTo: z.valid_to },
      })),
    });
  });

  app.get('/risk-zones/:id{[0-9]{1,15}}/exposure', requireStaff(READERS), async (c) => {
    const t = await target(deps, { zoneId: Number(c.req.param('id')) });
    return c.json(await exposureOf(deps, t));
  });

  app.get('/risk-zones/:id{[0-9]{1,15}}/exposure.csv', requireStaff(READERS), async (c) => {
    const id = Number(c.req.param('id'));
    const t = await target(deps, { zoneId: id });
    return sendCsv(c, exposureCsv(await exposureOf(deps, t)), `exposure-zone-${id}`);
  });

  app.post('/risk-zones/exposure', requireStaff(READERS), async (c) => {
    const t = await target(deps, await readJson(c, ExposureBody));
    return c.json(await exposureOf(deps, t));
  });

  app.post('/risk-zones/exposure.csv', requireStaff(READERS), async (c) => {
    const t = await target(deps, await readJson(c, ExposureBody));
    return sendCsv(c, exposureCsv(await exposureOf(deps, t)), 'exposure-area');
  });

  // Zones imported through the ordinary importer into a `risk` layer become risk zones here.
  app.post('/risk-zones/from-layer/:layerId{[a-z][a-z0-9_]{1,62}}', requireStaff(['civil_protection']), async (c) => {
    const layerId = c.req.param('layerId');
    const synthetic = c.req.query('synthetic') === 'true';
    const n = await deps.sql.begin(async (t) => {
      const tx = t as unknown as AppDeps['sql'];
      const count = await importZonesFromLayer(tx, layerId, synthetic);
      await recordAudit(tx, c, { action: 'risk_zones.import', objectType: 'layer', objectId: layerId, after: { zones: count, synthetic } });
      return count;
    });
    return c.json({ layerId, zones: n });
  });

  return app;
}
