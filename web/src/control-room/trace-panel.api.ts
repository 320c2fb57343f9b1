/** Staff calls of the Trace tool (api/src/modules/networks/networks.routes.ts). */
import type { TraceFeatureProps, TraceKind } from '../../../lib/network-trace.ts';
import { staffJson } from './staff-api.ts';

export type { TraceFeatureProps, TraceKind };

export interface TraceFeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: GeoJSON.Geometry; properties: TraceFeatureProps }[];
}

export interface Facility {
  assetId: number;
  layerId: string;
  name: string | null;
}

export interface TraceResult {
  network: string;
  trace: TraceKind;
  status: string;
  edge: { id: number; assetId: number | null };
  summary: { valvesToClose: number; sourcesToShut: number; isolatedPipes: number; unsuppliedPipes: number; pipes: number; connections: number; buildings: number };
  facilities: Facility[];
  geojson: TraceFeatureCollection;
}

export interface Outage {
  id: number;
  network: string;
  kind: 'unplanned' | 'planned';
  status: string;
  incident: { id: number; number: string } | null;
  workOrderId: number | null;
  summary: { valvesToClose: number; pipes: number; connections: number; buildings: number };
  facilities: Facility[];
  restorationEta: string | null;
}

export interface Candidate {
  id: number;
  number: string;
  status: string;
  categoryId: string;
}

export interface NetworkSummary {
  id: string;
  name: { el: string; en: string };
  flow: 'pressurised' | 'gravity';
  builtAt: string | null;
  stale: boolean;
  report: {
    nodes?: number;
    edges?: number;
    valves?: number;
    sources?: number;
    connections?: number;
    dangling_ends?: number;
    components?: number;
    components_without_source?: number;
    unsnapped?: Record<string, number>;
  };
}

export const listNetworks = async () => (await staffJson<{ networks: NetworkSummary[] }>('/api/networks')).networks;

export const getValidation = (network: string) =>
  staffJson<{ report: NetworkSummary['report']; issues: { type: 'FeatureCollection'; features: { geometry: GeoJSON.Point; properties: { issue: string } }[] } }>(`/api/networks/${encodeURIComponent(network)}/validation`);

export const tracePipe = (assetId: number, kind: TraceKind, at?: [number, number]) =>
  staffJson<TraceResult>(`/api/networks/trace?kind=${kind}&asset=${assetId}${at ? `&lon=${at[0]}&lat=${at[1]}` : ''}`);

export const traceIncident = (incidentId: number) =>
  staffJson<{ outage: Outage; retraced: boolean; trace: TraceResult; candidates: Candidate[] }>(`/api/networks/incidents/${incidentId}/trace`, { method: 'POST', json: {} });

export const setValveOperable = (nodeId: number, operable: boolean, note?: string) =>
  staffJson<{ nodeId: number; operable: boolean }>(`/api/networks/valves/${nodeId}`, { method: 'POST', json: { operable, ...(note ? { note } : {}) } });

/** Groups a report under the outage's root report through the triage merge (supporters and subscribers kept). */
export const groupUnder = (duplicateId: number, rootId: number) =>
  staffJson<{ master: { id: number; supportCount: number } }>(`/api/triage/incidents/${duplicateId}/merge`, { method: 'POST', json: { into: rootId } });
