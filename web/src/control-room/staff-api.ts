/**
 * Staff calls of the control room: the triage desk (api/src/modules/triage), the incident
 * lifecycle (api/src/modules/incidents), the repair registries (api/src/modules/registries) and
 * statistics (api/src/modules/stats). Every call goes through `staffJson`, which turns a 401
 * (session expired or revoked) into a page-wide sign-out.
 */
import type { StaffIncidentFeature } from '../../../lib/staff-incident.ts';
import type {
  DueList,
  InspectionList,
  NewWorkOrder,
  RegistryMeta,
  TransitionAnswer,
  WorkOrder,
  WorkOrderList,
  WorkOrderPatch,
  WorkOrderTransition,
} from '../../../lib/registries.schema.ts';
import { ApiError, fetchJson } from '../api-client.ts';
import { decodeStaffIncidentColumns, type StaffIncidentColumns } from '../../../lib/staff-incident-columns.ts';
import type { Names } from '../i18n.ts';
import type { LeanIncident } from '../map/incidents-layer.ts';
import { expired } from './session.ts';

export async function staffJson<T>(url: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const { json, ...rest } = init ?? {};
  try {
    return await fetchJson<T>(url, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json), headers: { 'Content-Type': 'application/json', ...(rest.headers ?? {}) } } : {}),
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) expired();
    throw err;
  }
}

const qs = (params: Record<string, string | number | undefined | null | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
};

// ---- reference data ---------------------------------------------------------------------------

export interface Category {
  id: string;
  name: Names;
  department: { id: string; name: Names };
  slaHours: number;
}
export interface Department {
  id: string;
  name: Names;
}
export interface District {
  code: string;
  name: Names;
}

export const getCategories = async () => (await fetchJson<{ categories: Category[] }>('/api/categories')).categories;
export const getDepartments = async () => (await fetchJson<{ departments: Department[] }>('/api/departments')).departments;

// ---- triage --------------------------------------------------------------------------------------

/** A queue row (triage.json.ts queueItem). */
export interface QueueItem {
  id: number;
  number: string;
  status: string;
  open: boolean;
  priority: string;
  category: string;
  department: string;
  district: string | null;
  assignedTo: { id: number; name: string | null } | null;
  createdAt: string;
  updatedAt: string;
  sla: { dueAt: string; breachedAt: string | null; state: 'ok' | 'due_soon' | 'breached' };
  supportCount: number;
  address: string | null;
  description: string;
  location: { type: 'Point'; coordinates: [number, number] };
  published: boolean;
  hidden: boolean;
  needsModeration: boolean;
  possibleDuplicateOf: { id: number; number: string | null } | null;
  duplicateOf: { id: number; number: string | null } | null;
  asset: { id: number; layer: string | null } | null;
  channel: string;
  photoCount: number;
}

/** Reference data of the triage desk (GET /api/triage/meta). */
export interface TriageMeta {
  statuses: string[];
  openStatuses: string[];
  priorities: { priority: string; rank: number; name_el: string; name_en: string }[];
  transitions: { from_status: string; to_status: string }[];
  slaStates: string[];
  departments: { id: string; name_el: string; name_en: string }[];
  districts: { code: string; name_el: string; name_en: string }[];
  sorts: string[];
}
export const getTriageMeta = () => staffJson<TriageMeta>('/api/triage/meta');

export interface QueueQuery {
  status?: string[];
  category?: string[];
  department?: string[];
  district?: string[];
  priority?: string[];
  sla?: string[];
  minAgeHours?: number;
  maxAgeHours?: number;
  sort?: string;
  limit?: number;
  offset?: number;
}

export interface QueuePage {
  incidents: QueueItem[];
  total: number;
}

export const getQueue = (q: QueueQuery) =>
  staffJson<QueuePage>(
    `/api/triage/incidents${qs({
      status: q.status,
      category: q.category,
      department: q.department,
      district: q.district,
      priority: q.priority,
      sla: q.sla,
      minAgeHours: q.minAgeHours,
      maxAgeHours: q.maxAgeHours,
      sort: q.sort,
      limit: q.limit,
      offset: q.offset,
    })}`,
  );

export interface TimelineEntry {
  id: number;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  public: boolean;
  actor: { kind: string | null; id?: number; name?: string | null };
  at: string;
}

export interface StaffPhoto {
  id: number;
  status: string;
  url: string | null;
  thumbnailUrl: string | null;
  width: number | null;
  height: number | null;
}

export interface AssetDetail {
  id: number;
  layer: { id: string; name: Names; group: string };
  externalId: string | null;
  name: string | null;
  properties: Record<string, unknown>;
  condition: string | null;
  criticality: number | null;
  installDate: string | null;
  distanceM: number | null;
  location: { type: 'Point'; coordinates: [number, number] };
  history: {
    incidents: { id: number; number: string; status: string; category: string; createdAt: string; resolvedAt: string | null }[];
    workOrders: { id: number; kind: string; title: string; status: string; department: string; startedAt: string | null; finishedAt: string | null; actualCost: string | number | null; createdAt: string }[];
    inspections: { id: number; kind: string; inspectedOn: string; result: string; nextDue: string }[];
  };
}

export interface IncidentDetail {
  incident: QueueItem & {
    publicId: string;
    answers: Record<string, unknown>;
    moderationReason: string | null;
    sensitive: boolean;
    anonymous: boolean;
    contact: { name: string | null; email: string | null; phone: string | null } | null;
    mergedDuplicates: { id: number; number: string }[];
    readyToClose?: { at: string; workOrderId: number | null } | null;
  };
  photos: (StaffPhoto & { createdAt: string })[];
  timeline: TimelineEntry[];
  asset: AssetDetail | null;
  workOrders: { id: number; kind: string; title: string; status: string; department: string; createdAt: string }[];
  nearby: { id: number; number: string; status: string; category: string; createdAt: string; supportCount: number; distanceM: number; sameCategory: boolean }[];
  permissions: { write: boolean };
}

export const getIncidentDetail = (id: number) => staffJson<IncidentDetail>(`/api/triage/incidents/${id}`);

export interface Changes {
  status?: { status: string; note?: string };
  priority?: string;
  departmentId?: string;
  assignedTo?: number | null;
  category?: string;
}

export const patchIncident = (id: number, set: Changes) => staffJson<unknown>(`/api/triage/incidents/${id}`, { method: 'PATCH', json: set });
export const bulkIncidents = (ids: number[], set: Omit<Changes, 'category'>) => staffJson<{ updated: number }>('/api/triage/incidents/bulk', { method: 'POST', json: { ids, set } });
export const moveStatus = (id: number, status: string, note?: string) => staffJson<unknown>(`/api/triage/incidents/${id}/status`, { method: 'POST', json: { status, ...(note ? { note } : {}) } });
export const addNote = (id: number, text: string, isPublic: boolean) => staffJson<unknown>(`/api/triage/incidents/${id}/notes`, { method: 'POST', json: { text, public: isPublic } });
export const mergeInto = (duplicateId: number, masterId: number) => staffJson<unknown>(`/api/triage/incidents/${duplicateId}/merge`, { method: 'POST', json: { into: masterId } });

/** A snapshot or stream Feature (lib/staff-incident.ts) as a map row. */
export function leanFromFeature(f: StaffIncidentFeature): LeanIncident {
  const p = f.properties;
  return {
    id: f.id,
    number: p.number,
    lon: f.geometry.coordinates[0],
    lat: f.geometry.coordinates[1],
    status: p.status,
    priority: p.priority,
    category: p.category,
    department: p.department,
    district: p.district,
    sla: p.sla,
    // Epoch seconds on the wire; milliseconds on the map.
    created: p.created * 1000,
  };
}

/**
 * Every report in scope as the binary column snapshot (one request at start; the stream,
 * resumed from the snapshot's feed position, keeps it current).
 */
export async function getMapColumns(): Promise<StaffIncidentColumns> {
  const res = await fetch('/api/triage/incidents.columns', { headers: { Accept: 'application/octet-stream' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    const err = new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `${res.status} ${res.statusText}`);
    if (res.status === 401) expired();
    throw err;
  }
  return decodeStaffIncidentColumns(await res.arrayBuffer());
}

export const STAFF_STREAM_URL = '/api/triage/stream';
/** The stream from just after a snapshot's feed position: nothing between the two is missed. */
export const staffStreamUrl = (afterFeedId: number) => `${STAFF_STREAM_URL}?lastEventId=${afterFeedId}`;

// ---- work orders -----------------------------------------------------------------------------------

export type { DueInspection, Inspection, NewWorkOrder, RegistryMeta, WorkOrder } from '../../../lib/registries.schema.ts';

export const getRegistryMeta = () => staffJson<RegistryMeta>('/api/registries/meta');
export const listWorkOrders = (q: { kind?: string; status?: string; asset?: number; limit?: number; before?: number }) => staffJson<WorkOrderList>(`/api/registries/work-orders${qs(q)}`);
export const getWorkOrder = async (id: number) => (await staffJson<{ workOrder: WorkOrder }>(`/api/registries/work-orders/${id}`)).workOrder;
export const transitionWorkOrder = async (id: number, to: WorkOrderTransition['to'], reason?: string, version?: number, publicNote?: string) => {
  const body: WorkOrderTransition = { to, ...(reason ? { reason } : {}), ...(version ? { version } : {}), ...(publicNote ? { publicNote } : {}) };
  return (await staffJson<TransitionAnswer>(`/api/registries/work-orders/${id}/transitions`, { method: 'POST', json: body })).workOrder;
};
export const patchWorkOrder = async (id: number, body: WorkOrderPatch) => (await staffJson<{ workOrder: WorkOrder }>(`/api/registries/work-orders/${id}`, { method: 'PATCH', json: body })).workOrder;

export const createWorkOrder = async (body: NewWorkOrder) => (await staffJson<{ workOrder: WorkOrder }>('/api/registries/work-orders', { method: 'POST', json: body })).workOrder;
export const workOrdersCsvUrl = (kind?: string) => `/api/registries/work-orders.csv${qs({ kind })}`;

export const listInspections = (q: { asset?: number; limit?: number } = {}) => staffJson<InspectionList>(`/api/registries/inspections${qs(q)}`);
export const listDueInspections = () => staffJson<DueList>('/api/registries/inspections/due');

/** A staff-visible URL for a photo derivative by its hash (the triage photo route). */
export const photoUrl = (sha256: string) => `/api/triage/photos/${sha256}.jpg`;
/** Photos attached to a work order (crew before/after shots), served by the crew module's photo route. */
export const workOrderPhotoUrl = (sha256: string) => `/api/crew/photos/${sha256}.jpg`;

/** A work order from one or more reports (triage.work-orders.routes.ts): asset, kind and place follow the first report with an asset. */
export interface TriageWorkOrder {
  incidentIds: number[];
  /** Without it the server generates it per locale from the first report. */
  title?: string;
  description?: string;
  kind?: string;
  departmentId?: string;
  status?: 'planned' | 'scheduled';
  plannedStart?: string;
  plannedEnd?: string;
  startIncidents?: boolean;
  crew?: number[];
}
export const createWorkOrderFromIncidents = async (body: TriageWorkOrder) =>
  (await staffJson<{ workOrder: { id: number; kind: string; title: string; status: string; department: string; asset: number | null; incidentIds: number[] } }>('/api/triage/work-orders', { method: 'POST', json: body })).workOrder;
