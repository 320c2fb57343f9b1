/**
 * Networks: topology builds and their validation, traces as GeoJSON (staff only), valves marked
 * inoperable, outages from reports and planned interruptions, and the public outage map.
 *
 * Staff read routes answer any signed-in staff member; changes need a dispatcher or technician
 * (admin always). Every change is one transaction with its audit row. The only public route is
 * /api/public/outages, which reads the public_network_outages view (no report, person or building).
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { badRequest, notFound, unprocessable } from '../../errors.ts';
import { readJson, requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { containsContactDetails } from '../../../../lib/incidents.schema.ts';
import { writableIncident } from '../incidents/incidents.service.ts';
import { PatchOutageSchema, PlannedOutageSchema, TraceIncidentSchema, ValveSchema } from './networks.schema.ts';
import { buildNetwork, findValveNode, getNetwork, listBuildIssues, listNetworks, setValveOperable, traceGeojson, traceSupply } from './networks.sql.ts';
import { findOutageCandidates, getOutage, listOutages, publicOutagesGeojson, updateOutage, type OutageRow } from './outages.sql.ts';
import { planInterruption, resolveEdge, runTrace, traceIncident, traceJson, type TraceKind } from './outages.service.ts';

const WRITERS = ['dispatcher', 'technician'] as const;
const TRACES: readonly TraceKind[] = ['isolation', 'upstream', 'downstream'];

function parseId(text: string | undefined, name = 'id'): number {
  if (text === undefined || !/^\d{1,15}$/.test(text) || Number(text) < 1) throw badRequest('invalid_id', `${name} must be a positive integer`);
  return Number(text);
}
const optionalId = (text: string | undefined, name: string) => (text === undefined || text === '' ? undefined : parseId(text, name));

function networkId(text: string | undefined): string {
  if (!text || !/^[a-z][a-z0-9_]{1,62}$/.test(text)) throw badRequest('invalid_network', 'network must be a network id');
  return text;
}

function checkPublicNote(note: string | null | undefined) {
  // The note is published as written: no phone numbers or e-mail addresses (RELIABILITY T2).
  if (note && containsContactDetails(note)) throw unprocessable('contact_details_in_note', 'the public note must not contain phone numbers or e-mail addresses');
}

/** Staff JSON of an outage: the stored trace, names of the facilities cut off, the report's number. */
function outageJson(o: OutageRow) {
  return {
    id: o.id,
    network: o.network_id,
    kind: o.kind,
    trace: o.trace,
    status: o.status,
    edgeId: o.edge_id,
    assetId: o.asset_id,
    incident: o.incident_id === null ? null : { id: o.incident_id, number: o.incident_number },
    workOrderId: o.work_order_id,
    summary: { valvesToClose: o.valves_to_close, pipes: o.pipes_affected, connections: o.connections_affected, buildings: o.buildings_affected },
    facilities: o.facilities.map((f) => ({ assetId: f.asset_id, layerId: f.layer_id, name: f.name })),
    area: o.area,
    startsAt: o.starts_at,
    restorationEta: o.restoration_eta,
    restoredAt: o.restored_at,
    publicNote: o.public_note,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
  };
}

export function networksRoutes({ sql }: AppDeps) {
  const app = new Hono();

  // ---- topology and validation ----

  app.get('/networks', requireStaff(), async (c) => {
    const rows = await listNetworks(sql);
    return c.json({ networks: rows.map((n) => ({ id: n.id, name: { el: n.name_el, en: n.name_en }, flow: n.flow, builtAt: n.built_at, stale: n.stale, report: n.report })) });
  });

  app.post('/networks/:id/build', requireStaff(WRITERS), async (c) => {
    const id = networkId(c.req.param('id'));
    if (!(await getNetwork(sql, id))) throw notFound(`no network ${id}`);
    const report = await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      const r = await buildNetwork(tx, id);
      await recordAudit(tx, c, { action: 'network.build', objectType: 'network', objectId: id, after: r });
      return r;
    });
    return c.json({ report });
  });

  /** The validation view: the build report and the places behind it (unsnapped features, dangling ends). */
  app.get('/networks/:id/validation', requireStaff(), async (c) => {
    const id = networkId(c.req.param('id'));
    const n = await getNetwork(sql, id);
    if (!n) throw notFound(`no network ${id}`);
    const issues = await listBuildIssues(sql, id, 2000);
    return c.json({
      network: id,
      builtAt: n.built_at,
      stale: n.stale,
      report: n.report,
      issues: {
        type: 'FeatureCollection',
        features: issues.map((i) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [i.lon, i.lat] },
          properties: { issue: i.issue, assetId: i.asset_id, nodeId: i.node_id, distanceM: i.distance_m },
        })),
      },
    });
  });

  // ---- traces (read only, nothing kept) ----

  /** GET /networks/trace?kind=isolation|upstream|downstream&edge=ID|asset=ID[&lon=&lat=: the piece of the pipe nearest the point] */
  app.get('/networks/trace', requireStaff(), async (c) => {
    const q = c.req.query();
    const kind = (q.kind ?? 'isolation') as TraceKind;
    if (!TRACES.includes(kind)) throw badRequest('invalid_parameter', `kind must be one of ${TRACES.join(', ')}`);
    const edgeId = optionalId(q.edge, 'edge');
    const assetId = optionalId(q.asset, 'asset');
    if ((edgeId === undefined) === (assetId === undefined)) throw badRequest('edge_required', 'give exactly one of edge and asset');
    let near: { lon: number; lat: number } | undefined;
    if (q.lon !== undefined || q.lat !== undefined) {
      const lon = Number(q.lon);
      const lat = Number(q.lat);
      if (!(q.lon && q.lat && Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) throw badRequest('invalid_point', 'lon and lat must be given together as numbers');
      near = { lon, lat };
    }
    const edge = await resolveEdge(sql, { edgeId, assetId, near });
    const n = await getNetwork(sql, edge.network_id);
    if (kind !== 'isolation' && n!.flow !== 'gravity') throw unprocessable('not_gravity', `${kind} traces need a gravity network; ${edge.network_id} is pressurised`);
    return c.json(await traceJson(sql, await runTrace(sql, edge, kind)));
  });

  /** GET /networks/:id/supply?failed=nodeId,nodeId: what no source reaches, or what the failed sources fed. */
  app.get('/networks/:id/supply', requireStaff(), async (c) => {
    const id = networkId(c.req.param('id'));
    if (!(await getNetwork(sql, id))) throw notFound(`no network ${id}`);
    const failedText = c.req.query('failed');
    const failed = failedText ? failedText.split(',').map((s) => parseId(s, 'failed')) : [];
    if (failed.length > 100) throw badRequest('invalid_parameter', 'at most 100 failed sources');
    const rows = await traceSupply(sql, id, failed);
    return c.json({
      network: id,
      status: rows.find((r) => r.role === 'status')?.detail,
      summary: { unsuppliedPipes: rows.filter((r) => r.role === 'unsupplied_edge').length, buildings: rows.filter((r) => r.role === 'building').length },
      geojson: JSON.parse(await traceGeojson(sql, rows)),
    });
  });

  /** Field knowledge: a valve that will not turn (or turns again). The next trace walks through it. */
  app.post('/networks/valves/:nodeId', requireStaff(WRITERS), async (c) => {
    const nodeId = parseId(c.req.param('nodeId'), 'nodeId');
    const body = await readJson(c, ValveSchema);
    const staff = c.get('staff');
    const valve = await findValveNode(sql, nodeId);
    if (!valve) throw notFound(`no valve node ${nodeId}`);
    await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      await setValveOperable(tx, { nodeId, assetId: valve.asset_id, operable: body.operable, note: body.note ?? null, userId: staff.id });
      await recordAudit(tx, c, { action: 'network.valve', objectType: 'network_valve', objectId: valve.asset_id ?? nodeId, before: { operable: valve.operable }, after: { operable: body.operable }, reason: body.note ?? null });
    });
    return c.json({ nodeId, assetId: valve.asset_id, operable: body.operable });
  });

  // ---- outages ----

  /** Trace from a report and keep it (re-trace when the report already has an open outage). */
  app.post('/networks/incidents/:id/trace', requireStaff(WRITERS), async (c) => {
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, TraceIncidentSchema);
    const staff = c.get('staff');
    const out = await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      await writableIncident(tx, c, id, { forUpdate: true });
      return traceIncident(tx, c, id, staff.id, { restorationEta: body.restorationEta ?? null });
    });
    const outage = (await getOutage(sql, out.outageId))!;
    return c.json(
      {
        outage: outageJson(outage),
        retraced: out.retraced,
        trace: await traceJson(sql, out.answer),
        candidates: (await findOutageCandidates(sql, out.outageId)).map((r) => ({ id: r.id, number: r.number, status: r.status, categoryId: r.category_id, createdAt: r.created_at })),
      },
      out.retraced ? 200 : 201,
    );
  });

  app.get('/networks/outages', requireStaff(), async (c) => {
    const open = c.req.query('open') !== 'false';
    return c.json({ outages: (await listOutages(sql, { open, limit: 200 })).map(outageJson) });
  });

  app.get('/networks/outages/:id', requireStaff(), async (c) => {
    const id = parseId(c.req.param('id'));
    const o = await getOutage(sql, id);
    if (!o) throw notFound(`no outage ${id}`);
    return c.json({
      outage: outageJson(o),
      geojson: JSON.parse(await traceGeojson(sql, o.result)),
      candidates: (await findOutageCandidates(sql, id)).map((r) => ({ id: r.id, number: r.number, status: r.status, categoryId: r.category_id, createdAt: r.created_at })),
    });
  });

  /** A planned interruption for a repair: the isolation of a pipe on a date, published as a notice. */
  app.post('/networks/outages', requireStaff(WRITERS), async (c) => {
    const body = await readJson(c, PlannedOutageSchema);
    checkPublicNote(body.publicNote);
    const staff = c.get('staff');
    const edge = await resolveEdge(sql, { edgeId: body.edgeId, assetId: body.assetId });
    if (body.workOrderId !== undefined) {
      const [w] = await sql`select 1 from work_orders where id = ${body.workOrderId}`;
      if (!w) throw unprocessable('unknown_work_order', `no work order ${body.workOrderId}`);
    }
    const out = await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      return planInterruption(tx, c, { edge, startsAt: body.startsAt, restorationEta: body.restorationEta, publicNote: body.publicNote ?? null, workOrderId: body.workOrderId ?? null, userId: staff.id });
    });
    const outage = (await getOutage(sql, out.outageId))!;
    return c.json({ outage: outageJson(outage), trace: await traceJson(sql, out.answer) }, 201);
  });

  /** Restoration time, public note, restored or cancelled. */
  app.patch('/networks/outages/:id', requireStaff(WRITERS), async (c) => {
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, PatchOutageSchema);
    checkPublicNote(body.publicNote);
    const updated = await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      const before = await getOutage(tx, id, { forUpdate: true });
      if (!before) throw notFound(`no outage ${id}`);
      if (before.status === 'restored' || before.status === 'cancelled') throw unprocessable('outage_closed', `outage ${id} is ${before.status}`);
      await updateOutage(tx, id, body);
      await recordAudit(tx, c, {
        action: 'network.outage_update',
        objectType: 'network_outage',
        objectId: id,
        before: { status: before.status, restorationEta: before.restoration_eta, publicNote: before.public_note },
        after: body,
      });
      return (await getOutage(tx, id))!;
    });
    return c.json({ outage: outageJson(updated) });
  });

  return app;
}

/** The public outage map (GeoJSON): areas, times and notes of open outages; nothing personal. */
export function publicOutagesRoutes({ sql }: AppDeps) {
  const app = new Hono();
  app.get('/public/outages', async (c) => {
    c.header('Cache-Control', 'public, max-age=30');
    c.header('Content-Type', 'application/geo+json; charset=utf-8');
    return c.body(await publicOutagesGeojson(sql));
  });
  return app;
}
