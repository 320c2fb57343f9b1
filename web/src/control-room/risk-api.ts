/** Staff calls of the Risk panel (api/src/modules/risk-zones, api/src/modules/alerts). */
import type { AlertContentInput, AlertDetail, AlertListItem, HazardTemplate } from '../../../lib/alerts.schema.ts';
import type { Exposure, ZoneCollection, ZoneProps } from '../../../lib/risk-zones.schema.ts';
import { staffJson } from './staff-api.ts';

export type { Exposure, ZoneCollection, ZoneProps };

export type ExposureTarget = { zoneId: number } | { area: GeoJSON.Polygon } | { circle: { center: [number, number]; radiusM: number } };

/** A hazard template of the emergency plan, as the API sends it. */
export type Template = HazardTemplate;
export type { AlertDetail };
/** An alert of the list: its summary with the headline and event of its first info block. */
export type AlertSummary = AlertListItem;
/** An alert's content as the editor sends it. */
export type AlertContent = AlertContentInput;

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
