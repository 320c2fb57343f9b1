/**
 * alert-confirm-email: the double opt-in message of a new email subscriber. Nothing is sent to an
 * address already confirmed or unsubscribed; the address itself never reaches a log line.
 */
import { getSettings, nameIn } from '../../../api/src/modules/municipality/settings.sql.ts';
import type { WorkerDeps } from '../worker.ts';
import { createEmailChannel, type EmailChannel } from '../channels/email.ts';

export async function handleAlertConfirmEmail(deps: WorkerDeps & { email?: EmailChannel }, data: { subscriberId: number }): Promise<void> {
  const [s] = await deps.sql<{ id: number; email: string; locale: 'el' | 'en'; token: string }[]>`
    select id::int as id, email, locale, alert_subscriber_token(id, 'confirm') as token
    from alert_subscribers
    where id = ${data.subscriberId} and email is not null and email_confirmed_at is null and unsubscribed_at is null`;
  if (!s) return;
  const link = `${deps.config.publicUrl}/api/public/alert-subscriptions/confirm?s=${s.id}&t=${s.token}`;
  const el = s.locale === 'el';
  const settings = await getSettings(deps.sql);
  const channel = deps.email ?? createEmailChannel({ smtpUrl: deps.config.smtpUrl, from: deps.config.mailFrom });
  try {
    const r = await channel.send({
      to: s.email,
      subject: el ? 'Επιβεβαιώστε την εγγραφή σας στις προειδοποιήσεις' : 'Confirm your subscription to warnings',
      text: el
        ? `Ζητήσατε να λαμβάνετε προειδοποιήσεις της Πολιτικής Προστασίας (${nameIn(settings, 'el')}) για την περιοχή σας.\n\nΕπιβεβαιώστε εδώ: ${link}\n\nΑν δεν το ζητήσατε εσείς, αγνοήστε αυτό το μήνυμα.`
        : `You asked to receive warnings from Civil Protection of ${nameIn(settings, 'en')} for your area.\n\nConfirm here: ${link}\n\nIf this was not you, ignore this message.`,
      idempotencyKey: `alert-confirm-${s.id}`,
    });
    if (!r.ok) {
      deps.logger.warn('alert confirmation email failed', { subscriberId: s.id, error: r.error });
      if (r.retryable) throw new Error(`confirmation email for subscriber ${s.id} will be retried`);
    }
  } finally {
    if (!deps.email) channel.close();
  }
}
