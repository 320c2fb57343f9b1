/**
 * The alert workflow moves that span several statements: save content, approve, issue (with the
 * ledger and the fan-out job in the same transaction, F6) and start an Update or a Cancel.
 * Every move writes its audit row in the same transaction.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../../deps.ts';
import type { Db } from '../../db.ts';
import { AppError, conflict, notFound, unprocessable } from '../../errors.ts';
import type { Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { checkedArea } from '../risk-zones/risk-zones.routes.ts';
import type { AlertContent } from '../../../../lib/alerts.schema.ts';
import { insertAlertDraft, insertLedger, lockAlert, replaceContent, setAlertState, updateAlertHeader } from './alerts.sql.ts';

type Tx = Db;
const txOf = (t: unknown) => t as Tx;

async function validArea(deps: AppDeps, content: AlertContent) {
  if (content.area.polygon === undefined) return null;
  return checkedArea(deps, content.area.polygon);
}

async function zonesExist(sql: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const [r] = await sql<{ n: number }[]>`select count(*)::int as n from risk_zones where id = any(${ids}::bigint[])`;
  if (r!.n !== new Set(ids).size) throw unprocessable('unknown_zone', 'a risk zone of the area does not exist');
}

function checkTimes(content: AlertContent): void {
  for (const i of content.info) {
    if (i.onset && Date.parse(i.expires) <= Date.parse(i.onset)) throw unprocessable('invalid_expiry', 'expires must be after onset');
  }
}

export async function createDraft(deps: AppDeps, c: Context, staff: Staff, content: AlertContent, o: { msgType?: 'Alert' | 'Update' | 'Cancel'; referencesId?: number; clientKey?: string | null } = {}) {
  checkTimes(content);
  const polygon = await validArea(deps, content);
  await zonesExist(deps.sql, content.area.zoneIds);
  return deps.sql.begin(async (t) => {
    const tx = txOf(t);
    const r = await insertAlertDraft(tx, {
      sender: deps.config.capSender,
      identifierPrefix: deps.config.capIdentifierPrefix,
      status: content.status,
      msgType: o.msgType ?? 'Alert',
      note: content.note ?? null,
      referencesId: o.referencesId ?? null,
      template: content.template ?? null,
      createdBy: staff.id,
      clientKey: o.clientKey ?? null,
    });
    if (!r.created) return r;
    await replaceContent(tx, r.id, content, polygon);
    await recordAudit(tx, c, { action: 'alert.draft', objectType: 'alert', objectId: r.id, after: { msgType: o.msgType ?? 'Alert', referencesId: o.referencesId ?? null, status: content.status } });
    return r;
  });
}

/** Replaces the content of a draft (or of a submitted / approved alert, which voids the approval: Z7). */
export async function saveContent(deps: AppDeps, c: Context, staff: Staff, id: number, content: AlertContent) {
  checkTimes(content);
  const polygon = await validArea(deps, content);
  await zonesExist(deps.sql, content.area.zoneIds);
  await deps.sql.begin(async (t) => {
    const tx = txOf(t);
    const a = await lockAlert(tx, id);
    if (!a || a.origin !== 'local') throw notFound('no such alert');
    if (!['draft', 'submitted', 'approved'].includes(a.state)) throw conflict('not_editable', `the alert is ${a.state}; start an Update instead`);
    await updateAlertHeader(tx, id, { status: content.status, note: content.note ?? null, template: content.template ?? null });
    await replaceContent(tx, id, content, polygon);
    await recordAudit(tx, c, { action: 'alert.edit', objectType: 'alert', objectId: id, before: { state: a.state }, reason: a.state === 'draft' ? null : 'edit voids the approval' });
  });
  void staff;
}

export async function submit(deps: AppDeps, c: Context, id: number) {
  await deps.sql.begin(async (t) => {
    const tx = txOf(t);
    const a = await lockAlert(tx, id);
    if (!a || a.origin !== 'local') throw notFound('no such alert');
    if (a.state === 'submitted') return;
    if (a.state !== 'draft') throw conflict('invalid_state', `the alert is ${a.state}`);
    await setAlertState(tx, id, ['draft'], 'submitted');
    await recordAudit(tx, c, { action: 'alert.submit', objectType: 'alert', objectId: id });
  });
}

/** The approver approves exactly the content they saw: its hash must still be the alert's (Z7). */
export async function approve(deps: AppDeps, c: Context, staff: Staff, id: number, contentHash: string) {
  await deps.sql.begin(async (t) => {
    const tx = txOf(t);
    const a = await lockAlert(tx, id);
    if (!a || a.origin !== 'local') throw notFound('no such alert');
    if (a.created_by === staff.id) {
      await recordAudit(tx, c, { action: 'authz.denied', objectType: 'alert', objectId: id, reason: 'the author cannot approve their own alert' });
      throw new AppError(403, 'same_person', 'a different person than the author must approve');
    }
    if (a.state !== 'submitted') throw conflict('invalid_state', `the alert is ${a.state}`);
    const [h] = await tx<{ h: string }[]>`select encode(alert_content_hash(${id}), 'hex') as h`;
    if (h!.h !== contentHash) throw conflict('content_changed', 'the alert changed since you opened it; review it again');
    await setAlertState(tx, id, ['submitted'], 'approved', { approvedBy: staff.id, approvedHash: Buffer.from(contentHash, 'hex') });
    await recordAudit(tx, c, { action: 'alert.approve', objectType: 'alert', objectId: id, after: { contentHash } });
  });
}

/**
 * Issue: state, chain, ledger and fan-out job commit together or not at all (F6). Issuing an
 * issued alert again answers with the same result and changes nothing (double click, F12).
 */
export async function issue(deps: AppDeps, c: Context, staff: Staff, id: number, hooks: { afterLedger?: () => void } = {}): Promise<{ issued: boolean; deliveries: number }> {
  return deps.sql.begin(async (t) => {
    const tx = txOf(t);
    const a = await lockAlert(tx, id);
    if (!a || a.origin !== 'local') throw notFound('no such alert');
    if (a.state === 'issued') return { issued: false, deliveries: 0 };
    if (a.state !== 'approved') throw conflict('not_approved', `the alert is ${a.state}; it must be approved first`);
    if (a.references_id !== null) {
      // The original stops first: its pending sends see the new state at send time (Z9, F7).
      const original = await lockAlert(tx, a.references_id);
      if (!original || original.state !== 'issued') throw conflict('reference_not_current', 'the alert this refers to is no longer current');
      await setAlertState(tx, a.references_id, ['issued'], a.msg_type === 'Cancel' ? 'cancelled' : 'updated');
    }
    await setAlertState(tx, id, ['approved'], 'issued', { issuedBy: staff.id });
    const deliveries = await insertLedger(tx, id);
    hooks.afterLedger?.();
    await enqueueInTx(deps.boss, tx, 'alert-fan-out', { alertId: id }, stableUuid(`alert-fan-out:${id}`));
    await recordAudit(tx, c, { action: 'alert.issue', objectType: 'alert', objectId: id, after: { deliveries, msgType: a.msg_type, referencesId: a.references_id } });
    return { issued: true, deliveries };
  });
}

/** Starts an Update or a Cancel of an issued alert: a new draft in the chain with the content copied. */
export async function startFollowUp(deps: AppDeps, c: Context, staff: Staff, id: number, msgType: 'Update' | 'Cancel', clientKey: string | null) {
  const cancel = msgType === 'Cancel';
  return deps.sql.begin(async (t) => {
    const tx = txOf(t);
    const a = await lockAlert(tx, id);
    if (!a || a.origin !== 'local') throw notFound('no such alert');
    if (a.state !== 'issued' || a.msg_type === 'Cancel') throw conflict('invalid_state', `only an issued Alert or Update can be updated or cancelled (it is ${a.state})`);
    const r = await insertAlertDraft(tx, {
      sender: deps.config.capSender,
      identifierPrefix: deps.config.capIdentifierPrefix,
      status: a.status,
      msgType,
      note: cancel ? 'Cancel' : null,
      referencesId: id,
      template: null,
      createdBy: staff.id,
      clientKey,
    });
    if (!r.created) return r;
    // A Cancel says so in both languages and gives the all-clear; an Update starts as a copy to edit.
    await tx`
      insert into alert_info (alert_id, language, category, event, response_type, urgency, severity, certainty, onset, expires,
                              sender_name, headline, description, instruction, web, contact)
      select ${r.id}, language, category, event,
             case when ${cancel} then '{AllClear}'::text[] else response_type end,
             case when ${cancel} then 'Past' else urgency end,
             case when ${cancel} then 'Minor' else severity end,
             certainty, onset, greatest(coalesce(expires, now()), now() + interval '1 hour'), sender_name,
             case when ${cancel} then left(case when language like 'el%' then 'ΑΚΥΡΩΣΗ: ' else 'CANCELLED: ' end || coalesce(headline, event), 160) else headline end,
             case when ${cancel} then case when language like 'el%' then 'Η προειδοποίηση «' || coalesce(headline, event) || '» ακυρώνεται.' else 'The warning "' || coalesce(headline, event) || '" is cancelled.' end else description end,
             case when ${cancel} then null else instruction end, web, contact
      from alert_info where alert_id = ${id} order by id`;
    await tx`
      insert into alert_areas (alert_id, area_desc, polygons, circles, geocodes, zone_id, simplified, geom)
      select ${r.id}, area_desc, polygons, circles, geocodes, zone_id, simplified, geom from alert_areas where alert_id = ${id} order by id`;
    await recordAudit(tx, c, { action: cancel ? 'alert.cancel.draft' : 'alert.update.draft', objectType: 'alert', objectId: r.id, after: { referencesId: id } });
    return r;
  });
}
