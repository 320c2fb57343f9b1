/**
 * report-confirm-email: the double opt-in message for status emails of one report (0108). Sent
 * only while the request is unconfirmed; the address never reaches a log line.
 */
import { getSettings, nameIn } from '../../../api/src/modules/municipality/settings.sql.ts';
import type { WorkerDeps } from '../worker.ts';
import { createEmailChannel, type EmailChannel } from '../channels/email.ts';

export async function handleReportConfirmEmail(deps: WorkerDeps & { email?: EmailChannel }, data: { requestId: number }): Promise<void> {
  const [r] = await deps.sql<{ id: number; email: string; locale: 'el' | 'en'; number: string; token: string }[]>`
    select q.id::int as id, q.email, q.locale, i.protocol_number as number, alert_subscriber_token(q.id, 'report-confirm') as token
    from incident_subscription_requests q join incidents i on i.id = q.incident_id
    where q.id = ${data.requestId}`;
  if (!r) return;
  const link = `${deps.config.publicUrl}/api/public/report-subscriptions/confirm?s=${r.id}&t=${r.token}`;
  const settings = await getSettings(deps.sql);
  const channel = deps.email ?? createEmailChannel({ smtpUrl: deps.config.smtpUrl, from: deps.config.mailFrom || `${nameIn(settings)} <noreply@localhost>` });
  try {
    const el = r.locale === 'el';
    const sent = await channel.send({
      to: r.email,
      subject: el ? `Επιβεβαιώστε τις ενημερώσεις για την αναφορά ${r.number}` : `Confirm updates about report ${r.number}`,
      text: el
        ? `Ζητήθηκε να λαμβάνει αυτή η διεύθυνση ενημερώσεις για την αναφορά ${r.number} (${nameIn(settings, 'el')}).\n\nΕπιβεβαιώστε εδώ: ${link}\n\nΑν δεν το ζητήσατε εσείς, αγνοήστε αυτό το μήνυμα: δεν θα λάβετε τίποτε άλλο.`
        : `This address was given to get updates about report ${r.number} (${nameIn(settings, 'en')}).\n\nConfirm here: ${link}\n\nIf this was not you, ignore this message: you will get nothing else.`,
      idempotencyKey: `report-confirm-${r.id}`,
    });
    if (!sent.ok) {
      deps.logger.warn('report confirmation email failed', { requestId: r.id, error: sent.error });
      if (sent.retryable) throw new Error(`confirmation email for request ${r.id} will be retried`);
    }
  } finally {
    if (!deps.email) channel.close();
  }
}
