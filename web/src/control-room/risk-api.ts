/** Staff calls of the Risk panel (api/src/modules/risk-zones, api/src/modules/alerts). */
import type { HazardTemplate } from '../../../lib/alert-templates.ts';
import type { Exposure, ZoneCollection, ZoneProps } from '../../../lib/risk-zones.schema.ts';
import { staffJson } from './staff-api.ts';

export type { Exposure, ZoneCollection, ZoneProps };

export type ExposureTarget = { zoneId: number } | { area: GeoJSON.Polygon } | { circle: { center: [number, number]; radiusM: number } };

/** A hazard template of the emergency plan, as the API sends it. */
export type Template = HazardTemplate;

export interface AlertInfo {
  language: 'el-GR' | 'en-US';
  category: string[];
  event: string;
  responseType: string[];
  urgency: string;
  severity: string;
  certainty: string;
  onset?: string | null;
  expires: string;
  headline: string;
  description: string;
  instruction?: string | null;
}

export interface AlertSummary {
  id: number;
  identifier: string;
  status: string;
  msgType: string;
  state: string;
  origin: string;
  sent: string | null;
  headline?: string | null;
  event?: string | null;
  referencesId: number | null;
  createdBy: { id: number; name: string | null } | null;
  approvedBy: { id: number; name: string | null } | null;
  contentHash: string;
  expired: boolean;
}

export interface AlertDetail extends AlertSummary {
  info: AlertInfo[];
  areas: { areaDesc: string; geometry: GeoJSON.Geometry | null; simplified: boolean; zoneId: number | null }[];
  references: { id: number; identifier: string }[];
  followUps: { id: number; msgType: string; state: string }[];
  history: { at: string; action: string; actorUserId: number | null; actorRole: string | null; reason: string | null }[];
  deliveries: { channel: string; targeted: number; sent: number; failed: number; pending: number; skipped: number }[];
}

export interface AlertContent {
  status: 'Actual' | 'Exercise' | 'Test';
  template?: string;
  info: AlertInfo[];
  area: { description: string; zoneIds: number[]; polygon?: GeoJSON.Polygon; circles: { center: [number, number]; radiusKm: number }[] };
}

export const getZones = () => staffJson<ZoneCollection>('/api/risk-zones');
export const getExposure = (t: ExposureTarget) => ('zoneId' in t ? staffJson<Exposure>(`/api/risk-zones/${t.zoneId}/exposure`) : staffJson<Exposure>('/api/risk-zones/exposure', { method: 'POST', json: t }));
export const getTemplates = async () => (await staffJson<{ templates: Template[] }>('/api/alerts/templates')).templates;
export const listAlerts = async () => (await staffJson<{ alerts: AlertSummary[] }>('/api/alerts')).alerts;
export const getAlert = (id: number) => staffJson<AlertDetail>(`/api/alerts/${id}`);
export const createAlert = (c: AlertContent, key: string) => staffJson<AlertDetail>('/api/alerts', { method: 'POST', json: c, headers: { 'Idempotency-Key': key } });
export const saveAlert = (id: number, c: AlertContent) => staffJson<AlertDetail>(`/api/alerts/${id}`, { method: 'PUT', json: c });
export const alertAction = (id: number, action: 'submit' | 'issue' | 'update' | 'cancel', key?: string) =>
  staffJson<AlertDetail>(`/api/alerts/${id}/${action}`, { method: 'POST', json: {}, headers: key ? { 'Idempotency-Key': key } : {} });
export const approveAlert = (id: number, contentHash: string) => staffJson<AlertDetail>(`/api/alerts/${id}/approve`, { method: 'POST', json: { contentHash } });
export async function capPreview(id: number): Promise<string> {
  const res = await fetch(`/api/alerts/${id}/cap.xml`, { credentials: 'same-origin' });
  return res.ok ? res.text() : '';
}
