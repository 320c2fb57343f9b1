/**
 * The citizen reports follow the work order that answers them (migrations/0080). Called in the
 * transaction that moves the work order, by the registries route and by the crew's phone route,
 * so whichever screen moved the work the reports, their public timeline, the status emails and
 * the audit trail move with it, or nothing does.
 *
 *   started (-> in_progress)  submitted / acknowledged reports -> in_progress, public update
 *   done                      open reports -> resolved with the crew's note as the public update;
 *                             reports of a category that requires a check are only marked
 *                             "ready to close" for the desk (internal timeline row)
 *   verified                  the reports still marked ready to close -> resolved
 *   done -> in_progress       (verification failed) the ready-to-close marks are dropped
 */
import type { Context } from 'hono';
import type { PgBoss } from 'pg-boss';
import { changeIncident } from '../incidents/changes.service.ts';
import { insertEvent, type Db, type IncidentOwnerRow } from '../incidents/incidents.sql.ts';

/** Public timeline text when the crew leaves no note: both languages, as the merge note does. */
export const STARTED_NOTE = 'Το συνεργείο του Δήμου ξεκίνησε την εργασία. / The municipality’s crew has started the work.';
export const DONE_NOTE = 'Η εργασία ολοκληρώθηκε. / The work has been completed.';

interface LinkedReport extends IncidentOwnerRow {
  requires_check: boolean;
  ready_to_close_work_order: number | null;
}

export interface FollowUpResult {
  /** Reports whose status moved, with the public event the status email is sent for. */
  moved: { id: number; number: string; from: string; to: string; eventId: number }[];
  /** Reports now waiting for the desk's check. */
  readyToClose: { id: number; number: string }[];
}

async function linkedReports(tx: Db, workOrderId: number): Promise<LinkedReport[]> {
  // Locked in id order: a triage bulk action over the same reports locks in the same order.
  return tx<LinkedReport[]>`
    select i.id, i.protocol_number as number, i.status, i.category_id, i.department_id, i.assigned_to, i.priority, i.hidden,
           i.needs_moderation, i.asset_id, st_x(i.geom) as lon, st_y(i.geom) as lat, c.requires_check, i.ready_to_close_work_order
    from work_order_incidents wi
    join incidents i on i.id = wi.incident_id
    join categories c on c.id = i.category_id
    where wi.work_order_id = ${workOrderId}
    order by i.id
    for update of i`;
}

export async function followWorkOrder(
  tx: Db,
  ctx: { c: Context | null; boss: PgBoss | null; actorUserId: number },
  move: { workOrderId: number; from: string; to: string; publicNote: string | null },
): Promise<FollowUpResult> {
  const result: FollowUpResult = { moved: [], readyToClose: [] };
  const { workOrderId, from, to } = move;
  const note = move.publicNote?.trim() || null;
  if (to === 'done' && note) await tx`update work_orders set completion_note = ${note} where id = ${workOrderId}`;
  const reports = await linkedReports(tx, workOrderId);
  if (reports.length === 0) return result;

  const moveReport = async (r: LinkedReport, status: string, text: string) => {
    const ev = await changeIncident(tx, { c: ctx.c, userId: ctx.actorUserId, boss: ctx.boss }, r, { status: { status, note: text, reason: `work order ${workOrderId} ${to}` } });
    await insertEvent(tx, { incidentId: r.id, kind: 'work_order', note: `work order ${workOrderId}: ${from} → ${to}`, public: false, actorUserId: ctx.actorUserId });
    result.moved.push({ id: r.id, number: r.number, from: r.status, to: status, eventId: ev.statusEventId! });
  };

  if (to === 'in_progress' && from !== 'done') {
    for (const r of reports) if (r.status === 'submitted' || r.status === 'acknowledged') await moveReport(r, 'in_progress', STARTED_NOTE);
  } else if (to === 'in_progress' && from === 'done') {
    await tx`update incidents set ready_to_close_at = null, ready_to_close_work_order = null
             where ready_to_close_work_order = ${workOrderId}`;
  } else if (to === 'done') {
    for (const r of reports) {
      if (!['submitted', 'acknowledged', 'in_progress'].includes(r.status)) continue;
      if (r.requires_check) {
        await tx`update incidents set ready_to_close_at = now(), ready_to_close_work_order = ${workOrderId} where id = ${r.id}`;
        await insertEvent(tx, { incidentId: r.id, kind: 'work_order', note: `work order ${workOrderId} done: check the work, then close the report`, public: false, actorUserId: ctx.actorUserId });
        result.readyToClose.push({ id: r.id, number: r.number });
      } else {
        await moveReport(r, 'resolved', note ?? DONE_NOTE);
      }
    }
  } else if (to === 'verified') {
    const [{ completion_note }] = await tx<{ completion_note: string | null }[]>`select completion_note from work_orders where id = ${workOrderId}`;
    for (const r of reports) {
      if (r.ready_to_close_work_order === workOrderId && ['submitted', 'acknowledged', 'in_progress'].includes(r.status)) await moveReport(r, 'resolved', completion_note ?? DONE_NOTE);
    }
  }
  return result;
}
