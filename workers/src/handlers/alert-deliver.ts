/**
 * alert-deliver: sends one chunk of an alert's delivery ledger. Exactly-once as far as the ledger
 * can make it (RELIABILITY F2, F7, Z9):
 *
 *   1. count the attempt in its own committed statement (so a crash after the provider call is
 *      visible to the next try, which logs `possible_duplicate`);
 *   2. in one transaction per row: lock the ledger row (skip if another worker has it), re-read
 *      the alert's state with a share lock, send, mark `sent`. A Cancel or Update of the alert
 *      takes that row lock exclusively, so it waits for sends in flight and every later send
 *      sees the new state and is skipped; the Cancel's own ledger then lists everyone marked sent.
 *
 * The provider gets the ledger id as idempotency key (email Message-ID, push Topic), so a re-sent
 * message can be recognised downstream. Retryable failures leave the row pending and make the job
 * throw (pg-boss retries with backoff, then dead-letters); personal data never reaches a log line.
 */
import type { WorkerDeps } from '../worker.ts';
import { createEmailChannel, type EmailChannel } from '../channels/email.ts';
import { createPushChannel, type PushChannel } from '../channels/push.ts';
import { renderAlertEmail, renderAlertPush, type AlertText } from './alert-render.ts';

/** Provider attempts per ledger row before it is marked failed. @default 5 */
export const MAX_ATTEMPTS = 5;

interface RowToSend {
  id: number;
  channel: 'email' | 'push';
  subscriber_id: number;
  email: string | null;
  push_subscription: { endpoint: string; keys: { p256dh: string; auth: string } } | null;
  locale: 'el' | 'en';
  unsubscribed: boolean;
  unsubscribe_token: string;
}

export interface DeliverDeps extends WorkerDeps {
  email?: EmailChannel;
  push?: PushChannel;
}

export async function handleAlertDeliver(deps: DeliverDeps, data: { alertId: number; fromId: number; toId: number }): Promise<{ sent: number; skipped: number; failed: number; retry: number }> {
  const { sql, config, logger } = deps;
  const email = deps.email ?? createEmailChannel({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const push = deps.push ?? createPushChannel(config.vapid);
  const ids = await sql<{ id: number }[]>`
    select id::int as id from alert_deliveries
    where alert_id = ${data.alertId} and id between ${data.fromId} and ${data.toId} and status = 'pending'
    order by id`;
  const texts = await loadTexts(deps, data.alertId);
  const out = { sent: 0, skipped: 0, failed: 0, retry: 0 };
  try {
    for (const { id } of ids) {
      const [counted] = await sql<{ attempts: number }[]>`
        update alert_deliveries set attempts = attempts + 1 where id = ${id} and status = 'pending' returning attempts`;
      if (!counted) continue;
      const result = await sql.begin(async (tx) => {
        const [row] = await tx<RowToSend[]>`
          select d.id::int as id, d.channel, d.subscriber_id::int as subscriber_id, s.email, s.push_subscription, s.locale,
                 s.unsubscribed_at is not null as unsubscribed, alert_subscriber_token(s.id, 'unsubscribe') as unsubscribe_token
          from alert_deliveries d join alert_subscribers s on s.id = d.subscriber_id
          where d.id = ${id} and d.status = 'pending'
          for update of d skip locked`;
        if (!row) return 'busy';
        const [alert] = await tx<{ state: string; expired: boolean }[]>`
          select a.state, exists (select 1 from alert_info i where i.alert_id = a.id and i.expires <= now()) as expired
          from alerts a where a.id = ${data.alertId} for share`;
        if (!alert || alert.state !== 'issued' || alert.expired || row.unsubscribed) {
          await tx`update alert_deliveries set status = 'skipped', error = ${!alert ? 'gone' : row.unsubscribed ? 'unsubscribed' : alert.expired ? 'expired' : `alert_${alert.state}`} where id = ${id}`;
          return 'skipped';
        }
        if (counted.attempts > 1) logger.warn('alert delivery retried', { deliveryId: id, alertId: data.alertId, attempts: counted.attempts, possible_duplicate: true });
        const text = texts[row.locale] ?? texts.el ?? texts.en!;
        const key = `alert-delivery-${id}`;
        const r =
          row.channel === 'email' && row.email
            ? await email.send({ to: row.email, ...renderAlertEmail(text, row, config.publicUrl), idempotencyKey: key, headers: unsubscribeHeaders(config.publicUrl, row) })
            : row.channel === 'push' && row.push_subscription
              ? await push.send({ subscription: row.push_subscription, payload: renderAlertPush(text, config.publicUrl), idempotencyKey: key })
              : { ok: false, error: 'no_address', retryable: false };
        if (r.ok) {
          await tx`update alert_deliveries set status = 'sent', sent_at = now(), error = null, provider_id = ${('messageId' in r && typeof r.messageId === 'string' ? r.messageId : key).slice(0, 300)} where id = ${id}`;
          return 'sent';
        }
        const giveUp = !r.retryable || counted.attempts >= MAX_ATTEMPTS;
        await tx`update alert_deliveries set status = ${giveUp ? 'failed' : 'pending'}, error = ${(r.error ?? 'error').slice(0, 200)} where id = ${id}`;
        logger.warn('alert delivery failed', { deliveryId: id, alertId: data.alertId, channel: row.channel, error: r.error, attempts: counted.attempts, final: giveUp });
        return giveUp ? 'failed' : 'retry';
      });
      if (result === 'sent') out.sent++;
      else if (result === 'skipped') out.skipped++;
      else if (result === 'failed') out.failed++;
      else if (result === 'retry') out.retry++;
    }
  } finally {
    if (!deps.email) email.close();
  }
  if (out.retry > 0) throw new Error(`alert ${data.alertId} chunk ${data.fromId}-${data.toId}: ${out.retry} deliveries will be retried`);
  return out;
}

function unsubscribeHeaders(publicUrl: string, row: RowToSend): Record<string, string> {
  const url = `${publicUrl}/api/public/alert-subscriptions/unsubscribe?s=${row.subscriber_id}&t=${row.unsubscribe_token}`;
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

async function loadTexts(deps: WorkerDeps, alertId: number): Promise<Record<string, AlertText>> {
  const rows = await deps.sql<(AlertText & { language: string })[]>`
    select a.id::int as alert_id, a.status, a.msg_type, i.language, i.event, i.headline, i.description, i.instruction, i.severity, i.expires, i.sender_name,
           (select string_agg(area_desc, '; ') from alert_areas where alert_id = a.id) as area_desc
    from alerts a join alert_info i on i.alert_id = a.id where a.id = ${alertId}`;
  const out: Record<string, AlertText> = {};
  for (const r of rows) out[r.language.startsWith('el') ? 'el' : 'en'] = r;
  return out;
}
