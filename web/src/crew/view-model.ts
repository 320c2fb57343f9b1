/**
 * What the crew member sees = the server's last answer + their own changes still in the outbox.
 * Pure (no DOM, no storage) and unit-tested: the list after an offline reload must show exactly
 * what was done offline, no more, no less.
 */
import type { WorkOrderStatus } from '../../../lib/registries.schema.ts';
import type { CrewNote, CrewOrder, Op, Transition } from './api.ts';

export interface PendingPhoto {
  opId: string;
  phase: 'before' | 'after';
  blob: Blob;
}

export interface OrderView extends CrewOrder {
  /** Changes to this order not yet on the server. */
  pendingCount: number;
  pendingNotes: (CrewNote & { opId: string })[];
  pendingPhotos: PendingPhoto[];
  /** The status the server has (the shown `status` may be a queued change). */
  serverStatus: WorkOrderStatus;
  /** Version the next queued status change is based on. */
  baseVersion: number;
}

export function applyPending(orders: CrewOrder[], ops: Op[]): OrderView[] {
  const views = new Map<number, OrderView>(
    orders.map((o) => [o.id, { ...o, pendingCount: 0, pendingNotes: [], pendingPhotos: [], serverStatus: o.status, baseVersion: o.version }]),
  );
  for (const op of [...ops].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    const v = views.get(op.workOrderId);
    // A change for an order no longer on today's list still waits in the queue and is sent;
    // it just has no card to show on.
    if (!v) continue;
    v.pendingCount++;
    if (op.kind === 'transition') v.status = op.to;
    else if (op.kind === 'note') v.pendingNotes.push({ id: -1, body: op.body, author: null, authorId: op.userId, addedAt: op.createdAt, opId: op.opId });
    else v.pendingPhotos.push({ opId: op.opId, phase: op.phase, blob: op.blob });
  }
  return [...views.values()];
}

/** The statuses the user may move an order to from the status they see now. */
export function nextStatuses(status: WorkOrderStatus, transitions: Transition[]): WorkOrderStatus[] {
  const order: WorkOrderStatus[] = ['planned', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled'];
  return transitions
    .filter((t) => t.from === status)
    .map((t) => t.to)
    .sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Before work starts a photo shows the "before" state; once it is under way, "after". */
export function defaultPhase(status: string): 'before' | 'after' {
  return status === 'planned' || status === 'scheduled' ? 'before' : 'after';
}

/** Bounds [w, s, e, n] around every order's point and asset, for framing the map. */
export function boundsOf(orders: Pick<CrewOrder, 'location' | 'asset'>[]): [number, number, number, number] | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const add = ([x, y]: number[]) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    w = Math.min(w, x!);
    e = Math.max(e, x!);
    s = Math.min(s, y!);
    n = Math.max(n, y!);
  };
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') add(c as number[]);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const o of orders) {
    add(o.location.coordinates);
    const g = o.asset?.geometry;
    if (g && 'coordinates' in g) walk(g.coordinates);
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
