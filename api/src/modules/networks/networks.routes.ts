/**
 * Networks: topology builds and their validation, traces as GeoJSON (staff only), valves marked
 * inoperable, outages from reports and planned interruptions, and the public outage map.
 *
 * Staff read routes answer any signed-in staff member; changes need a dispatcher or technician
 * (admin always). Every change is one transaction with its audit row. The only public route is
 * /api/public/outages, which reads the public_network_outages view (no report, person or building).
 */
import type { AppDeps } from '../../deps.ts';
import { badRequest, notFound, unprocessable } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { containsContactDetails } from '../../../../lib/incidents.schema.ts';
import * as contract from '../../../../lib/networks.schema.ts';
import { writableIncident } from '../incidents/incidents.service.ts';
import { buildNetwork, findValveNode, getNetwork, listBuildIssues, listNetworks, setValveOperable, traceGeojson, traceSupply } from './networks.sql.ts';
import { findOutageCandidates, getOutage, listOutages, publicOutagesGeojson, updateOutage, type OutageCandidateRow, type OutageRow } from './outages.sql.ts';
import { planInterruption, resolveEdge, runTrace, traceIncident, traceJson, type TraceKind } from './outages.service.ts';

const WRITERS = ['dispatcher', 'technician'] as const;
const TRACES: readonly TraceKind[] = contract.TRACE_KINDS;

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

const staff = (summary: string, writers = false) => ({
  summary,
  tags: ['networks'],
  security: staffSession,
  middleware: [writers ? requireStaff(WRITERS) : requireStaff()],
});
const candidateJson = (r: OutageCandidateRow) => ({ id: r.id, number: r.number, status: r.status, categoryId: r.category_id, createdAt: r.created_at });
const parsedGeojson = async (text: Promise<string>) => JSON.parse(await text) as contract.TraceFeatureCollection;

const listRoute = defineRoute({
  method: 'get',
  path: '/networks',
  ...staff('Networks with their topology build time, staleness and validation report (staff)'),
  responses: { 200: jsonResponse(contract.NetworksResponseSchema, 'every network'), ...errorResponses(401) },
});
const buildRoute = defineRoute({
  method: 'post',
  path: '/networks/{id}/build',
  ...staff('Rebuild the topology of a network from its layers (dispatcher, technician); audited', true),
  request: { params: contract.NetworkParamsSchema },
  responses: { 200: jsonResponse(contract.BuildResponseSchema, 'the validation report of the build'), ...errorResponses(400, 401, 403, 404) },
});
const validationRoute = defineRoute({
  method: 'get',
  path: '/networks/{id}/validation',
  ...staff('Validation view: the build report (dangling ends, disconnected parts, unsnapped valves, sources) and the places behind it as GeoJSON'),
  request: { params: contract.NetworkParamsSchema },
  responses: { 200: jsonResponse(contract.ValidationResponseSchema, 'the report and its issues (at most 2000)'), ...errorResponses(400, 401, 404) },
});
const traceRoute = defineRoute({
  method: 'get',
  path: '/networks/trace',
  ...staff('Trace from a pipe (staff, nothing kept): valve isolation, or upstream/downstream on a gravity network'),
  request: { query: contract.TraceQuerySchema },
  responses: { 200: jsonResponse(contract.TraceResultSchema, 'the trace'), ...errorResponses(400, 401, 422) },
});
const supplyRoute = defineRoute({
  method: 'get',
  path: '/networks/{id}/supply',
  ...staff('Connectivity from sources: pipes no source reaches, or with `failed` the pipes the failed sources fed'),
  request: { params: contract.NetworkParamsSchema, query: contract.SupplyQuerySchema },
  responses: { 200: jsonResponse(contract.SupplyResponseSchema, 'the unsupplied pipes and buildings'), ...errorResponses(400, 401, 404) },
});
const valveRoute = defineRoute({
  method: 'post',
  path: '/networks/valves/{nodeId}',
  ...staff('Mark a valve inoperable (or operable again); kept across rebuilds; audited', true),
  request: { params: contract.ValveParamsSchema, body: jsonRequest(contract.ValveSchema) },
  responses: { 200: jsonResponse(contract.ValveResponseSchema, 'the valve as marked'), ...errorResponses(400, 401, 403, 404, 422) },
});
const incidentTraceRoute = defineRoute({
  method: 'post',
  path: '/networks/incidents/{id}/trace',
  ...staff("Trace from a report on its category's network and keep the result as an outage on the report and its work order (re-trace when it has an open outage); audited", true),
  request: { params: contract.IdParamsSchema, body: jsonRequest(contract.TraceIncidentSchema) },
  responses: {
    200: jsonResponse(contract.IncidentTraceResponseSchema, 're-traced: the open outage of the report, traced again'),
    201: jsonResponse(contract.IncidentTraceResponseSchema, 'a new outage'),
    ...errorResponses(400, 401, 403, 404, 409, 422),
  },
});
const outagesRoute = defineRoute({
  method: 'get',
  path: '/networks/outages',
  ...staff('Outages (open only unless open=false), newest first, at most 200'),
  request: { query: contract.OutagesQuerySchema },
  responses: { 200: jsonResponse(contract.OutagesResponseSchema, 'the outages'), ...errorResponses(401) },
});
const outageRoute = defineRoute({
  method: 'get',
  path: '/networks/outages/{id}',
  ...staff('An outage with its stored trace as GeoJSON and the reports inside it offered for grouping'),
  request: { params: contract.IdParamsSchema },
  responses: { 200: jsonResponse(contract.OutageDetailSchema, 'the outage'), ...errorResponses(400, 401, 404) },
});
const planRoute = defineRoute({
  method: 'post',
  path: '/networks/outages',
  ...staff('Planned interruption: the isolation of a pipe for a repair on a date, published as a notice; audited', true),
  request: { body: jsonRequest(contract.PlannedOutageSchema) },
  responses: { 201: jsonResponse(contract.PlannedOutageResponseSchema, 'the planned outage and its trace'), ...errorResponses(401, 403, 422) },
});
const patchRoute = defineRoute({
  method: 'patch',
  path: '/networks/outages/{id}',
  ...staff('Restoration time, public note (no contact details), restored or cancelled; audited', true),
  request: { params: contract.IdParamsSchema, body: jsonRequest(contract.PatchOutageSchema) },
  responses: { 200: jsonResponse(contract.OutageResponseSchema, 'the outage as changed'), ...errorResponses(400, 401, 403, 404, 422) },
});

export function networksRoutes({ sql }: AppDeps) {
  const app = createRouter();

  // ---- topology and validation ----

  app.openapi(listRoute, async (c) => {
    const rows = await listNetworks(sql);
    return c.json({ networks: rows.map((n) => ({ id: n.id, name: { el: n.name_el, en: n.name_en }, flow: n.flow, builtAt: n.built_at, stale: n.stale, report: n.report })) }, 200);
  });

  app.openapi(buildRoute, async (c) => {
    const id = networkId(c.req.valid('param').id);
    if (!(await getNetwork(sql, id))) throw notFound(`no network ${id}`);
    const report = await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      const r = await buildNetwork(tx, id);
      await recordAudit(tx, c, { action: 'network.build', objectType: 'network', objectId: id, after: r });
      return r;
    });
    return c.json({ report }, 200);
  });

  /** The validation view: the build report and the places behind it (unsnapped features, dangling ends). */
  app.openapi(validationRoute, async (c) => {
    const id = networkId(c.req.valid('param').id);
    const n = await getNetwork(sql, id);
    if (!n) throw notFound(`no network ${id}`);
    const issues = await listBuildIssues(sql, id, 2000);
    return c.json(
      {
        network: id,
        builtAt: n.built_at,
        stale: n.stale,
        report: n.report,
        issues: {
          type: 'FeatureCollection' as const,
          features: issues.map((i) => ({
            type: 'Feature' as const,
            geometry: { type: 'Point' as const, coordinates: [i.lon, i.lat] },
            properties: { issue: i.issue, assetId: i.asset_id, nodeId: i.node_id, distanceM: i.distance_m },
          })),
        },
      },
      200,
    );
  });

  // ---- traces (read only, nothing kept) ----

  /** kind=isolation|upstream|downstream&edge=ID|asset=ID[&lon=&lat=: the piece of the pipe nearest the point] */
  app.openapi(traceRoute, async (c) => {
    const q = c.req.valid('query');
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
    return c.json(await traceJson(sql, await runTrace(sql, edge, kind)), 200);
  });

  /** failed=nodeId,nodeId: what no source reaches, or what the failed sources fed. */
  app.openapi(supplyRoute, async (c) => {
    const id = networkId(c.req.valid('param').id);
    if (!(await getNetwork(sql, id))) throw notFound(`no network ${id}`);
    const failedText = c.req.valid('query').failed;
    const failed = failedText ? failedText.split(',').map((s) => parseId(s, 'failed')) : [];
    if (failed.length > 100) throw badRequest('invalid_parameter', 'at most 100 failed sources');
    const rows = await traceSupply(sql, id, failed);
    return c.json(
      {
        network: id,
        status: rows.find((r) => r.role === 'status')?.detail ?? undefined,
        summary: { unsuppliedPipes: rows.filter((r) => r.role === 'unsupplied_edge').length, buildings: rows.filter((r) => r.role === 'building').length },
        geojson: await parsedGeojson(traceGeojson(sql, rows)),
      },
      200,
    );
  });

  /** Field knowledge: a valve that will not turn (or turns again). The next trace walks through it. */
  app.openapi(valveRoute, async (c) => {
    const nodeId = parseId(c.req.valid('param').nodeId, 'nodeId');
    const body = c.req.valid('json');
    const staff = c.get('staff');
    const valve = await findValveNode(sql, nodeId);
    if (!valve) throw notFound(`no valve node ${nodeId}`);
    await sql.begin(async (t) => {
      const tx = t as unknown as typeof sql;
      await setValveOperable(tx, { nodeId, assetId: valve.asset_id, operable: body.operable, note: body.note ?? null, userId: staff.id });
      await recordAudit(tx, c, { action: 'network.valve', objectType: 'network_valve', objectId: valve.asset_id ?? nodeId, before: { operable: valve.operable }, after: { operable: body.operable }, reason: body.note ?? null });
    });
    return c.json({ nodeId, assetId: valve.asset_id, operable: body.operable }, 200);
  });

  // ---- outages ----

  /** Trace from a report and keep it (re-trace when the report already has an open outage). */
  app.openapi(incidentTraceRoute, async (c) => {
    const id = parseId(c.req.valid('param').id);
    const body = c.req.valid('json');
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
        candidates: (await findOutageCandidates(sql, out.outageId)).map(candidateJson),
      },
      out.retraced ? 200 : 201,
    );
  });

  app.openapi(outagesRoute, async (c) => {
    const open = c.req.valid('query').open !== 'false';
    return c.json({ outages: (await listOutages(sql, { open, limit: 200 })).map(outageJson) }, 200);
  });

  app.openapi(outageRoute, async (c) => {
    const id = parseId(c.req.valid('param').id);
    const o = await getOutage(sql, id);
    if (!o) throw notFound(`no outage ${id}`);
    return c.json(
      {
        outage: outageJson(o),
        geojson: await parsedGeojson(traceGeojson(sql, o.result)),
        candidates: (await findOutageCandidates(sql, id)).map(candidateJson),
      },
      200,
    );
  });

  /** A planned interruption for a repair: the isolation of a pipe on a date, published as a notice. */
  app.openapi(planRoute, async (c) => {
    const body = c.req.valid('json');
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
  app.openapi(patchRoute, async (c) => {
    const id = parseId(c.req.valid('param').id);
    const body = c.req.valid('json');
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
    return c.json({ outage: outageJson(updated) }, 200);
  });

  return app;
}

/** The public outage map (GeoJSON): areas, times and notes of open outages; nothing personal. */
export function publicOutagesRoutes({ sql }: AppDeps) {
  const app = createRouter();
  // GeoJSON text built in SQL, sent as it is: a plain handler with its contract registered.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/public/outages',
    summary: 'Public outage map: open outages as GeoJSON (area, network, planned or not, start, expected restoration, note); no report, person or building',
    tags: ['public'],
    responses: { 200: { description: 'FeatureCollection', content: { 'application/geo+json': { schema: contract.PublicOutagesSchema } } } },
  });
  app.get('/public/outages', async (c) => {
    c.header('Cache-Control', 'public, max-age=30');
    c.header('Content-Type', 'application/geo+json; charset=utf-8');
    return c.body(await publicOutagesGeojson(sql));
  });
  return app;
}
