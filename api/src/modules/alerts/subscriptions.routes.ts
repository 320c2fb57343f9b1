/**
 * Public alert subscriptions: an email (double opt-in) or the installed app's Web Push, for a
 * home point with a radius or a drawn area, in Greek or English. Answers never say whether an
 * address was already subscribed and never echo personal data; confirm and unsubscribe links
 * carry an HMAC of the subscriber id (0052), nothing else.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { notFound, unprocessable } from '../../errors.ts';
import { readJson } from '../../middleware/auth.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { checkedArea } from '../risk-zones/risk-zones.routes.ts';

export const SubscribeSchema = z
  .object({
    email: z.email().max(254).optional(),
    push: z.object({ endpoint: z.url().max(1000).startsWith('https://'), keys: z.object({ p256dh: z.string().min(20).max(200), auth: z.string().min(8).max(100) }).strict(), expirationTime: z.number().nullable().optional() }).strict().optional(),
    locale: z.enum(['el', 'en']).default('el'),
    home: z.object({ center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]), radiusM: z.number().min(50).max(20_000) }).strict().optional(),
    area: z.unknown().optional(),
  })
  .strict()
  .refine((b) => (b.email !== undefined) !== (b.push !== undefined), { message: 'give an email or a push subscription' })
  .refine((b) => (b.home !== undefined) !== (b.area !== undefined), { message: 'give a home point with a radius or an area' });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="el"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><body style="font-family:system-ui;max-width:36rem;margin:2rem auto;padding:0 1rem">${body}<p><a href="/">Χάρτης / Map</a></p></body></html>`;

export function subscriptionsRoutes(deps: AppDeps) {
  const app = new Hono();
  const { sql } = deps;

  app.post('/public/alert-subscriptions', async (c) => {
    const b = await readJson(c, SubscribeSchema);
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
    return c.json({ status: b.email ? 'confirmation_sent' : 'subscribed' }, 202);
  });

  app.get('/public/alert-subscriptions/vapid-key', (c) => {
    if (!deps.config.vapid) throw notFound('push is not enabled');
    return c.json({ publicKey: deps.config.vapid.publicKey });
  });

  const tokenParams = z.object({ s: z.string().regex(/^\d{1,15}$/), t: z.string().regex(/^[A-Za-z0-9_-]{40,60}$/) });

  app.get('/public/alert-subscriptions/confirm', async (c) => {
    const q = tokenParams.safeParse(c.req.query());
    if (!q.success) return c.html(page('Σφάλμα', '<p>Ο σύνδεσμος δεν είναι έγκυρος. / The link is not valid.</p>'), 400);
    const r = await sql`
      update alert_subscribers set email_confirmed_at = coalesce(email_confirmed_at, now())
      where id = ${q.data.s} and unsubscribed_at is null and alert_subscriber_token(id, 'confirm') = ${q.data.t}`;
    if (r.count === 0) return c.html(page('Σφάλμα', '<p>Ο σύνδεσμος δεν είναι έγκυρος. / The link is not valid.</p>'), 404);
    return c.html(page('Επιβεβαιώθηκε', '<h1>Επιβεβαιώθηκε / Confirmed</h1><p>Θα λαμβάνετε τις προειδοποιήσεις για την περιοχή σας. / You will receive warnings for your area.</p>'));
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; a GET only shows the button, so
  // link scanners that prefetch URLs cannot unsubscribe anyone.
  app.get('/public/alert-subscriptions/unsubscribe', (c) => {
    const q = tokenParams.safeParse(c.req.query());
    if (!q.success) return c.html(page('Σφάλμα', '<p>Ο σύνδεσμος δεν είναι έγκυρος. / The link is not valid.</p>'), 400);
    return c.html(
      page('Διαγραφή', `<form method="post"><p>Διαγραφή από τις προειδοποιήσεις; / Stop receiving warnings?</p><button type="submit">Διαγραφή / Unsubscribe</button></form>`),
    );
  });

  app.post('/public/alert-subscriptions/unsubscribe', async (c) => {
    const q = tokenParams.safeParse(c.req.query());
    if (!q.success) return c.html(page('Σφάλμα', '<p>Ο σύνδεσμος δεν είναι έγκυρος. / The link is not valid.</p>'), 400);
    await sql`
      update alert_subscribers set unsubscribed_at = coalesce(unsubscribed_at, now())
      where id = ${q.data.s} and alert_subscriber_token(id, 'unsubscribe') = ${q.data.t}`;
    // The same answer whether or not anything changed.
    return c.html(page('Διαγράφηκε', '<h1>Διαγραφήκατε / Unsubscribed</h1><p>Δεν θα λαμβάνετε άλλες προειδοποιήσεις. / You will receive no more warnings.</p>'));
  });

  return app;
}
