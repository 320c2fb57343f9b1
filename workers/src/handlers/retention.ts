/**
 * retention (daily): personal data past its period is erased (docs/reliability.md rule 11, Z15).
 *
 * A report closed (its status not open) for RETENTION_DAYS loses its reporter's name, email and
 * phone, its status-email subscriptions (confirmed or not), its "me too" supporter hashes (device ids and IPs, HMAC-ed)
 * and the original texts of its moderation edits; the report itself stays public. Sessions keep
 * their IP and browser for the same period, failed logins and the IPs beside audit events
 * (audit_event_ips, 0105) are deleted after it. Idempotency keys are forgotten after 24 h.
 *
 * One transaction; a second run finds nothing left (idempotent). The run is recorded as counts
 * (retention_runs and an audit event), never the values. `dryRun` counts and changes nothing.
 */
import type { Pool } from '../../../api/src/db.ts';
import type { WorkerDeps } from '../worker.ts';

export interface RetentionCounts {
  incidents: number;
  subscribers: number;
  supports: number;
  moderatedTexts: number;
  subscriptionRequests: number;
  sessions: number;
  loginFailures: number;
  auditIps: number;
  idempotencyKeys: number;
  alertClientKeys: number;
}

/** Thrown to roll the dry run's transaction back, carrying what it would have done. */
class DryRun extends Error {
  readonly counts: RetentionCounts;
  constructor(counts: RetentionCounts) {
    super('dry run');
    this.counts = counts;
  }
}

export async function runRetention(sql: Pool, o: { days: number; dryRun?: boolean }): Promise<{ runId: number | null; counts: RetentionCounts }> {
  if (!Number.isInteger(o.days) || o.days < 1) throw new Error(`retention days must be a whole number >= 1, got ${o.days}`);
  const days = o.days;
  try {
    return await sql.begin(async (tx) => {
      // Closed since = the last status change; a report closed without one (imported) counts from its creation.
      const due = await tx<{ id: number }[]>`
        select i.id from incidents i
        join incident_statuses s on s.status = i.status and not s.open
        where i.anonymised_at is null
          and coalesce((select max(e.created_at) from incident_events e where e.incident_id = i.id and e.kind = 'status'), i.created_at)
              < now() - make_interval(days => ${days})
        for update of i`;
      const ids = due.map((r) => r.id);
      const count = (rows: { count: number }) => rows.count;
      const counts: RetentionCounts = {
        incidents: count(await tx`
          update incidents set reporter_name = null, reporter_email = null, reporter_phone = null, anonymous = true, anonymised_at = now()
          where id = any(${ids}::bigint[])`),
        subscribers: count(await tx`delete from incident_subscribers where incident_id = any(${ids}::bigint[])`),
        supports: count(await tx`delete from incident_supports where incident_id = any(${ids}::bigint[])`),
        moderatedTexts: count(await tx`delete from incident_moderated_texts where incident_id = any(${ids}::bigint[])`),
        // An address never confirmed is dropped after a week (its owner may never have asked).
        subscriptionRequests: count(await tx`
          delete from incident_subscription_requests where incident_id = any(${ids}::bigint[]) or created_at < now() - interval '7 days'`),
        sessions: count(await tx`
          update sessions set ip = null, user_agent = null
          where created_at < now() - make_interval(days => ${days}) and (ip is not null or user_agent is not null)`),
        loginFailures: count(await tx`delete from login_failures where at < now() - make_interval(days => ${days})`),
        auditIps: count(await tx`delete from audit_event_ips where at < now() - make_interval(days => ${days})`),
        // A replay is only useful while a client may still be retrying.
        idempotencyKeys: count(await tx`delete from idempotency_keys where created_at < now() - interval '24 hours'`),
        alertClientKeys: count(await tx`
          update alerts set client_key = null where client_key is not null and created_at < now() - interval '24 hours'`),
      };
      if (o.dryRun) throw new DryRun(counts);
      const [run] = await tx<{ id: number }[]>`
        insert into retention_runs (retention_days, counts) values (${days}, ${tx.json(counts as never)}) returning id::int as id`;
      await tx`
        insert into audit_events (actor_role, action, object_type, object_id, after)
        values ('system', 'retention.anonymise', 'retention_run', ${String(run!.id)}, ${tx.json({ retentionDays: days, ...counts } as never)})`;
      return { runId: run!.id, counts };
    });
  } catch (err) {
    if (err instanceof DryRun) return { runId: null, counts: err.counts };
    throw err;
  }
}

export async function handleRetention(deps: WorkerDeps): Promise<void> {
  const { runId, counts } = await runRetention(deps.sql, { days: deps.config.retentionDays });
  deps.logger.info('retention', { runId, retentionDays: deps.config.retentionDays, ...counts });
}
