/**
 * Staff calls of the control room: the triage desk (api/src/modules/triage), the incident
 * lifecycle (api/src/modules/incidents), the repair registries (api/src/modules/registries) and
 * statistics (api/src/modules/stats). Every call goes through `staffJson`, which turns a 401
 * (session expired or revoked) into a page-wide sign-out.
 */
import type { Category, CategoryList, Department, DepartmentList } from '../../../lib/categories.schema.ts';
import type { StaffIncidentFeature } from '../../../lib/staff-incident.ts';
import type {
  BulkResult,
  Changed,
  IncidentDetail,
  Merged,
  NoteAdded,
  QueuePage,
  TriageChanges,
  TriageMeta,
  TriageWorkOrderCreated,
  TriageWorkOrderInput,
} from '../../../lib/triage.schema.ts';
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

export type { Category, Department };
export interface District {
  code: string;
  name: Names;
}

export const getCategories = async () => (await fetchJson<CategoryList>('/api/categories')).categories;
export const getDepartments = async () => (await fetchJson<DepartmentList>('/api/departments')).departments;

// ---- triage --------------------------------------------------------------------------------------

// The triage desk's answers are typed by its contract (lib/triage.schema.ts), re-exported for the panels.
export type { AssetDetail, Changed, IncidentDetail, QueueItem, QueuePage, StaffPhoto, TimelineEntry, TriageMeta, TriageWorkOrderInput } from '../../../lib/triage.schema.ts';

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

export const getIncidentDetail = (id: number) => staffJson<IncidentDetail>(`/api/triage/incidents/${id}`);

/** What one PATCH may change (lib/triage.schema.ts ChangesSchema). */
export type Changes = TriageChanges;

export const patchIncident = (id: number, set: Changes) => staffJson<Changed>(`/api/triage/incidents/${id}`, { method: 'PATCH', json: set });
export const bulkIncidents = (ids: number[], set: Omit<Changes, 'category'>) => staffJson<BulkResult>('/api/triage/incidents/bulk', { method: 'POST', json: { ids, set } });
export const moveStatus = (id: number, status: string, note?: string) => staffJson<Changed>(`/api/triage/incidents/${id}/status`, { method: 'POST', json: { status, ...(note ? { note } : {}) } });
export const addNote = (id: number, text: string, isPublic: boolean) => staffJson<NoteAdded>(`/api/triage/incidents/${id}/notes`, { method: 'POST', json: { text, public: isPublic } });
export const mergeInto = (duplicateId: number, masterId: number) => staffJson<Merged>(`/api/triage/incidents/${duplicateId}/merge`, { method: 'POST', json: { into: masterId } });

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
export const createWorkOrderFromIncidents = async (body: TriageWorkOrderInput) =>
  (await staffJson<TriageWorkOrderCreated>('/api/triage/work-orders', { method: 'POST', json: body })).workOrder;
