/**
 * Citizen reporting endpoints (api/src/modules/incidents/incidents.openapi.ts): categories,
 * intake, nearby duplicates, "me too", photo upload, tracking and the public map data.
 */
import { ApiError, fetchJson } from '../api-client.ts';
import type { Names } from '../i18n.ts';

export interface CategoryQuestion {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  order: number;
  description: Names;
  values: { key: string; name: Names }[];
}

export interface Category {
  id: string;
  serviceCode: string;
  name: Names;
  description: Names;
  group: Names;
  sensitive: boolean;
  duplicateRadiusM: number;
  questions: CategoryQuestion[];
}

/** The public projection's properties (incidents.public.ts PUBLIC_PROPERTY_KEYS). */
export interface PublicIncident {
  number: string;
  category: string;
  categoryName: Names;
  status: string;
  open: boolean;
  description: string | null;
  address: string | null;
  asset: { id: number; layer: string; distanceM: number } | null;
  supportCount: number;
  sensitive: boolean;
  createdAt: string;
  updatedAt: string;
  expectedAt: string | null;
}

export interface IncidentFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: PublicIncident;
}

export interface TimelineEntry {
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  at: string;
}

export interface Photo {
  url: string;
  thumbnailUrl: string;
  width: number;
  height: number;
}

export interface PublicReport extends IncidentFeature {
  timeline: TimelineEntry[];
  photos: Photo[];
  photosProcessing: number;
}

/** GET /api/track/{token}: the reporter's own view. */
export interface TrackedReport {
  number: string;
  status: string;
  category: string;
  categoryName: Names | null;
  description: string;
  location: { type: 'Point'; coordinates: [number, number] };
  address: string | null;
  asset: { id: number; layer: string; distanceM: number } | null;
  anonymous: boolean;
  contact: { name: string | null; email: string | null; phone: string | null };
  published: boolean;
  supportCount: number;
  createdAt: string;
  updatedAt: string;
  expectedAt: string | null;
  timeline: TimelineEntry[];
  photos: Photo[];
  photosProcessing: number;
}

export interface CreatedReport {
  number: string;
  token: string;
  status: string;
  address: string | null;
  possibleDuplicateOf: string | null;
  awaitingModeration: boolean;
}

export interface ReportBody {
  category: string;
  description: string;
  location: { type: 'Point'; coordinates: [number, number] };
  contact?: { name?: string; email?: string; phone?: string };
  anonymous: boolean;
  notify: boolean;
  locale: 'el' | 'en';
  answers?: Record<string, string | number | boolean | string[]>;
}

export const getCategories = async () => (await fetchJson<{ categories: Category[] }>('/api/categories')).categories;

export function createReport(body: ReportBody, idempotencyKey: string, deviceId: string) {
  return fetchJson<CreatedReport>('/api/incidents', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey, 'X-Device-Id': deviceId },
    body: JSON.stringify(body),
  });
}

/** `2026/001234` → `/api/incidents/2026/001234`. */
export function reportPath(number: string): string {
  const [year, seq] = number.split('/');
  return `/api/incidents/${encodeURIComponent(year ?? '')}/${encodeURIComponent(seq ?? '')}`;
}

export function uploadPhoto(number: string, token: string, file: File) {
  const form = new FormData();
  form.append('photo', file, file.name || 'photo.jpg');
  return fetchJson<{ id: number; status: string }>(`${reportPath(number)}/photos`, { method: 'POST', headers: { 'X-Tracking-Token': token }, body: form });
}

export function nearbyReports(lon: number, lat: number, category: string, signal?: AbortSignal) {
  const q = new URLSearchParams({ lon: lon.toFixed(6), lat: lat.toFixed(6), category });
  return fetchJson<{ radiusM: number; incidents: (IncidentFeature & { properties: PublicIncident & { distanceM: number } })[] }>(`/api/incidents/nearby?${q}`, { signal });
}

export function supportReport(number: string, deviceId: string) {
  return fetchJson<{ number: string; counted: boolean; supportCount: number }>(`${reportPath(number)}/support`, { method: 'POST', headers: { 'X-Device-Id': deviceId } });
}

/**
 * The API builds photo URLs from its configured public URL, which a proxy or a test port may make
 * differ from the address this page was loaded from; the path on this origin is always right.
 */
function samePhotos<T extends { photos: Photo[] }>(r: T): T {
  const local = (u: string) => {
    try {
      const url = new URL(u, location.origin);
      return `${url.pathname}${url.search}`;
    } catch {
      return u;
    }
  };
  return { ...r, photos: r.photos.map((p) => ({ ...p, url: local(p.url), thumbnailUrl: local(p.thumbnailUrl) })) };
}

export const trackReport = async (token: string) => samePhotos(await fetchJson<TrackedReport>(`/api/track/${encodeURIComponent(token)}`));
export const publicReport = async (number: string) => samePhotos(await fetchJson<PublicReport>(reportPath(number)));

export interface IncidentCollection {
  type: 'FeatureCollection';
  features: IncidentFeature[];
  truncated: boolean;
}

export interface ClusterCollection {
  type: 'FeatureCollection';
  truncated: boolean;
  features: { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: { count: number; openCount: number; number: string | null; category: string | null } }[];
}

export interface MapQuery {
  bbox: [number, number, number, number];
  category: string | null;
  status: string | null;
}

function mapParams(q: MapQuery): URLSearchParams {
  const p = new URLSearchParams({ bbox: q.bbox.map((n) => n.toFixed(5)).join(',') });
  if (q.category) p.set('category', q.category);
  if (q.status) p.set('status', q.status);
  return p;
}

export function publicIncidents(q: MapQuery, limit: number, signal?: AbortSignal) {
  const p = mapParams(q);
  p.set('limit', String(limit));
  return fetchJson<IncidentCollection>(`/api/public/incidents?${p}`, { signal });
}

export function publicClusters(q: MapQuery, zoom: number, signal?: AbortSignal) {
  const p = mapParams(q);
  p.set('zoom', String(zoom));
  return fetchJson<ClusterCollection>(`/api/public/incidents/clusters?${p}`, { signal });
}

/** A short sentence for a failed call, in the page's words rather than the API's. */
export function errorCode(err: unknown): string {
  if (err instanceof ApiError) return err.code;
  return 'network_error';
}

export { ApiError };
