/**
 * Status-email subscriptions of a report, double opt-in (migration 0108). An address given with a
 * report, or later for any public report, is a request until its owner follows the emailed link;
 * only confirmed addresses get status emails. Every status email carries a one-click unsubscribe
 * link (RFC 8058) that works without signing in. Answers never say whether an address was known.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../middleware/auth.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { clientIp } from '../../http/client-ip.ts';
import { enforceRateLimits } from './incidents.service.ts';

export const ReportSubscriptionSchema = z
  .object({
    number: z.string().regex(/^\d{4}[/-]\d{6}$/),
    email: z.email().max(254),
    locale: z.enum(['el', 'en']).default('el'),
  })
  .strict();

const tokenParams = z.object({ s: z.string().regex(/^\d{1,15}$/), t: z.string().regex(/^[A-Za-z0-9_-]{40,60}$/) });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="el"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><body style="font-family:system-ui;max-width:36rem;margin:2rem auto;padding:0 1rem">${body}<p><a href="/">Χάρτης / Map</a></p></body></html>`;
const invalid = page('Σφάλμα', '<p>Ο σύνδεσμος δεν είναι έγκυρος. / The link is not valid.</p>');

export function reportSubscriptionsRoutes(deps: AppDeps) {
  const { sql, boss } = deps;
  const app = new Hono();

  // Follow any public report: a confirmation email goes out; the same 202 whatever happened.
  app.post('/public/report-subscriptions', async (c) => {
    const b = await readJson(c, ReportSubscriptionSchema);
    const number = b.number.replace('-', '/');
    const ip = clientIp(c);
    await sql.begin(async (tx) => {
      await enforceRateLimits(tx, [{ name: 'report_ip', key: `ip:${ip}` }], 'reports');
      const [r] = await tx<{ id: number }[]>`
        insert into incident_subscription_requests (incident_id, email, locale)
        select p.id, ${b.email.toLowerCase()}, ${b.locale} from public_incidents p where p.number = ${number}
        on conflict (incident_id, email) do nothing
        returning id::int as id`;
      if (r) await enqueueInTx(boss, tx, 'report-confirm-email', { requestId: r.id }, stableUuid(`report-confirm-email:${r.id}`));
    });
    return c.json({ status: 'confirmation_sent' }, 202);
  });

  // The link in the confirmation email: the request becomes a subscription (idempotent).
  app.get('/public/report-subscriptions/confirm', async (c) => {
    const q = tokenParams.safeParse(c.req.query());
    if (!q.success) return c.html(invalid, 400);
    const rows = await sql.begin(async (tx) => {
      const [req] = await tx<{ incident_id: number; email: string; locale: string }[]>`
        delete from incident_subscription_requests
        where id = ${q.data.s} and alert_subscriber_token(id, 'report-confirm') = ${q.data.t}
        returning incident_id, email, locale`;
      if (!req) return 0;
      await tx`
        insert into incident_subscribers (incident_id, email, locale) values (${req.incident_id}, ${req.email}, ${req.locale})
        on conflict (incident_id, email) do update set unsubscribed_at = null`;
      return 1;
    });
    if (rows === 0) return c.html(invalid, 404);
    return c.html(page('Επιβεβαιώθηκε', '<h1>Επιβεβαιώθηκε / Confirmed</h1><p>Θα λαμβάνετε email όταν αλλάζει η κατάσταση της αναφοράς. / You will get an email when the report\'s status changes.</p>'));
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; a GET only shows the button, so
  // link scanners that prefetch URLs cannot unsubscribe anyone.
  app.get('/public/report-subscriptions/unsubscribe', (c) => {
    if (!tokenParams.safeParse(c.req.query()).success) return c.html(invalid, 400);
    return c.html(page('Διαγραφή', '<form method="post"><p>Να μη λαμβάνετε άλλα email για αυτή την αναφορά; / Stop emails about this report?</p><button type="submit">Διαγραφή / Unsubscribe</button></form>'));
  });

  app.post('/public/report-subscriptions/unsubscribe', async (c) => {
    const q = tokenParams.safeParse(c.req.query());
    if (!q.success) return c.html(invalid, 400);
    await sql`
      update incident_subscribers set unsubscribed_at = coalesce(unsubscribed_at, now())
      where id = ${q.data.s} and alert_subscriber_token(id, 'report-unsubscribe') = ${q.data.t}`;
    // The same answer whether or not anything changed.
    return c.html(page('Διαγράφηκε', '<h1>Διαγραφήκατε / Unsubscribed</h1><p>Δεν θα λαμβάνετε άλλα email για αυτή την αναφορά. / You will get no more emails about this report.</p>'));
  });

  return app;
}
