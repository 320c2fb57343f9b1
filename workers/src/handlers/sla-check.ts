/**
 * sla-check (scheduled every minute from worker.ts): marks open reports past their SLA due time
 * as breached and tells each department, once, by email to its address.
 *
 * Idempotent under re-delivery and overlapping runs (docs/reliability.md rule 5):
 *   1. marking is `update … where sla_breached_at is null`, so a report is marked by exactly one
 *      run (a concurrent run skips the locked rows and re-checks the predicate);
 *   2. the same transaction writes the internal timeline row, the audit row (actor: system) and
 *      the notification ledger row (primary key incident_id);
 *   3. sending claims pending ledger rows (status 'sending', committed, SKIP LOCKED), one digest
 *      per department, sends with no transaction or row lock open, then marks them sent; a claim
 *      abandoned by a crash is taken again after the lease, and a Message-ID derived from the
 *      report ids makes the resend recognisable.
 * Addresses never reach the logs: ids and counts only.
 */
import { sha256Hex } from '../../../api/src/hash.ts';
import type { WorkerDeps } from '../worker.ts';
import { createEmailChannel, type EmailChannel } from '../channels/email.ts';
import { CLAIM_LEASE_SECONDS } from './status-email.ts';
import { getSettings, nameIn } from '../../../api/src/modules/municipality/settings.sql.ts';

/** Reports marked per run; a backlog drains over consecutive runs. */
const MARK_BATCH = 5000;
const MAX_ATTEMPTS = 3;

interface Breach {
  id: number;
  number: string;
  department_id: string;
  category_id: string;
  sla_due_at: Date;
}

export function renderBreachEmail(department: { name_el: string; name_en: string }, breaches: Breach[], publicUrl: string) {
  const lines = breaches.map((b) => `- ${b.number} (${b.category_id}), προθεσμία / due ${b.sla_due_at.toISOString()}`);
  return {
    subject: `Υπέρβαση SLA: ${breaches.length} αναφορές / SLA breached: ${breaches.length} reports`,
    text: [
      `${department.name_el}: οι παρακάτω αναφορές πέρασαν την προθεσμία εξυπηρέτησης.`,
      `${department.name_en}: the following reports are past their service deadline.`,
      '',
      ...lines,
      '',
      `${publicUrl}/control`,
    ].join('\n'),
  };
}

export interface SlaCheckResult {
  marked: number;
  notified: number;
  skipped: number;
  failed: number;
}

export async function handleSlaCheck(deps: WorkerDeps & { email?: EmailChannel }, _data: Record<string, never> = {}): Promise<SlaCheckResult> {
  const { sql, config, logger } = deps;

  const marked = await sql.begin(async (tx) => {
    const rows = await tx<Breach[]>`
      with due as (
        select id from incidents
        where sla_breached_at is null and status in ('submitted', 'acknowledged', 'in_progress') and sla_due_at <= now()
        order by sla_due_at
        limit ${MARK_BATCH}
        for update skip locked
      )
      update incidents i set sla_breached_at = now()
      from due
      where i.id = due.id and i.sla_breached_at is null
      returning i.id, i.protocol_number as number, i.department_id, i.category_id, i.sla_due_at`;
    if (rows.length === 0) return rows;
    const ids = rows.map((r) => r.id);
    await tx`
      insert into incident_events (incident_id, kind, note, public, actor)
      select i.id, 'sla_breach', 'SLA due ' || to_char(i.sla_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'), false, 'system'
      from incidents i where i.id = any(${ids}::bigint[])`;
    await tx`
      insert into sla_breach_notifications (incident_id, department_id)
      select i.id, i.department_id from incidents i where i.id = any(${ids}::bigint[])
      on conflict (incident_id) do nothing`;
    await tx`
      insert into audit_events (actor_user_id, actor_role, action, object_type, object_id, before, after)
      select null, 'system', 'incident.sla_breached', 'incident', i.id::text,
             jsonb_build_object('slaBreachedAt', null),
             jsonb_build_object('slaBreachedAt', i.sla_breached_at, 'slaDueAt', i.sla_due_at, 'department', i.department_id)
      from incidents i where i.id = any(${ids}::bigint[])
      order by i.id`;
    return rows;
  });
  if (marked.length) logger.info('sla breaches marked', { count: marked.length });

  // One digest per department with pending rows.
  const departments = await sql<{ department_id: string }[]>`
    select distinct department_id from sla_breach_notifications where status = 'pending'`;
  let channel: EmailChannel | null = deps.email ?? null;
  const result: SlaCheckResult = { marked: marked.length, notified: 0, skipped: 0, failed: 0 };
  let retry = false;
  try {
    for (const { department_id } of departments) {
      // Claim a batch in one committed statement; the send below holds no lock.
      const pending = await sql<(Breach & { attempts: number })[]>`
        with c as (
          select n.incident_id from sla_breach_notifications n
          where n.department_id = ${department_id}
            and (n.status = 'pending' or (n.status = 'sending' and n.claimed_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS})))
          order by n.incident_id
          limit 500
          for update of n skip locked
        ),
        claimed as (
          update sla_breach_notifications n set status = 'sending', claimed_at = now(), attempts = n.attempts + 1
          from c where n.incident_id = c.incident_id
          returning n.incident_id, n.department_id, n.attempts
        )
        select cl.incident_id as id, i.protocol_number as number, cl.department_id, i.category_id, i.sla_due_at, cl.attempts
        from claimed cl join incidents i on i.id = cl.incident_id
        order by cl.incident_id`;
      if (pending.length === 0) continue;
      const ids = pending.map((p) => p.id);
      const [dept] = await sql<{ email: string | null; name_el: string; name_en: string }[]>`
        select email, name_el, name_en from departments where id = ${department_id}`;
      if (!dept?.email) {
        // No routing address: the breach stays visible in the queue and on the map.
        await sql`update sla_breach_notifications set status = 'skipped', error = 'no_department_email', claimed_at = null where incident_id = any(${ids}::bigint[])`;
        result.skipped += ids.length;
        continue;
      }
      channel ??= createEmailChannel({ smtpUrl: config.smtpUrl, from: config.mailFrom || `${nameIn(await getSettings(deps.sql))} <noreply@localhost>` });
      const { subject, text } = renderBreachEmail(dept, pending, config.publicUrl);
      const key = `sla-${department_id}-${sha256Hex(ids.join(',')).slice(0, 16)}`;
      const r = await channel.send({ to: dept.email, subject, text, idempotencyKey: key });
      if (r.ok) {
        await sql`
          update sla_breach_notifications set status = 'sent', message_id = ${r.messageId ?? null}, sent_at = now(), error = null
          where incident_id = any(${ids}::bigint[])`;
        result.notified += ids.length;
        continue;
      }
      const rows = await sql<{ status: string }[]>`
        update sla_breach_notifications
        set error = ${r.error ?? 'error'}, claimed_at = null,
            status = case when ${!r.retryable} or attempts >= ${MAX_ATTEMPTS} then 'failed' else 'pending' end
        where incident_id = any(${ids}::bigint[])
        returning status`;
      result.failed += rows.filter((x) => x.status === 'failed').length;
      if (rows.some((x) => x.status === 'pending')) retry = true;
      logger.warn('sla breach email failed', { department: department_id, count: ids.length, error: r.error });
    }
  } finally {
    if (channel && !deps.email) channel.close();
  }
  // Pending rows are picked up by the next scheduled run anyway; no need to fail the job.
  if (retry) logger.info('sla breach emails to retry next run', {});
  return result;
}
