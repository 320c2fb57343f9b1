/**
 * The crew API as the phone sees it (api/src/modules/crew/crew.routes.ts), and the one function
 * that sends a queued operation and classifies the answer for the outbox.
 */
import { ApiError, fetchJson } from '../api-client.ts';
import type { CrewChange, Today } from '../../../lib/crew.schema.ts';
import type { WorkOrderStatus } from '../../../lib/registries.schema.ts';

export type { CrewNote, CrewOrder, CrewPhoto, CrewReport, Today, Transition } from '../../../lib/crew.schema.ts';

export const getToday = () => fetchJson<Today>('/api/crew/today', { cache: 'no-store' });

/** A change made on the phone, waiting in the outbox (IndexedDB) until the server has it. */
export type Op =
  | { seq?: number; opId: string; userId: number; workOrderId: number; createdAt: string; kind: 'transition'; from: WorkOrderStatus; to: WorkOrderStatus; version: number; publicNote?: string }
  | { seq?: number; opId: string; userId: number; workOrderId: number; createdAt: string; kind: 'note'; body: string }
  | { seq?: number; opId: string; userId: number; workOrderId: number; createdAt: string; kind: 'photo'; phase: 'before' | 'after'; blob: Blob };

/** What became of one send, as the outbox needs to know it. */
export type SendOutcome =
  | { type: 'applied'; workOrder: CrewChange['workOrder']; replayed: boolean }
  /** 409: the order changed elsewhere. Drop the op, refetch, show the user. */
  | { type: 'conflict'; code: string; message: string; current: { status?: string; version?: number } }
  /** Another 4xx: the server will never take this op. Drop it and say so. */
  | { type: 'rejected'; status: number; code: string; message: string }
  /** 401: keep the op, ask the user to sign in again. */
  | { type: 'auth' }
  /** No answer, a 5xx, 408 or 429: keep the op and try later. */
  | { type: 'retry'; message: string };

function classify(err: unknown): SendOutcome {
  if (err instanceof ApiError) {
    if (err.status === 401) return { type: 'auth' };
    if (err.status === 409) return { type: 'conflict', code: err.code, message: err.message, current: (err as ApiError & { details?: { status?: string; version?: number } }).details ?? {} };
    if (err.status === 408 || err.status === 429 || err.status >= 500 || err.status === 0) return { type: 'retry', message: err.message };
    return { type: 'rejected', status: err.status, code: err.code, message: err.message };
  }
  // fetch() rejects only when there is no answer at all (offline, connection reset).
  return { type: 'retry', message: (err as Error)?.message ?? 'network error' };
}

/** Like fetchJson but keeps the error's details (the 409 carries the current status). */
async function request<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, cache: 'no-store', headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // An HTML error page from a proxy: the status says enough.
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const err = new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `${res.status} ${res.statusText}`);
    (err as ApiError & { details?: unknown }).details = e?.details;
    throw err;
  }
  return body as T;
}

export async function sendOp(op: Op): Promise<SendOutcome> {
  const base = `/api/crew/work-orders/${op.workOrderId}`;
  try {
    let r: CrewChange;
    if (op.kind === 'transition') {
      r = await request(`${base}/transitions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ opId: op.opId, from: op.from, to: op.to, version: op.version, ...(op.publicNote ? { publicNote: op.publicNote } : {}) }) });
    } else if (op.kind === 'note') {
      r = await request(`${base}/notes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ opId: op.opId, body: op.body }) });
    } else {
      r = await request(`${base}/photos?op=${encodeURIComponent(op.opId)}&phase=${op.phase}`, { method: 'POST', headers: { 'Content-Type': op.blob.type || 'image/jpeg' }, body: op.blob });
    }
    return { type: 'applied', workOrder: r.workOrder, replayed: r.replayed };
  } catch (err) {
    return classify(err);
  }
}
