/** Staff calls of the Trace tool (api/src/modules/networks/networks.routes.ts), typed by the routes' schemas. */
import type {
  Candidate,
  Facility,
  IncidentTraceResponse,
  NetworkSummary,
  Outage,
  TraceFeatureCollection,
  TraceFeatureProps,
  TraceKind,
  TraceResult,
  ValidationResponse,
  ValveResponse,
} from '../../../lib/networks.schema.ts';
import { staffJson } from './staff-api.ts';

export type { Candidate, Facility, NetworkSummary, Outage, TraceFeatureCollection, TraceFeatureProps, TraceKind, TraceResult };

export const listNetworks = async () => (await staffJson<{ networks: NetworkSummary[] }>('/api/networks')).networks;

export const getValidation = (network: string) => staffJson<ValidationResponse>(`/api/networks/${encodeURIComponent(network)}/validation`);

export const tracePipe = (assetId: number, kind: TraceKind, at?: [number, number]) =>
  staffJson<TraceResult>(`/api/networks/trace?kind=${kind}&asset=${assetId}${at ? `&lon=${at[0]}&lat=${at[1]}` : ''}`);

export const traceIncident = (incidentId: number) => staffJson<IncidentTraceResponse>(`/api/networks/incidents/${incidentId}/trace`, { method: 'POST', json: {} });

export const setValveOperable = (nodeId: number, operable: boolean, note?: string) =>
  staffJson<ValveResponse>(`/api/networks/valves/${nodeId}`, { method: 'POST', json: { operable, ...(note ? { note } : {}) } });

/** Groups a report under the outage's root report through the triage merge (supporters and subscribers kept). */
export const groupUnder = (duplicateId: number, rootId: number) =>
  staffJson<{ master: { id: number; supportCount: number } }>(`/api/triage/incidents/${duplicateId}/merge`, { method: 'POST', json: { into: rootId } });
