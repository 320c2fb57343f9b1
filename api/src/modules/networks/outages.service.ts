/**
 * Traces as answers for people: run the right trace for a pipe, name the facilities cut off, and
 * keep the result as an outage on the report and its work order. Spans the trace functions, the
 * outage table, the incident timeline and the audit log, hence a service.
 */
import type { Context } from 'hono';
import type { TraceFeatureCollection, TraceKind } from '../../../../lib/networks.schema.ts';
import type { Db } from '../../db.ts';
import { unprocessable } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { insertEvent } from '../incidents/incidents.sql.ts';
import { findEdgesOfAsset, findNearestEdge, findNearestEdgeOfAsset, getEdge, getNetwork, traceArea, traceFlow, traceGeojson, traceIsolation, type EdgeRef, type TraceRow } from './networks.sql.ts';
import {
  findIncidentTraceContext,
  findIncidentWorkOrder,
  findOpenOutageOfIncident,
  insertOutage,
  replaceOutageResult,
  traceFacilities,
  type Facility,
} from './outages.sql.ts';

/** Size cap of the API traces (nodes walked): above any municipal network, a guard against a runaway. */
export const MAX_TRACE_NODES = 500_000;
/** How far from a report's point a pipe of its network may be. @default 150 m */
const SNAP_RADIUS_M = 150;

export type { TraceKind };

export interface TraceAnswer {
  network: string;
  trace: TraceKind;
  status: string;
  edge: { id: number; assetId: number | null };
  rows: TraceRow[];
  facilities: Facility[];
  summary: { valvesToClose: number; sourcesToShut: number; isolatedPipes: number; unsuppliedPipes: number; pipes: number; connections: number; buildings: number };
}

/** The trace a fault on this network asks for: isolation on pressurised networks, upstream on gravity ones. */
export function defaultTrace(flow: 'pressurised' | 'gravity'): TraceKind {
  return flow === 'pressurised' ? 'isolation' : 'upstream';
}

export async function runTrace(sql: Db, edge: EdgeRef, trace: TraceKind): Promise<TraceAnswer> {
  const rows = trace === 'isolation' ? await traceIsolation(sql, edge.id, MAX_TRACE_NODES) : await traceFlow(sql, edge.id, trace, MAX_TRACE_NODES);
  const count = (role: string) => rows.filter((r) => r.role === role).length;
  return {
    network: edge.network_id,
    trace,
    status: rows.find((r) => r.role === 'status')?.detail ?? 'unknown',
    edge: { id: edge.id, assetId: edge.asset_id },
    rows,
    facilities: await traceFacilities(sql, rows),
    summary: {
      valvesToClose: count('valve_to_close'),
      sourcesToShut: count('source_to_shut'),
      isolatedPipes: count('isolated_edge'),
      unsuppliedPipes: count('unsupplied_edge'),
      pipes: rows.filter((r) => r.element === 'edge').length,
      connections: count('connection'),
      buildings: count('building'),
    },
  };
}

/** The answer as JSON for staff, with its GeoJSON. */
export async function traceJson(sql: Db, a: TraceAnswer) {
  return {
    network: a.network,
    trace: a.trace,
    status: a.status,
    edge: a.edge,
    summary: a.summary,
    facilities: a.facilities.map((f) => ({ assetId: f.asset_id, layerId: f.layer_id, name: f.name })),
    geojson: JSON.parse(await traceGeojson(sql, a.rows)) as TraceFeatureCollection,
  };
}

/** The edge a report is about: its snapped pipe (the piece nearest the point), else the nearest pipe of its network. */
export async function edgeForIncident(sql: Db, inc: { network_id: string; asset_id: number | null; lon: number; lat: number }): Promise<EdgeRef> {
  if (inc.asset_id !== null) {
    const piece = await findNearestEdgeOfAsset(sql, inc.asset_id, inc.lon, inc.lat);
    if (piece && piece.network_id === inc.network_id) return piece;
  }
  const nearest = await findNearestEdge(sql, { lon: inc.lon, lat: inc.lat, networkId: inc.network_id, radiusM: SNAP_RADIUS_M });
  if (!nearest) throw unprocessable('no_pipe_nearby', `no pipe of the ${inc.network_id} network within ${SNAP_RADIUS_M} m of the report`);
  return nearest;
}

export async function resolveEdge(sql: Db, p: { edgeId?: number; assetId?: number; near?: { lon: number; lat: number } }): Promise<EdgeRef> {
  if (p.edgeId !== undefined) {
    const e = await getEdge(sql, p.edgeId);
    if (!e) throw unprocessable('unknown_edge', `no network edge ${p.edgeId}`);
    return e;
  }
  if (p.assetId !== undefined) {
    // A pipe split by valves is several edges: the one nearest the point picked, else the first.
    const near = p.near ? await findNearestEdgeOfAsset(sql, p.assetId, p.near.lon, p.near.lat) : undefined;
    if (near) return near;
    const pieces = await findEdgesOfAsset(sql, p.assetId);
    if (!pieces.length) throw unprocessable('not_in_network', `asset ${p.assetId} is not a pipe of a built network`);
    return pieces[0]!;
  }
  throw unprocessable('edge_required', 'give edgeId or assetId');
}

function summaryNote(a: TraceAnswer): string {
  const names = a.facilities.slice(0, 10).map((f) => f.name ?? `#${f.asset_id}`).join(', ');
  return `Trace (${a.trace}, ${a.network}): ${a.summary.valvesToClose} valves to close, ${a.summary.pipes} pipes, ` +
    `${a.summary.connections} service connections, ${a.summary.buildings} buildings${names ? `: ${names}` : ''}` +
    (a.status === 'ok' ? '' : ` [${a.status}]`);
}

/**
 * Traces from a report and keeps the result: a new outage on the report (and its work order), or
 * the report's open outage re-traced (a valve found inoperable since). Internal timeline note and
 * audit row in the same transaction.
 */
export async function traceIncident(tx: Db, c: Context, incidentId: number, userId: number, opts: { restorationEta: Date | null }) {
  const inc = await findIncidentTraceContext(tx, incidentId);
  if (!inc) throw unprocessable('unknown_incident', `no report ${incidentId}`);
  if (!inc.network_id) throw unprocessable('not_a_network_category', `reports of category ${inc.category_id} are not traced on a network`);
  const network = await getNetwork(tx, inc.network_id);
  if (!network?.built_at) throw unprocessable('network_not_built', `the ${inc.network_id} network has no topology yet`);
  const edge = await edgeForIncident(tx, { ...inc, network_id: inc.network_id });
  const answer = await runTrace(tx, edge, defaultTrace(network.flow));
  const areaEwkt = await traceArea(tx, answer.rows);
  const workOrderId = await findIncidentWorkOrder(tx, incidentId);
  const existing = await findOpenOutageOfIncident(tx, incidentId);
  let outageId: number;
  if (existing !== null) {
    outageId = existing;
    await replaceOutageResult(tx, existing, { edgeId: edge.id, assetId: edge.asset_id, result: answer.rows, facilities: answer.facilities, areaEwkt, workOrderId });
  } else {
    outageId = await insertOutage(tx, {
      networkId: inc.network_id,
      kind: 'unplanned',
      trace: answer.trace,
      status: 'active',
      edgeId: edge.id,
      assetId: edge.asset_id,
      incidentId,
      workOrderId,
      result: answer.rows,
      facilities: answer.facilities,
      areaEwkt,
      startsAt: null,
      restorationEta: opts.restorationEta,
      publicNote: null,
      userId,
    });
  }
  await insertEvent(tx, { incidentId, kind: 'note', note: summaryNote(answer), public: false, actorUserId: userId });
  await recordAudit(tx, c, {
    action: existing !== null ? 'network.retrace' : 'network.trace',
    objectType: 'network_outage',
    objectId: outageId,
    after: { incidentId, workOrderId, network: answer.network, trace: answer.trace, status: answer.status, edgeId: edge.id, summary: answer.summary },
  });
  return { outageId, answer, retraced: existing !== null };
}

/** A planned interruption: the isolation of a pipe for a repair on a date, published as a notice. */
export async function planInterruption(tx: Db, c: Context, p: { edge: EdgeRef; startsAt: Date; restorationEta: Date; publicNote: string | null; workOrderId: number | null; userId: number }) {
  const network = await getNetwork(tx, p.edge.network_id);
  const answer = await runTrace(tx, p.edge, defaultTrace(network!.flow));
  const areaEwkt = await traceArea(tx, answer.rows);
  const outageId = await insertOutage(tx, {
    networkId: p.edge.network_id,
    kind: 'planned',
    trace: answer.trace,
    status: 'scheduled',
    edgeId: p.edge.id,
    assetId: p.edge.asset_id,
    incidentId: null,
    workOrderId: p.workOrderId,
    result: answer.rows,
    facilities: answer.facilities,
    areaEwkt,
    startsAt: p.startsAt,
    restorationEta: p.restorationEta,
    publicNote: p.publicNote,
    userId: p.userId,
  });
  await recordAudit(tx, c, {
    action: 'network.plan_interruption',
    objectType: 'network_outage',
    objectId: outageId,
    after: { network: answer.network, edgeId: p.edge.id, startsAt: p.startsAt, restorationEta: p.restorationEta, workOrderId: p.workOrderId, summary: answer.summary },
  });
  return { outageId, answer };
}
