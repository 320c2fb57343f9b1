/**
 * Public alert subscriptions: an email (double opt-in) or the installed app's Web Push, for a
 * home point with a radius or a drawn area, in Greek or English. Answers never say whether an
 * address was already subscribed and never echo personal data; confirm and unsubscribe links
 * carry an HMAC of the subscriber id (0052), nothing else.
 */
import { SubscribedSchema, SubscribeSchema, VapidKeySchema } from '../../../../lib/alert-subscriptions.schema.ts';
import { SignedLinkSchema } from '../../../../lib/signed-link.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { notFound, unprocessable } from '../../errors.ts';
import { badLinkHook, badLinkPage, htmlResponse, linkPage } from '../../http/link-page.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse } from '../../http/router.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { checkedArea } from '../risk-zones/risk-zones.routes.ts';

const tags = ['alert-subscriptions'];
const malformed = htmlResponse('the link is malformed');

const subscribe = defineRoute({
  method: 'post',
  path: '/public/alert-subscriptions',
  summary: 'Subscribe to early warnings for a home point with a radius or a drawn area inside the municipality, by e-mail (confirmed by a link) or Web Push',
  tags,
  request: { body: jsonRequest(SubscribeSchema) },
  responses: { 202: jsonResponse(SubscribedSchema, 'accepted: a confirmation e-mail is on its way, or the push subscription is active'), ...errorResponses(400, 413, 415, 422) },
});
const vapidKey = defineRoute({
  method: 'get',
  path: '/public/alert-subscriptions/vapid-key',
  summary: 'The VAPID public key for Web Push subscriptions (404 when push is not enabled)',
  tags,
  responses: { 200: jsonResponse(VapidKeySchema, '{ publicKey }'), ...errorResponses(404) },
});
const confirm = defineRoute({
  method: 'get',
  path: '/public/alert-subscriptions/confirm',
  summary: 'Confirm an e-mail subscription (the link in the confirmation e-mail)',
  tags,
  request: { query: SignedLinkSchema },
  responses: { 200: htmlResponse('confirmed'), 400: malformed, 404: htmlResponse('no such subscription or wrong token') },
});
// RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; a GET only shows the button, so
// link scanners that prefetch URLs cannot unsubscribe anyone.
const unsubscribeRoute = (method: 'get' | 'post', summary: string, done: string) =>
  defineRoute({ method, path: '/public/alert-subscriptions/unsubscribe', summary, tags, request: { query: SignedLinkSchema }, responses: { 200: htmlResponse(done), 400: malformed } });
const unsubscribeForm = unsubscribeRoute('get', 'A page with the unsubscribe button: a GET changes nothing, so link scanners cannot unsubscribe anyone', 'the unsubscribe form');
const unsubscribe = unsubscribeRoute('post', 'Unsubscribe (RFC 8058 one-click); the same answer whether or not anything changed', 'unsubscribed');

export function subscriptionsRoutes(deps: AppDeps) {
  const app = createRouter();
  const { sql } = deps;

  app.openapi(subscribe, async (c) => {
    const b = c.req.valid('json');
    const area = b.area !== undefined ? await checkedArea(deps, b.area) : null;
    // The municipality's alerts only: an area that does not touch it would never hear anything.
    const [inside] = await sql<{ ok: boolean }[]>`
      select exists (
        select 1 from districts d where d.level = 'municipality'
          and st_intersects(d.geom, ${area ? sql`st_setsrid(st_geomfromgeojson(${JSON.stringify(area)}), 4326)` : sql`st_buffer(st_setsrid(st_makepoint(${b.home!.center[0]}, ${b.home!.center[1]}), 4326)::geography, ${b.home!.radiusM})::geometry`})
      ) as ok`;
    if (!inside!.ok) throw unprocessable('outside_municipality', 'the area is outside the municipality');
    const geom = area
      ? sql`st_multi(st_setsrid(st_geomfromgeojson(${JSON.stringify(area)}), 4326))`
      : sql`st_multi(st_buffer(st_setsrid(st_makepoint(${b.home!.center[0]}, ${b.home!.center[1]}), 4326)::geography, ${b.home!.radiusM}, 16)::geometry)`;
    await sql.begin(async (t) => {
      const tx = t as unknown as AppDeps['sql'];
      if (b.email) {
        const email = b.email.toLowerCase();
        const [s] = await tx<{ id: number }[]>`
          insert into alert_subscribers (email, locale, geom) values (${email}, ${b.locale}, ${geom})
          on conflict (email) where unsubscribed_at is null and email is not null do nothing
          returning id::int as id`;
        // A repeat for an active address changes nothing (no one can move someone else's area).
        if (s) await enqueueInTx(deps.boss, tx, 'alert-confirm-email', { subscriberId: s.id }, stableUuid(`alert-confirm-email:${s.id}`));
      } else {
        await tx`
          insert into alert_subscribers (push_subscription, locale, geom) values (${sql.json(b.push!)}::jsonb, ${b.locale}, ${geom})
          on conflict ((push_subscription->>'endpoint')) where unsubscribed_at is null and push_subscription is not null
          do update set geom = excluded.geom, locale = excluded.locale`;
      }
    });
    return c.json({ status: b.email ? ('confirmation_sent' as const) : ('subscribed' as const) }, 202);
  });

  app.openapi(vapidKey, (c) => {
    if (!deps.config.vapid) throw notFound('push is not enabled');
    return c.json({ publicKey: deps.config.vapid.publicKey }, 200);
  });

  app.openapi(
    confirm,
    async (c) => {
      const q = c.req.valid('query');
      const r = await sql`
        update alert_subscribers set email_confirmed_at = coalesce(email_confirmed_at, now())
        where id = ${q.s} and unsubscribed_at is null and alert_subscriber_token(id, 'confirm') = ${q.t}`;
      if (r.count === 0) return c.html(badLinkPage, 404);
      return c.html(linkPage('Επιβεβαιώθηκε', '<h1>Επιβεβαιώθηκε / Confirmed</h1><p>Θα λαμβάνετε τις προειδοποιήσεις για την περιοχή σας. / You will receive warnings for your area.</p>'), 200);
    },
    badLinkHook,
  );

  app.openapi(
    unsubscribeForm,
    (c) => c.html(linkPage('Διαγραφή', `<form method="post"><p>Διαγραφή από τις προειδοποιήσεις; / Stop receiving warnings?</p><button type="submit">Διαγραφή / Unsubscribe</button></form>`), 200),
    badLinkHook,
  );

  app.openapi(
    unsubscribe,
    async (c) => {
      const q = c.req.valid('query');
      await sql`
        update alert_subscribers set unsubscribed_at = coalesce(unsubscribed_at, now())
        where id = ${q.s} and alert_subscriber_token(id, 'unsubscribe') = ${q.t}`;
      // The same answer whether or not anything changed.
      return c.html(linkPage('Διαγράφηκε', '<h1>Διαγραφήκατε / Unsubscribed</h1><p>Δεν θα λαμβάνετε άλλες προειδοποιήσεις. / You will receive no more warnings.</p>'), 200);
    },
    badLinkHook,
  );

  return app;
}
