/**
 * Typed fetch wrappers for the platform API. Same origin only: the CSP allows connect-src 'self'
 * (plus the optional basemap origin), and the web app is served by the API process.
 */
import type { StaffAccount, StaffMember } from '../../lib/auth.schema.ts';
import type { Import, ImportUpload } from '../../lib/imports.schema.ts';
import type { AssetPage as LayerAssetPage, GeometryType, Layer, LayerGroup } from '../../lib/layers.schema.ts';
import type { SiteConfig } from '../../lib/site.schema.ts';

export type { GeometryType, Layer, LayerGroup, SiteConfig };

export interface AssetFeature {
  type: 'Feature';
  id: number;
  geometry: GeoJSON.Geometry;
  properties: Record<string, unknown>;
}

/** A page of GET /api/layers/{id}/assets, its features read as GeoJSON. */
export type AssetPage = Omit<LayerAssetPage, 'features'> & { features: AssetFeature[] };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { Accept: 'application/json', ...(init?.headers ?? {}) } });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: report the status below.
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

export const getConfig = () => fetchJson<SiteConfig>('/api/config');
export const getLayers = async () => (await fetchJson<{ layers: Layer[] }>('/api/layers')).layers;
export const getAsset = (id: number) => fetchJson<AssetFeature>(`/api/assets/${encodeURIComponent(String(id))}`);
export const getBoundary = () => fetchJson<GeoJSON.FeatureCollection>('/api/boundary');

/**
 * Every asset of a layer, page by page (keyset cursor `after`), up to `max` features.
 * @param pageSize the server clamps it to MAX_PAGE_SIZE. @default 5000
 */
export async function getAllAssets(layerId: string, opts: { max?: number; pageSize?: number; signal?: AbortSignal } = {}): Promise<AssetFeature[]> {
  const max = opts.max ?? 100_000;
  const pageSize = opts.pageSize ?? 5000;
  const out: AssetFeature[] = [];
  let after = 0;
  while (out.length < max) {
    const page = await fetchJson<AssetPage>(`/api/layers/${encodeURIComponent(layerId)}/assets?limit=${pageSize}&after=${after}`, { signal: opts.signal });
    out.push(...page.features);
    if (!page.truncated || page.next == null) break;
    after = page.next;
  }
  return out.slice(0, max);
}

/**
 * Whole-layer downloads of a public layer, streamed by the open-data module
 * (`/ogc/collections/{id}/download.{fgb,geojson,csv}`); the paged OGC items are for clients.
 */
export function downloadLinks(layerId: string): { format: 'fgb' | 'geojson' | 'csv'; label: string; short: string; href: string }[] {
  const base = `/ogc/collections/${encodeURIComponent(layerId)}`;
  return [
    { format: 'fgb', label: 'FlatGeobuf', short: 'FGB', href: `${base}/download.fgb` },
    { format: 'geojson', label: 'GeoJSON', short: 'GeoJSON', href: `${base}/download.geojson` },
    { format: 'csv', label: 'CSV', short: 'CSV', href: `${base}/download.csv` },
  ];
}

/** A signed-in staff member (GET /api/auth/me). */
export type StaffUser = StaffMember;

/** The signed-in staff member, or null when the browser has no live session. */
export async function getMe(): Promise<StaffUser | null> {
  try {
    return (await fetchJson<{ user: StaffMember }>('/api/auth/me')).user;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
    throw err;
  }
}

export async function login(email: string, password: string): Promise<StaffUser> {
  const body = await fetchJson<{ user: StaffAccount }>('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return body.user;
}

export async function logout(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST' });
}

/** One import; the upload's answer adds `skipped` (the layer already held the file). */
export type ImportStatus = Import & Partial<Pick<ImportUpload, 'skipped'>>;

export interface ImportRequest {
  file: File;
  layer: string;
  /** Names and group create the layer when it does not exist yet (all three together). */
  nameEl?: string;
  nameEn?: string;
  group?: LayerGroup;
  /** EPSG code when the file does not say its CRS. */
  srid?: string;
  /** The layer to read from a GeoPackage (or any file with several layers). */
  sourceLayer?: string;
}

/**
 * POST /api/imports as multipart. XMLHttpRequest rather than fetch: it reports upload progress,
 * which matters for a file of tens of megabytes.
 */
export function uploadImport(req: ImportRequest, onProgress: (sent: number, total: number) => void): Promise<ImportUpload> {
  const form = new FormData();
  form.append('layer', req.layer);
  if (req.nameEl) form.append('name_el', req.nameEl);
  if (req.nameEn) form.append('name_en', req.nameEn);
  if (req.group) form.append('group', req.group);
  if (req.srid) form.append('srid', req.srid);
  if (req.sourceLayer) form.append('source_layer', req.sourceLayer);
  form.append('file', req.file, req.file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : req.file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload did not reach the server'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // reported below
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body as ImportUpload);
      const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
      reject(new ApiError(xhr.status, err?.code ?? 'http_error', err?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.send(form);
  });
}

export const getImport = (id: string) => fetchJson<Import>(`/api/imports/${encodeURIComponent(id)}`);
