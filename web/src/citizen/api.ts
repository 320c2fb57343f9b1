/**
 * Citizen reporting endpoints: categories, intake, nearby duplicates, "me too", photo upload,
 * tracking and the public map data, typed by the schemas the API declares them with (lib/).
 */
import type { z } from 'zod';
import type { Category } from '../../../lib/categories.schema.ts';
import type { IncidentCreateSchema } from '../../../lib/incidents.schema.ts';
import type {
  ClusterCollection,
  CreatedReport,
  IncidentCollection,
  NearbyReports,
  Photo,
  PhotoUploadAnswer,
  PublicReport,
  SupportAnswer,
  TrackedReport,
} from '../../../lib/public-incidents.schema.ts';
import { ApiError, fetchJson } from '../api-client.ts';

export type { Category, CategoryQuestion } from '../../../lib/categories.schema.ts';
export type {
  ClusterCollection,
  CreatedReport,
  IncidentFeature,
  NearbyReport,
  Photo,
  PublicIncident,
  PublicReport,
  TimelineEntry,
  TrackedReport,
} from '../../../lib/public-incidents.schema.ts';

/** What the report form sends: the input of the schema the API validates it with. */
export type ReportBody = z.input<typeof IncidentCreateSchema>;

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
  return fetchJson<PhotoUploadAnswer>(`${reportPath(number)}/photos`, { method: 'POST', headers: { 'X-Tracking-Token': token }, body: form });
}

export function nearbyReports(lon: number, lat: number, category: string, signal?: AbortSignal) {
  const q = new URLSearchParams({ lon: lon.toFixed(6), lat: lat.toFixed(6), category });
  return fetchJson<NearbyReports>(`/api/incidents/nearby?${q}`, { signal });
}

export function supportReport(number: string, deviceId: string) {
  return fetchJson<SupportAnswer>(`${reportPath(number)}/support`, { method: 'POST', headers: { 'X-Device-Id': deviceId } });
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
