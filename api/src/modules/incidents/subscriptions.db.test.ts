/**
 * Status emails only to confirmed addresses (double opt-in), each with a one-click unsubscribe
 * that works without signing in (RFC 8058 List-Unsubscribe headers too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { silentLogger } from '../../logger.ts';
import type { EmailMessage } from '../../../../workers/src/channels/email.ts';
import { handleReportConfirmEmail } from '../../../../workers/src/handlers/report-confirm-email.ts';
import { handleStatusEmail } from '../../../../workers/src/handlers/status-email.ts';
import { makeStaff, makeTestApp, report, seedPlace, type TestApp } from './incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let staffHeaders: Record<string, string>;
const sent: EmailMessage[] = [];
const email = { send: async (m: EmailMessage) => (sent.push(m), { ok: true as const, messageId: m.idempotencyKey }), close() {} };

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
  t = makeTestApp(db.sql);
  staffHeaders = (await makeStaff(db.sql, t, { role: 'dispatcher' })).headers;
});
afterAll(async () => {
  await db?.drop();
});

const deps = () => ({ sql: db.sql, config: t.config, logger: silentLogger, boss: null as never, email });
const setStatus = async (number: string, status: string) => {
  const res = await t.req(`/api/incidents/${number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staffHeaders }, body: JSON.stringify({ status }) });
  expect(res.status).toBe(200);
  return (await res.json()).eventId as number;
};
const linkIn = (text: string, path: string) => {
  const m = new RegExp(`http://test\\.local(/api/public/report-subscriptions/${path}\\?s=\\d+&t=[A-Za-z0-9_-]+)`).exec(text);
  expect(m, `${path} link in ${text}`).not.toBeNull();
  return m![1]!;
};

describe('report status emails: double opt-in and one-click unsubscribe', () => {
  it('an address gets nothing but the confirmation until it confirms; then status emails carry a working unsubscribe', async () => {
    const created = await (await t.post('/api/incidents', report({ contact: { email: 'citizen@example.org' }, notify: true, locale: 'en' }))).json();
    const [req] = await db.sql<{ id: number }[]>`select id::int as id from incident_subscription_requests where email = 'citizen@example.org'`;
    expect(req).toBeDefined();

    // Unconfirmed: a status change emails nobody.
    await handleStatusEmail(deps(), { eventId: await setStatus(created.number, 'acknowledged') });
    expect(sent).toHaveLength(0);

    await handleReportConfirmEmail(deps(), { requestId: req!.id });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'citizen@example.org' });
    const confirm = linkIn(sent[0]!.text, 'confirm');
    // A forged token confirms nothing.
    expect((await t.req(confirm.replace(/t=[^&]+$/, `t=${'A'.repeat(43)}`))).status).toBe(404);
    expect((await db.sql`select 1 from incident_subscribers where email = 'citizen@example.org'`).length).toBe(0);
    const ok = await t.req(confirm);
    expect(ok.status).toBe(200);
    expect((await t.req(confirm)).status).toBe(404);
    // Confirmed: the next status change is emailed, with the unsubscribe link and headers.
    await handleStatusEmail(deps(), { eventId: await setStatus(created.number, 'in_progress') });
    expect(sent).toHaveLength(2);
    const status = sent[1]!;
    expect(status.to).toBe('citizen@example.org');
    const unsubscribe = linkIn(status.text, 'unsubscribe');
    expect(status.headers).toEqual({ 'List-Unsubscribe': `<http://test.local${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });

    // A GET (a link scanner) changes nothing; the one-click POST, without any cookie, unsubscribes.
    expect((await t.req(unsubscribe)).status).toBe(200);
    await handleStatusEmail(deps(), { eventId: await setStatus(created.number, 'resolved') });
    expect(sent).toHaveLength(3);
    const post = await t.req(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(post.status).toBe(200);
    await handleStatusEmail(deps(), { eventId: await setStatus(created.number, 'closed') });
    expect(sent).toHaveLength(3);
  });

  it('anyone may ask to follow a public report: the same answer whatever the address, and only a confirmation is sent', async () => {
    const created = await (await t.post('/api/incidents', report({ description: 'A second lamp is out' }))).json();
    const ask = (body: unknown) => t.post('/api/public/report-subscriptions', body);
    const a = await ask({ number: created.number, email: 'Follower@Example.org', locale: 'el' });
    expect(a.status).toBe(202);
    expect(await a.json()).toEqual({ status: 'confirmation_sent' });
    // Again, and for a report that does not exist: the same answer, nothing new stored.
    expect((await ask({ number: created.number, email: 'follower@example.org' })).status).toBe(202);
    expect((await ask({ number: '2020/999999', email: 'follower@example.org' })).status).toBe(202);
    const rows = await db.sql`select email from incident_subscription_requests where email = 'follower@example.org'`;
    expect(rows.length).toBe(1);
    const bad = await ask({ number: created.number, email: 'not an address' });
    expect(bad.status).toBe(422);
    await handleStatusEmail(deps(), { eventId: await setStatus(created.number, 'acknowledged') });
    expect(sent.filter((m) => m.to === 'follower@example.org')).toHaveLength(0);
  });
});
