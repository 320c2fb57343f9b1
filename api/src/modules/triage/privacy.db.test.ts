/**
 * docs/reliability.md Z3 and Z11 around the triage desk.
 *  Z3: held-back (unconfirmed), hidden and sensitive-category reports, fetched by number, by a
 *      sequential scan of numbers and by Open311 service_request_id: 404 for the public (never
 *      403 or 410); the reporter with the private link and permitted staff see them, staff of
 *      another department get 404 too.
 *  Z11: after a whole triage flow (sign-in, queue, detail, changes, merge, moderation, stream),
 *      the captured logs hold no canary email, phone, password, session or tracking token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createStaffUser, sessionCookieOf } from '../auth/auth.test-helpers.ts';
import { makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

const CANARY = { email: 'zq.triage.canary@example.org', phone: '+30 699 555 1234', name: 'Zqtriage Canaryname', password: 'Canary-Pass-Triage-7781', staffEmail: 'zq.staff.canary@piraeus.example' };

let db: TestDb;
let t: TestApp;
let desk: { id: number; cookie: string };
let techLighting: { id: number; cookie: string };
let techPolice: { id: number; cookie: string };
const made: Record<string, { id: number; number: string; token: string }> = {};

async function signIn(email: string, password: string) {
  const res = await t.post('/api/auth/login', { email, password });
  expect(res.status).toBe(200);
  return sessionCookieOf(res)!;
}

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
  t = makeTestApp(db.sql);
  const u = await createStaffUser(db.sql, { email: CANARY.staffEmail, role: 'dispatcher', password: CANARY.password, name: 'Zqstaff Canary' });
  desk = { id: u.id, cookie: await signIn(CANARY.staffEmail, CANARY.password) };
  const l = await createStaffUser(db.sql, { email: 'tech.lighting@piraeus.example', role: 'technician', departmentId: 'lighting' });
  techLighting = { id: l.id, cookie: await signIn(l.email, l.password) };
  const p = await createStaffUser(db.sql, { email: 'tech.police@piraeus.example', role: 'technician', departmentId: 'municipal_police' });
  techPolice = { id: p.id, cookie: await signIn(p.email, p.password) };
  const contact = { email: CANARY.email, phone: CANARY.phone, name: CANARY.name };
  const file = async (key: string, over: Record<string, unknown>) => {
    const res = await t.post('/api/incidents', report({ contact, anonymous: false, ...over }));
    expect(res.status).toBe(201);
    const body = await res.json();
    const [row] = await db.sql<{ id: number }[]>`select id from incidents where protocol_number = ${body.number}`;
    made[key] = { id: row!.id, number: body.number, token: body.token };
  };
  await file('published', {});
  await file('held', { description: `Call me at ${CANARY.phone}` });
  await file('hidden', { description: 'to be hidden' });
  await file('sensitive', { category: 'noise', answers: {}, description: 'loud music every night' });
  await file('dup', {});
  const hide = await t.req(`/api/triage/incidents/${made.hidden!.id}/moderation`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: desk.cookie }, body: JSON.stringify({ publish: false }) });
  expect(hide.status).toBe(200);
});
afterAll(async () => {
  await db?.drop();
});

const o311 = (n: string) => n.replace('/', '-');

describe('Z3: unpublished reports do not exist for the public', () => {
  it('404 by number, by sequential scan and by Open311 id; the reporter and permitted staff see them', async () => {
    for (const key of ['held', 'hidden']) {
      const r = made[key]!;
      for (const path of [`/api/incidents/${r.number}`, `/api/incidents/${o311(r.number)}`, `/open311/v2/requests/${o311(r.number)}.json`, `/open311/v2/requests/${o311(r.number)}.xml`]) {
        const res = await t.req(path);
        expect(res.status, `${key} ${path}`).toBe(404);
      }
      // The reporter's private link still works.
      expect((await t.req(`/api/track/${r.token}`)).status).toBe(200);
      // Staff: the dispatcher sees it; the anonymous public gets 401 whatever the id.
      expect((await t.req(`/api/triage/incidents/${r.id}`, { headers: { cookie: desk.cookie } })).status).toBe(200);
    }
    expect((await t.req(`/api/triage/incidents/${made.held!.id}`)).status).toBe(401);
    expect((await t.req('/api/triage/incidents/999999')).status).toBe(401);

    // Sequential scan of protocol numbers: only published reports answer, everything else is 404.
    const year = made.published!.number.slice(0, 4);
    const statuses: Record<string, number> = {};
    for (let seq = 1; seq <= 8; seq++) {
      const n = `${year}/${String(seq).padStart(6, '0')}`;
      statuses[n] = (await t.req(`/api/incidents/${n}`)).status;
      const o = (await t.req(`/open311/v2/requests/${o311(n)}.json`)).status;
      expect([200, 404], n).toContain(statuses[n]);
      expect(o, n).toBe(statuses[n]);
    }
    const visible = Object.entries(statuses).filter(([, s]) => s === 200).map(([n]) => n).sort();
    expect(visible).toEqual([made.published!.number, made.sensitive!.number, made.dup!.number].sort());
    // Lists do not have them either.
    const list = await (await t.req('/open311/v2/requests.json')).text();
    const map = await (await t.req('/api/public/incidents')).text();
    for (const key of ['held', 'hidden']) {
      expect(list).not.toContain(o311(made[key]!.number));
      expect(map).not.toContain(made[key]!.number);
    }

    // Sensitive: public only as a coarse point without text; exact data for the reporter and the department's staff.
    const pub = await (await t.req(`/api/incidents/${made.sensitive!.number}`)).json();
    expect(pub.properties.description).toBeNull();
    expect(JSON.stringify(pub)).not.toContain('loud music');
    expect((await (await t.req(`/api/track/${made.sensitive!.token}`)).json()).description).toBe('loud music every night');
    const police = await t.req(`/api/triage/incidents/${made.sensitive!.id}`, { headers: { cookie: techPolice.cookie } });
    expect(police.status).toBe(200);
    expect((await police.json()).incident.description).toBe('loud music every night');
    // Staff of another department: it does not exist for them.
    expect((await t.req(`/api/triage/incidents/${made.sensitive!.id}`, { headers: { cookie: techLighting.cookie } })).status).toBe(404);
    const q = await (await t.req('/api/triage/incidents?limit=200', { headers: { cookie: techLighting.cookie } })).json();
    expect(q.incidents.map((i: { id: number }) => i.id)).not.toContain(made.sensitive!.id);
  });
});

describe('Z11: nothing personal or secret in the logs after a triage flow', () => {
  it('logs carry no canary email, phone, name, password, session token or tracking token', async () => {
    const json = (cookie: string, method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
    // A failed sign-in with the canary password typed into the wrong account.
    expect((await t.post('/api/auth/login', { email: CANARY.email, password: CANARY.password })).status).toBe(401);
    expect((await t.req(`/api/triage/incidents?limit=50&sort=priority`, { headers: { cookie: desk.cookie } })).status).toBe(200);
    expect((await t.req(`/api/triage/incidents/${made.published!.id}`, { headers: { cookie: desk.cookie } })).status).toBe(200);
    expect((await t.req(`/api/triage/incidents/${made.published!.id}`, json(desk.cookie, 'PATCH', { priority: 'high', assignedTo: techLighting.id }))).status).toBe(200);
    expect((await t.req(`/api/triage/incidents/${made.published!.id}/notes`, json(desk.cookie, 'POST', { text: 'crew informed', public: true }))).status).toBe(201);
    expect((await t.req(`/api/triage/incidents/${made.dup!.id}/merge`, json(desk.cookie, 'POST', { into: made.published!.id }))).status).toBe(200);
    expect((await t.req(`/api/triage/incidents/${made.held!.id}/moderation`, json(desk.cookie, 'POST', { description: 'Call me', publish: true }))).status).toBe(200);
    expect((await t.req('/api/triage/incidents/bulk', json(desk.cookie, 'POST', { ids: [made.published!.id, made.held!.id], set: { status: { status: 'acknowledged', note: 'seen' } } }))).status).toBe(200);
    expect((await t.req(`/api/triage/incidents/${made.held!.id}`, json(techPolice.cookie, 'PATCH', { priority: 'low' }))).status).toBe(404);
    expect((await t.req(`/api/triage/incidents/${made.held!.id}`, json(desk.cookie, 'PATCH', { reporter_email: CANARY.email }))).status).toBe(422);
    expect((await t.req('/api/triage/incidents.geojson', { headers: { cookie: desk.cookie } })).status).toBe(200);
    expect((await t.req(`/api/stats/summary`, { headers: { cookie: desk.cookie } })).status).toBe(200);
    const stream = await t.req('/api/triage/stream', { headers: { cookie: desk.cookie, 'last-event-id': '0' } });
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes(made.held!.number)) {
      const r = await reader.read();
      if (r.done) break;
      text += new TextDecoder().decode(r.value);
    }
    await reader.cancel();
    // The staff stream has no reporter contact either.
    expect(text).not.toContain(CANARY.email);
    expect(text).not.toContain('699 555');

    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    const secrets = [
      CANARY.email, 'zq.triage.canary', CANARY.phone, '6995551234', '699 555 1234', CANARY.name, 'Zqtriage', CANARY.password, CANARY.staffEmail, 'zq.staff.canary', 'Zqstaff',
      desk.cookie.split('=')[1]!, techLighting.cookie.split('=')[1]!, techPolice.cookie.split('=')[1]!,
      ...Object.values(made).map((m) => m.token),
    ];
    for (const s of secrets) expect(logs.toLowerCase(), s).not.toContain(s.toLowerCase());
  });
});
