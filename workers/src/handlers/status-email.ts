/**
 * status-email: tells a report's subscribers that its status changed. Idempotent under pg-boss
 * re-delivery (docs/reliability.md rule 5): the ledger status_email_deliveries has one row per (event,
 * subscriber). Each delivery is claimed (committed) before it is sent, so overlapping runs never
 * both send it; a row marked sent is never sent again; a claim abandoned by a crash is taken
 * again after the lease with the same idempotency key (Message-ID). Only failures a retry can
 * fix make the job throw (pg-boss then retries it, with backoff).
 */
import type { WorkerDeps } from '../worker.ts';
import { createEmailChannel, type EmailChannel } from '../channels/email.ts';
import { getSettings, nameIn, signatureIn } from '../../../api/src/modules/municipality/settings.sql.ts';

const STATUS_NAMES: Record<string, { el: string; en: string }> = {
  submitted: { el: 'Υποβλήθηκε', en: 'Submitted' },
  acknowledged: { el: 'Παραλήφθηκε', en: 'Acknowledged' },
  in_progress: { el: 'Σε εξέλιξη', en: 'In progress' },
  resolved: { el: 'Επιλύθηκε', en: 'Resolved' },
  closed: { el: 'Έκλεισε', en: 'Closed' },
  rejected: { el: 'Απορρίφθηκε', en: 'Rejected' },
  duplicate: { el: 'Διπλή αναφορά', en: 'Duplicate' },
};

const MAX_ATTEMPTS = 3;
/** A claim older than this belongs to a worker that died mid-send. */
export const CLAIM_LEASE_SECONDS = 600;

interface EventRow {
  event_id: number;
  number: string;
  /** null for a public update (a staff note) without a status change. */
  to_status: string | null;
  note: string | null;
  category_el: string;
  category_en: string;
}

/** `signature` closes the email: the municipality's mail signature or name (municipality_settings). */
export function renderStatusEmail(e: EventRow, locale: 'el' | 'en', publicUrl: string, signature: string) {
  const link = `${publicUrl}/?report=${encodeURIComponent(e.number)}`;
  if (e.to_status === null) {
    // A public update from the triage desk (issue 4): same ledger, its own wording.
    if (locale === 'en') {
      return { subject: `Report ${e.number}: an update`, text: [`There is an update on your report ${e.number} (${e.category_en}):`, '', e.note ?? '', '', `Follow it here: ${link}`, '', signature].join('\n') };
    }
    return { subject: `Αναφορά ${e.number}: νέα ενημέρωση`, text: [`Νέα ενημέρωση για την αναφορά σας ${e.number} (${e.category_el}):`, '', e.note ?? '', '', `Παρακολουθήστε την εδώ: ${link}`, '', signature].join('\n') };
  }
  const status = STATUS_NAMES[e.to_status]?.[locale] ?? e.to_status;
  if (locale === 'en') {
    return {
      subject: `Report ${e.number}: ${status}`,
      text: [`Your report ${e.number} (${e.category_en}) is now: ${status}.`, e.note ? `\nUpdate from the municipality:\n${e.note}\n` : '', `Follow it here: ${link}`, '', signature].join('\n'),
    };
  }
  return {
    subject: `Αναφορά ${e.number}: ${status}`,
    text: [`Η αναφορά σας ${e.number} (${e.category_el}) είναι τώρα: ${status}.`, e.note ? `\nΕνημέρωση από τον Δήμο:\n${e.note}\n` : '', `Παρακολουθήστε την εδώ: ${link}`, '', signature].join('\n'),
  };
}

export async function handleStatusEmail(deps: WorkerDeps & { email?: EmailChannel }, data: { eventId: number }): Promise<void> {
  const { sql, config, logger } = deps;
  const [event] = await sql<EventRow[]>`
    select e.id as event_id, i.protocol_number as number, e.to_status, e.note, c.name_el as category_el, c.name_en as category_en
    from incident_events e
    join incidents i on i.id = e.incident_id
    join categories c on c.id = i.category_id
    where e.id = ${data.eventId} and e.public and (e.kind = 'status' or (e.kind = 'note' and e.note is not null))`;
  if (!event) return;
  // Materialise the ledger once; a re-delivered job finds the rows already there.
  await sql`
    insert into status_email_deliveries (event_id, subscriber_id)
    select e.id, s.id from incident_events e join incident_subscribers s on s.incident_id = e.incident_id
    where e.id = ${data.eventId} and s.unsubscribed_at is null
    on conflict do nothing`;
  const pending = await sql<{ subscriber_id: number; email: string; locale: 'el' | 'en'; unsubscribe_token: string }[]>`
    select d.subscriber_id, s.email, s.locale, alert_subscriber_token(s.id, 'report-unsubscribe') as unsubscribe_token
    from status_email_deliveries d join incident_subscribers s on s.id = d.subscriber_id
    where d.event_id = ${data.eventId}
      and (d.status = 'pending' or (d.status = 'sending' and d.claimed_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS})))
    order by d.subscriber_id`;
  if (pending.length === 0) return;
  const settings = await getSettings(sql);
  const channel = deps.email ?? createEmailChannel({ smtpUrl: config.smtpUrl, from: config.mailFrom || `${nameIn(settings)} <noreply@localhost>` });
  let retry = false;
  try {
    for (const p of pending) {
      // Claim first, committed on its own: whoever gets the row sends it, nobody else does.
      const [claim] = await sql<{ attempts: number }[]>`
        update status_email_deliveries set status = 'sending', claimed_at = now(), attempts = attempts + 1
        where event_id = ${data.eventId} and subscriber_id = ${p.subscriber_id}
          and (status = 'pending' or (status = 'sending' and claimed_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS})))
        returning attempts`;
      if (!claim) continue;
      const { subject, text } = renderStatusEmail(event, p.locale, config.publicUrl, signatureIn(settings, p.locale));
      // One-click unsubscribe (RFC 8058), no sign-in: the link in the text and the headers mail clients use.
      const unsubscribe = `${config.publicUrl}/api/public/report-subscriptions/unsubscribe?s=${p.subscriber_id}&t=${p.unsubscribe_token}`;
      const footer = p.locale === 'en' ? `Stop emails about this report: ${unsubscribe}` : `Διακοπή των email για αυτή την αναφορά: ${unsubscribe}`;
      const r = await channel.send({
        to: p.email,
        subject,
        text: `${text}\n\n${footer}`,
        headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        idempotencyKey: `status-${data.eventId}-${p.subscriber_id}`,
      });
      if (r.ok) {
        await sql`
          update status_email_deliveries set status = 'sent', message_id = ${r.messageId ?? null}, sent_at = now(), error = null
          where event_id = ${data.eventId} and subscriber_id = ${p.subscriber_id}`;
        continue;
      }
      const failed = !r.retryable || claim.attempts >= MAX_ATTEMPTS;
      await sql`
        update status_email_deliveries set error = ${r.error ?? 'error'}, status = ${failed ? 'failed' : 'pending'}, claimed_at = null
        where event_id = ${data.eventId} and subscriber_id = ${p.subscriber_id}`;
      // Ids and codes only: never the address.
      logger.warn('status email failed', { eventId: data.eventId, subscriberId: p.subscriber_id, error: r.error, attempts: claim.attempts });
      if (!failed) retry = true;
    }
  } finally {
    if (!deps.email) channel.close();
  }
  if (retry) throw new Error(`status email ${data.eventId}: some deliveries will be retried`);
}
