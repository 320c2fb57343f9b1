/**
 * The one write path for staff changes to a report: the lifecycle route, the triage desk (single,
 * bulk, merge, moderation, notes), work orders opened from reports and the reports' follow-up of
 * a work order all call changeIncident. Each change writes its timeline row, its audit row and,
 * for a public event, the status-email job, in the caller's transaction, so a bulk action over
 * 500 reports either happens entirely or not at all.
 *
 * The caller has locked the report and checked write scope (writableIncident); this file checks
 * what the change itself must satisfy (transition table, category, assignee, merge target).
 */
import type { Context } from 'hono';
import type { PgBoss } from 'pg-boss';
import { unprocessable } from '../../errors.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { recordAudit } from '../audit/audit.ts';
import { departmentExists } from '../auth/auth.sql.ts';
import {
  changeCategory,
  changeStatus,
  findAssignee,
  findPlaceContext,
  getCategory,
  insertEvent,
  isTransitionAllowed,
  mergeIncident,
  setAssignee,
  setDepartment,
  setDescription,
  setModeration,
  setPriority,
  type Db,
  type IncidentOwnerRow,
  type PlaceContext,
} from './incidents.sql.ts';

/** Who changes the report: the request (for the audit row's actor, IP and request id), the account and the job queue. */
export interface ChangeActor {
  c: Context | null;
  userId: number;
  boss: PgBoss | null;
}

/** What one call may change; the parts apply in this order. */
export interface IncidentChange {
  /** Recategorise: department, SLA and asset link follow the new category. */
  category?: string;
  departmentId?: string;
  /** A user id, or null to unassign. */
  assignedTo?: number | null;
  priority?: string;
  /** A status move; `note` is public (timeline and email), `reason` goes to the audit row only (default: the note). */
  status?: { status: string; note?: string | null; duplicateOf?: number | null; reason?: string };
  /** Publish or hide, and/or edit the public description (the original stays in the audit row). */
  moderation?: { publish?: boolean; description?: string; reason?: string | null };
  /** Merge into a master report (incident_merge in 0030 carries supporters and subscribers). */
  merge?: { master: IncidentOwnerRow; note?: string | null };
  /** An internal note, or a public update (timeline and email to the report's subscribers). */
  note?: { text: string; public: boolean };
}

export interface ChangeResult {
  /** The public event the status email is sent for, when the status moved or the report was merged. */
  statusEventId: number | null;
  /** The note's timeline event. */
  noteEventId: number | null;
  /** Where a recategorised report now points (asset link, duplicate candidate). */
  place: PlaceContext | null;
}

/** The status-email job for a public event, idempotent per event. */
const announce = (tx: Db, actor: ChangeActor, eventId: number) => enqueueInTx(actor.boss, tx, 'status-email', { eventId }, stableUuid(`status-email:${eventId}`));

/** Applies `ch` to one locked, writable report. */
export async function changeIncident(tx: Db, actor: ChangeActor, inc: IncidentOwnerRow, ch: IncidentChange): Promise<ChangeResult> {
  const { c, userId } = actor;
  const audit = (action: string, e: { before?: Record<string, unknown>; after: Record<string, unknown>; reason?: string | null }) =>
    recordAudit(tx, c, { action, objectType: 'incident', objectId: inc.id, ...e });
  const internal = (kind: string, note: string) => insertEvent(tx, { incidentId: inc.id, kind, note, public: false, actorUserId: userId });
  const result: ChangeResult = { statusEventId: null, noteEventId: null, place: null };
  let department = inc.department_id;

  if (ch.category !== undefined && ch.category !== inc.category_id) {
    const category = await getCategory(tx, ch.category);
    if (!category || !category.active) throw unprocessable('unknown_category', `no category ${ch.category}`);
    // The asset link is re-snapped to the new category's layers around the report's point.
    const place = await findPlaceContext(tx, { lon: inc.lon, lat: inc.lat, category, excludeIncidentId: inc.id });
    await changeCategory(tx, { id: inc.id, category, place, note: null, actorUserId: userId });
    await audit('incident.category', {
      before: { category: inc.category_id, department: inc.department_id },
      after: { category: category.id, department: category.department_id, assetId: place.asset_id },
    });
    department = category.department_id;
    result.place = place;
  }

  if (ch.departmentId !== undefined && ch.departmentId !== department) {
    if (!(await departmentExists(tx, ch.departmentId))) throw unprocessable('unknown_department', `no department ${ch.departmentId}`);
    await setDepartment(tx, inc.id, ch.departmentId);
    await internal('department', `${department} → ${ch.departmentId}`);
    await audit('incident.department', { before: { department }, after: { department: ch.departmentId } });
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
    await internal('assignment', ch.assignedTo === null ? 'unassigned' : `assigned to user ${ch.assignedTo}`);
    await audit('incident.assign', { before: { assignedTo: inc.assigned_to }, after: { assignedTo: ch.assignedTo } });
  }

  if (ch.priority !== undefined && ch.priority !== inc.priority) {
    await setPriority(tx, inc.id, ch.priority);
    await internal('priority', `${inc.priority} → ${ch.priority}`);
    await audit('incident.priority', { before: { priority: inc.priority }, after: { priority: ch.priority } });
  }

  if (ch.status !== undefined) {
    const { status, duplicateOf = null } = ch.status;
    const note = ch.status.note ?? null;
    if (status === 'rejected' && !note) throw unprocessable('reason_required', 'a rejection needs a note: the reason the citizen will read');
    if (!(await isTransitionAllowed(tx, inc.status, status))) {
      throw unprocessable('invalid_transition', `report ${inc.number}: ${inc.status} → ${status} is not allowed`, { id: inc.id, from: inc.status, to: status });
    }
    const r = await changeStatus(tx, { id: inc.id, status, note, actorUserId: userId, duplicateOf });
    await audit('incident.status', { before: { status: r.from_status }, after: { status, ...(duplicateOf ? { duplicateOf } : {}) }, reason: ch.status.reason ?? note });
    await announce(tx, actor, r.event_id);
    result.statusEventId = r.event_id;
  }

  if (ch.moderation !== undefined) {
    const m = ch.moderation;
    const before = await moderationState(tx, inc.id);
    // The original text goes to incident_moderated_texts (erased with the report's personal data by
    // the retention job), never to the append-only audit log, which records only that it was moderated.
    const edited = m.description !== undefined && m.description !== before.description;
    if (edited) {
      await tx`insert into incident_moderated_texts (incident_id, original, moderated_by) values (${inc.id}, ${before.description}, ${userId})`;
      await setDescription(tx, inc.id, m.description!);
      await internal('moderation', 'description edited');
    }
    if (m.publish !== undefined) await setModeration(tx, { id: inc.id, publish: m.publish, actorUserId: userId });
    const after = await moderationState(tx, inc.id);
    await audit('incident.moderation', {
      before: { hidden: before.hidden, needsModeration: before.needsModeration },
      after: { descriptionModerated: edited, hidden: after.hidden, needsModeration: after.needsModeration },
      reason: m.reason ?? null,
    });
  }

  if (ch.merge !== undefined) {
    const { master } = ch.merge;
    if (master.id === inc.id) throw unprocessable('invalid_merge', 'a report cannot be merged into itself');
    if (master.status === 'duplicate') throw unprocessable('invalid_merge', `report ${master.number} is itself a duplicate; merge into its master`);
    if (!(await isTransitionAllowed(tx, inc.status, 'duplicate'))) throw unprocessable('invalid_transition', `report ${inc.number}: ${inc.status} → duplicate is not allowed`);
    const eventId = await mergeIncident(tx, { duplicateId: inc.id, masterId: master.id, actorUserId: userId, note: ch.merge.note ?? null });
    await audit('incident.merge', { before: { status: inc.status, duplicateOf: null }, after: { status: 'duplicate', duplicateOf: master.id }, reason: ch.merge.note ?? null });
    await announce(tx, actor, eventId);
    result.statusEventId = eventId;
  }

  if (ch.note !== undefined) {
    const ev = await insertEvent(tx, { incidentId: inc.id, kind: 'note', note: ch.note.text, public: ch.note.public, actorUserId: userId });
    if (ch.note.public) {
      await audit('incident.public_update', { after: { eventId: ev } });
      await announce(tx, actor, ev);
    }
    result.noteEventId = ev;
  }
  return result;
}

async function moderationState(tx: Db, id: number) {
  const [row] = await tx<{ description: string; hidden: boolean; needs_moderation: boolean }[]>`
    select description, hidden, needs_moderation from incidents where id = ${id}`;
  return { description: row!.description, hidden: row!.hidden, needsModeration: row!.needs_moderation };
}
