/**
 * The changes a triage desk makes to a report, shared by the single-report PATCH and the bulk
 * action: each change writes its timeline row and its audit row in the caller's transaction, so
 * a bulk action over 500 reports either happens entirely or not at all.
 */
import type { Context } from 'hono';
import type { PgBoss } from 'pg-boss';
import { unprocessable } from '../../errors.ts';
import type { Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { departmentExists } from '../auth/auth.sql.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { recategoriseIncident } from '../incidents/incidents.service.ts';
import { changeStatus, getCategory, isTransitionAllowed, type IncidentOwnerRow } from '../incidents/incidents.sql.ts';
import type { Changes } from './triage.schema.ts';
import { findAssignee, insertEvent, setAssignee, setDepartment, setPriority, type Db } from './triage.sql.ts';

export interface ChangeContext {
  c: Context;
  staff: Staff;
  boss: PgBoss | null;
}

/** Applies `ch` to one locked, writable report. Returns the public status event id, if any. */
export async function applyChanges(tx: Db, ctx: ChangeContext, inc: IncidentOwnerRow, ch: Changes): Promise<{ statusEventId: number | null }> {
  const { c, staff, boss } = ctx;
  let department = inc.department_id;

  if (ch.category !== undefined && ch.category !== inc.category_id) {
    const category = await getCategory(tx, ch.category);
    if (!category || !category.active) throw unprocessable('unknown_category', `no category ${ch.category}`);
    const place = await recategoriseIncident(tx, { id: inc.id, lon: inc.lon, lat: inc.lat, category, note: null, actorUserId: staff.id });
    await recordAudit(tx, c, {
      action: 'incident.category',
      objectType: 'incident',
      objectId: inc.id,
      before: { category: inc.category_id, department: inc.department_id },
      after: { category: category.id, department: category.department_id, assetId: place.asset_id },
    });
    department = category.department_id;
  }

  if (ch.departmentId !== undefined && ch.departmentId !== department) {
    if (!(await departmentExists(tx, ch.departmentId))) throw unprocessable('unknown_department', `no department ${ch.departmentId}`);
    await setDepartment(tx, inc.id, ch.departmentId);
    await insertEvent(tx, { incidentId: inc.id, kind: 'department', note: `${department} → ${ch.departmentId}`, public: false, actorUserId: staff.id });
    await recordAudit(tx, c, { action: 'incident.department', objectType: 'incident', objectId: inc.id, before: { department }, after: { department: ch.departmentId } });
    department = ch.departmentId;
  }

  if (ch.assignedTo !== undefined && ch.assignedTo !== inc.assigned_to) {
    if (ch.assignedTo !== null) {
      const who = await findAssignee(tx, ch.assignedTo);
      // Field staff work for their own department; dispatchers and admins can take anything.
      if (!who || !(who.role === 'admin' || who.role === 'dispatcher' || who.department_id === department)) {
        throw unprocessable('invalid_assignee', `user ${ch.assignedTo} cannot be assigned a ${department} report`);
      }
    }
    await setAssignee(tx, inc.id, ch.assignedTo);
    await insertEvent(tx, { incidentId: inc.id, kind: 'assignment', note: ch.assignedTo === null ? 'unassigned' : `assigned to user ${ch.assignedTo}`, public: false, actorUserId: staff.id });
    await recordAudit(tx, c, { action: 'incident.assign', objectType: 'incident', objectId: inc.id, before: { assignedTo: inc.assigned_to }, after: { assignedTo: ch.assignedTo } });
  }

  if (ch.priority !== undefined && ch.priority !== inc.priority) {
    await setPriority(tx, inc.id, ch.priority);
    await insertEvent(tx, { incidentId: inc.id, kind: 'priority', note: `${inc.priority} → ${ch.priority}`, public: false, actorUserId: staff.id });
    await recordAudit(tx, c, { action: 'incident.priority', objectType: 'incident', objectId: inc.id, before: { priority: inc.priority }, after: { priority: ch.priority } });
  }

  let statusEventId: number | null = null;
  if (ch.status !== undefined) {
    const { status, note } = ch.status;
    if (!(await isTransitionAllowed(tx, inc.status, status))) {
      throw unprocessable('invalid_transition', `report ${inc.number}: ${inc.status} → ${status} is not allowed`, { id: inc.id, from: inc.status, to: status });
    }
    const r = await changeStatus(tx, { id: inc.id, status, note: note ?? null, actorUserId: staff.id, duplicateOf: null });
    await recordAudit(tx, c, { action: 'incident.status', objectType: 'incident', objectId: inc.id, before: { status: r.from_status }, after: { status }, reason: note ?? null });
    await enqueueInTx(boss, tx, 'status-email', { eventId: r.event_id }, stableUuid(`status-email:${r.event_id}`));
    statusEventId = r.event_id;
  }
  return { statusEventId };
}
