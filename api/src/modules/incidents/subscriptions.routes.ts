/**
 * Status-email subscriptions of a report, double opt-in (migration 0108). An address given with a
 * report, or later for any public report, is a request until its owner follows the emailed link;
 * only confirmed addresses get status emails. Every status email carries a one-click unsubscribe
 * link (RFC 8058) that works without signing in. Answers never say whether an address was known.
 */
import { ReportSubscriptionAnswerSchema, ReportSubscriptionSchema } from '../../../../lib/report-subscriptions.schema.ts';
import { SignedLinkSchema } from '../../../../lib/signed-link.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { badLinkHook, badLinkPage, htmlResponse, linkPage } from '../../http/link-page.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse } from '../../http/router.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { clientIp } from '../../http/client-ip.ts';
import { enforceRateLimits } from './incidents.service.ts';

const tags = ['report-subscriptions'];
const malformed = { 400: htmlResponse('the link is malformed') };
const linkRoute = <M extends 'get' | 'post', P extends string>(method: M, path: P, summary: string, ok: string, more: Record<number, ReturnType<typeof htmlResponse>> = {}) =>
  defineRoute({ method, path, summary, tags, request: { query: SignedLinkSchema }, responses: { 200: htmlResponse(ok), ...malformed, ...more } });

const subscribe = defineRoute({
  method: 'post',
  path: '/public/report-subscriptions',
  summary: 'Ask for status e-mails about a public report: a confirmation link is e-mailed (double opt-in); the same answer whether or not the report or address is known',
  tags,
  request: { body: jsonRequest(ReportSubscriptionSchema) },
  responses: { 202: jsonResponse(ReportSubscriptionAnswerSchema, 'a confirmation e-mail is sent if the report is public'), ...errorResponses(400, 415, 422, 429) },
});
const confirm = linkRoute('get', '/public/report-subscriptions/confirm', 'Confirm status e-mails about a report (the link in the confirmation e-mail)', 'confirmed', { 404: htmlResponse('no such request or wrong token') });
const unsubscribeForm = linkRoute('get', '/public/report-subscriptions/unsubscribe', 'A page with the unsubscribe button: a GET changes nothing, so link scanners cannot unsubscribe anyone', 'the unsubscribe form');
const unsubscribe = linkRoute('post', '/public/report-subscriptions/unsubscribe', 'Stop status e-mails about a report (RFC 8058 one-click, no sign-in); the same answer whether or not anything changed', 'unsubscribed');

export function reportSubscriptionsRoutes(deps: AppDeps) {
  const { sql, boss } = deps;
  const app = createRouter();

  // Follow any public report: a confirmation email goes out; the same 202 whatever happened.
  app.openapi(subscribe, async (c) => {
    const b = c.req.valid('json');
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
  app.openapi(
    confirm,
    async (c) => {
      const link = c.req.valid('query');
      const rows = await sql.begin(async (tx) => {
        const [req] = await tx<{ incident_id: number; email: string; locale: string }[]>`
          delete from incident_subscription_requests
          where id = ${link.s} and alert_subscriber_token(id, 'report-confirm') = ${link.t}
          returning incident_id, email, locale`;
        if (!req) return 0;
        await tx`
          insert into incident_subscribers (incident_id, email, locale) values (${req.incident_id}, ${req.email}, ${req.locale})
          on conflict (incident_id, email) do update set unsubscribed_at = null`;
        return 1;
      });
      if (rows === 0) return c.html(badLinkPage, 404);
      return c.html(linkPage('Επιβεβαιώθηκε', '<h1>Επιβεβαιώθηκε / Confirmed</h1><p>Θα λαμβάνετε email όταν αλλάζει η κατάσταση της αναφοράς. / You will get an email when the report\'s status changes.</p>'));
    },
    badLinkHook,
  );

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; a GET only shows the button, so
  // link scanners that prefetch URLs cannot unsubscribe anyone.
  app.openapi(
    unsubscribeForm,
    (c) => c.html(linkPage('Διαγραφή', '<form method="post"><p>Να μη λαμβάνετε άλλα email για αυτή την αναφορά; / Stop emails about this report?</p><button type="submit">Διαγραφή / Unsubscribe</button></form>')),
    badLinkHook,
  );

  app.openapi(
    unsubscribe,
    async (c) => {
      const link = c.req.valid('query');
      await sql`
        update incident_subscribers set unsubscribed_at = coalesce(unsubscribed_at, now())
        where id = ${link.s} and alert_subscriber_token(id, 'report-unsubscribe') = ${link.t}`;
      // The same answer whether or not anything changed.
      return c.html(linkPage('Διαγράφηκε', '<h1>Διαγραφήκατε / Unsubscribed</h1><p>Δεν θα λαμβάνετε άλλα email για αυτή την αναφορά. / You will get no more emails about this report.</p>'));
    },
    badLinkHook,
  );

  return app;
}
