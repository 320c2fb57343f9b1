/**
 * Alert delivery with real parts: subscriptions through the public API (double opt-in over SMTP to
 * an smtp-server in this process), the ledger filled when the alert is issued, chunk jobs through
 * pg-boss, sends that re-read the alert's state, crash and retry behaviour with fake providers,
 * and the dead-letter path. RELIABILITY F2, F7, F11, Z8, Z9 and subscriber privacy.
 */
import type { AddressInfo } from 'node:net';
import { PgBoss } from 'pg-boss';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { createLogger } from '../../../api/src/logger.ts';
import { makeStaff, makeTestApp, seedPlace, type TestApp } from '../../../api/src/modules/incidents/incidents.fixtures.ts';
import type { EmailChannel, EmailMessage } from '../channels/email.ts';
import type { PushChannel, PushMessage } from '../channels/push.ts';
import { createQueues, type WorkerDeps } from '../worker.ts';
import { handleAlertConfirmEmail } from './alert-confirm-email.ts';
import { handleAlertDeliver, MAX_ATTEMPTS } from './alert-deliver.ts';
import { handleAlertFanOut } from './alert-fan-out.ts';

interface Received {
  to: string[];
  raw: string;
}

let db: TestDb;
let t: TestApp;
let boss: PgBoss;
let smtp: SMTPServer;
let deps: WorkerDeps;
const logs: string[] = [];
const inbox: Received[] = [];
let officer: { headers: Record<string, string> };
let approver: { headers: Record<string, string> };

// Inside the test municipality (incidents.fixtures.ts): the harbour square and a far corner.
const HARBOUR = [23.62, 37.94] as const;
const FAR = [23.605, 37.965] as const;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  boss = new PgBoss({ connectionString: db.url, max: 2 });
  boss.on('error', () => {});
  await boss.start();
  await createQueues(boss);
  t = makeTestApp(db.sql, { boss, smtpUrl });
  deps = { sql: db.sql, boss, config: t.config, logger: createLogger('debug', (l) => logs.push(l)) };
  officer = await makeStaff(db.sql, t, { role: 'civil_protection' });
  approver = await makeStaff(db.sql, t, { role: 'approver' });
});
afterAll(async () => {
  await boss?.stop({ graceful: false, timeout: 2000 });
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await db?.drop();
});

const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.req(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost', ...headers }, body: JSON.stringify(body) });

/** A confirmed email subscriber straight in the table (the subscribe flow has its own test). */
async function subscriber(email: string, at: readonly [number, number], o: { testGroup?: boolean; push?: boolean } = {}): Promise<number> {
  const [r] = await db.sql<{ id: number }[]>`
    insert into alert_subscribers (email, email_confirmed_at, push_subscription, test_group, geom)
    values (${email}, now(), ${o.push ? db.sql.json({ endpoint: `https://push.example/${email}`, keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } }) : null}::jsonb,
            ${o.testGroup ?? false}, st_multi(st_buffer(st_setsrid(st_makepoint(${at[0]}, ${at[1]}), 4326)::geography, 100)::geometry))
    returning id::int as id`;
  return r!.id;
}

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
async function issuedAlert(o: { status?: string; center?: readonly [number, number] } = {}): Promise<number> {
  const body = {
    status: o.status ?? 'Actual',
    info: [
      { language: 'el-GR', category: ['Met'], event: 'Πλημμύρα', urgency: 'Expected', severity: 'Severe', certainty: 'Likely', expires: hours(6), headline: 'Κίνδυνος πλημμύρας στο λιμάνι', description: 'Έντονη βροχή.' },
      { language: 'en-US', category: ['Met'], event: 'Flood', urgency: 'Expected', severity: 'Severe', certainty: 'Likely', expires: hours(6), headline: 'Flood risk at the harbour', description: 'Heavy rain.' },
    ],
    area: { description: 'Λιμάνι / Harbour', circles: [{ center: o.center ?? HARBOUR, radiusKm: 0.4 }] },
  };
  const d = (await (await json('/api/alerts', body, officer.headers)).json()) as { id: number; contentHash: string };
  await json(`/api/alerts/${d.id}/submit`, {}, officer.headers);
  expect((await json(`/api/alerts/${d.id}/approve`, { contentHash: d.contentHash }, approver.headers)).status).toBe(200);
  expect((await json(`/api/alerts/${d.id}/issue`, {}, officer.headers)).status).toBe(200);
  return d.id;
}

async function followUp(id: number, kind: 'cancel' | 'update'): Promise<number> {
  const d = (await (await json(`/api/alerts/${id}/${kind}`, {}, officer.headers)).json()) as { id: number; contentHash: string };
  await json(`/api/alerts/${d.id}/submit`, {}, officer.headers);
  await json(`/api/alerts/${d.id}/approve`, { contentHash: d.contentHash }, approver.headers);
  expect((await json(`/api/alerts/${d.id}/issue`, {}, officer.headers)).status).toBe(200);
  return d.id;
}

/** Runs the fan-out and then every chunk job pg-boss hands out for this alert. */
async function deliverAll(alertId: number, extra: Partial<Parameters<typeof handleAlertDeliver>[0]> = {}, chunkSize?: number) {
  await handleAlertFanOut(deps, { alertId }, chunkSize);
  for (;;) {
    const jobs = await boss.fetch<{ alertId: number; fromId: number; toId: number }>('alert-deliver', { batchSize: 50 });
    if (!jobs || jobs.length === 0) break;
    for (const j of jobs) {
      try {
        await handleAlertDeliver({ ...deps, ...extra }, j.data);
        await boss.complete('alert-deliver', j.id);
      } catch {
        await boss.fail('alert-deliver', j.id);
      }
    }
  }
}

const ledger = (alertId: number) =>
  db.sql<{ email: string; channel: string; status: string; attempts: number }[]>`
    select s.email, d.channel, d.status, d.attempts from alert_deliveries d join alert_subscribers s on s.id = d.subscriber_id
    where d.alert_id = ${alertId} order by s.email, d.channel`;

class RecordingEmail implements EmailChannel {
  calls: EmailMessage[] = [];
  readonly behaviour: (m: EmailMessage, n: number) => 'ok' | 'crash-before' | 'crash-after' | 'down';
  constructor(behaviour: (m: EmailMessage, n: number) => 'ok' | 'crash-before' | 'crash-after' | 'down' = () => 'ok') {
    this.behaviour = behaviour;
  }
  async send(m: EmailMessage) {
    const b = this.behaviour(m, this.calls.length);
    if (b === 'crash-before') throw new Error('worker killed before the provider call');
    if (b === 'down') return { ok: false, error: 'smtp_421', retryable: true };
    this.calls.push(m);
    if (b === 'crash-after') throw new Error('worker killed after the provider call');
    return { ok: true, messageId: `<${m.idempotencyKey}@test>` };
  }
  close() {}
}
class RecordingPush implements PushChannel {
  calls: PushMessage[] = [];
  async send(m: PushMessage) {
    this.calls.push(m);
    return { ok: true };
  }
}

describe('subscriptions', () => {
  it('double opt-in over SMTP, one-click unsubscribe by POST only, no personal data in answers', async () => {
    const res = await json('/api/public/alert-subscriptions', { email: 'Optin@Example.org', locale: 'en', home: { center: HARBOUR, radiusM: 300 } });
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).not.toContain('xample.org');
    // The same address again: same answer, no second row.
    expect((await json('/api/public/alert-subscriptions', { email: 'optin@example.org', home: { center: FAR, radiusM: 300 } })).status).toBe(202);
    const rows = await db.sql<{ id: number; confirmed: boolean }[]>`select id::int as id, email_confirmed_at is not null as confirmed from alert_subscribers where email = 'optin@example.org'`;
    expect(rows).toEqual([{ id: rows[0]!.id, confirmed: false }]);
    const [job] = await db.sql<{ data: { subscriberId: number } }[]>`select data from pgboss.job where name = 'alert-confirm-email'`;
    await handleAlertConfirmEmail(deps, job!.data);
    const mail = inbox.find((m) => m.to.includes('optin@example.org'))!;
    const link = /confirm\?s=\d+&(?:amp;)?t=[A-Za-z0-9_=-]+/.exec(mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='))![0];
    expect((await t.req(`/api/public/alert-subscriptions/confirm?s=${rows[0]!.id}&t=wrong-token-wrong-token-wrong-token-wrong-tok`)).status).toBe(404);
    expect((await t.req(`/api/public/alert-subscriptions/${link}`)).status).toBe(200);
    const [after] = await db.sql<{ confirmed: boolean }[]>`select email_confirmed_at is not null as confirmed from alert_subscribers where id = ${rows[0]!.id}`;
    expect(after!.confirmed).toBe(true);
    const token = (await db.sql<{ t: string }[]>`select alert_subscriber_token(${rows[0]!.id}, 'unsubscribe') as t`)[0]!.t;
    expect((await t.req(`/api/public/alert-subscriptions/unsubscribe?s=${rows[0]!.id}&t=${token}`)).status).toBe(200);
    expect((await db.sql`select 1 from alert_subscribers where id = ${rows[0]!.id} and unsubscribed_at is null`).length).toBe(1);
    await t.req(`/api/public/alert-subscriptions/unsubscribe?s=${rows[0]!.id}&t=${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect((await db.sql`select 1 from alert_subscribers where id = ${rows[0]!.id} and unsubscribed_at is null`).length).toBe(0);
  });

  it('refuses areas outside the municipality and malformed ones', async () => {
    expect((await json('/api/public/alert-subscriptions', { email: 'x@example.org', home: { center: [22.9, 40.6], radiusM: 300 } })).status).toBe(422);
    const r = await json('/api/public/alert-subscriptions', { email: 'x@example.org', area: { type: 'Polygon', coordinates: [[[23.61, 37.94], [23.62, 37.94], [23.62, 37.95]]] } });
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('invalid_ring');
  });
});

describe('alert delivery', () => {
  it('one email and one push to each subscriber inside, none outside, over SMTP; a re-run sends nothing', async () => {
    await subscriber('inside@example.org', HARBOUR, { push: true });
    await subscriber('outside@example.org', FAR);
    const id = await issuedAlert();
    const push = new RecordingPush();
    const before = inbox.length;
    await deliverAll(id, { push });
    const mails = inbox.slice(before);
    expect(mails.map((m) => m.to)).toEqual([['inside@example.org']]);
    expect(mails[0]!.raw.replace(/\r?\n[ \t]+/g, ' ')).toMatch(/List-Unsubscribe:\s*<http:\/\/test\.local\/api\/public\/alert-subscriptions\/unsubscribe\?s=\d+&t=/);
    expect(mails[0]!.raw).toMatch(new RegExp(`Message-ID: <alert-delivery-\\d+@`, 'i'));
    expect(push.calls).toHaveLength(1);
    expect(JSON.parse(push.calls[0]!.payload)).toMatchObject({ url: `http://test.local/?alert=${id}` });
    expect((await ledger(id)).filter((r) => r.email === 'inside@example.org')).toEqual([
      { email: 'inside@example.org', channel: 'email', status: 'sent', attempts: 1 },
      { email: 'inside@example.org', channel: 'push', status: 'sent', attempts: 1 },
    ]);
    const again = inbox.length;
    const chunks = await db.sql<{ from_id: number; to_id: number }[]>`select min(id)::int as from_id, max(id)::int as to_id from alert_deliveries where alert_id = ${id}`;
    await handleAlertDeliver({ ...deps, push }, { alertId: id, fromId: chunks[0]!.from_id, toId: chunks[0]!.to_id });
    expect(inbox.length).toBe(again);
    expect(push.calls).toHaveLength(1);
    // The delivery dashboard.
    const dash = (await (await t.req(`/api/alerts/${id}/deliveries`, { headers: officer.headers })).json()) as { channels: { channel: string; targeted: number; sent: number }[] };
    expect(dash.channels.find((c) => c.channel === 'email')).toMatchObject({ sent: 1, failed: 0, pending: 0 });
  });

  it('Test alerts reach the test group only (Z8) and say so', async () => {
    await subscriber('tester@example.org', HARBOUR, { testGroup: true });
    const id = await issuedAlert({ status: 'Test' });
    const email = new RecordingEmail();
    await deliverAll(id, { email });
    expect(email.calls.map((c) => c.to)).toEqual(['tester@example.org']);
    expect(email.calls[0]!.subject).toMatch(/^\[ΔΟΚΙΜΗ\]/);
  });

  it('a crash before or after the provider call ends with one sent ledger row; the retry reuses the key and is logged (F2)', async () => {
    const id = await issuedAlert();
    const n = (await ledger(id)).filter((r) => r.channel === 'email').length;
    // First run: the first send dies before the provider, the second dies after it.
    const crashing = new RecordingEmail((_m, i) => (i === 0 ? 'crash-after' : 'ok'));
    let firstCall = true;
    const beforeCrash = new RecordingEmail(() => {
      if (firstCall) {
        firstCall = false;
        return 'crash-before';
      }
      return 'ok';
    });
    const range = (await db.sql<{ f: number; l: number }[]>`select min(id)::int as f, max(id)::int as l from alert_deliveries where alert_id = ${id}`)[0]!;
    await expect(handleAlertDeliver({ ...deps, email: beforeCrash, push: new RecordingPush() }, { alertId: id, fromId: range.f, toId: range.l })).rejects.toThrow('killed before');
    await expect(handleAlertDeliver({ ...deps, email: crashing, push: new RecordingPush() }, { alertId: id, fromId: range.f, toId: range.l })).rejects.toThrow('killed after');
    const final = new RecordingEmail();
    await handleAlertDeliver({ ...deps, email: final, push: new RecordingPush() }, { alertId: id, fromId: range.f, toId: range.l });
    const rows = (await ledger(id)).filter((r) => r.channel === 'email');
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows).toHaveLength(n);
    // The provider saw the crashed-after message twice, under one idempotency key.
    const keys = [...crashing.calls, ...beforeCrash.calls, ...final.calls].map((c) => c.idempotencyKey);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(dupes.length).toBeLessThanOrEqual(1);
    expect(logs.some((l) => l.includes('possible_duplicate'))).toBe(true);
  });

  it('a Cancel during the fan-out stops the remaining sends and reaches everyone already notified (Z9, F7)', async () => {
    for (let i = 0; i < 4; i++) await subscriber(`crowd${i}@example.org`, [HARBOUR[0] + i * 0.0005, HARBOUR[1]]);
    const id = await issuedAlert();
    await handleAlertFanOut(deps, { alertId: id }, 2);
    const jobs = (await boss.fetch<{ alertId: number; fromId: number; toId: number }>('alert-deliver', { batchSize: 50 }))!.filter((j) => j.data.alertId === id);
    expect(jobs.length).toBeGreaterThan(2);
    const email = new RecordingEmail();
    const push = new RecordingPush();
    // Half the chunks go out, then the Cancel is issued, then the rest run.
    const half = Math.floor(jobs.length / 2);
    for (const j of jobs.slice(0, half)) await handleAlertDeliver({ ...deps, email, push }, j.data);
    const notified = new Set([...email.calls.map((c) => c.to), ...push.calls.map((c) => c.subscription.endpoint.split('/').pop()!)]);
    const cancelId = await followUp(id, 'cancel');
    for (const j of jobs.slice(half)) await handleAlertDeliver({ ...deps, email, push }, j.data);
    const afterCancel = new Set([...email.calls.map((c) => c.to), ...push.calls.map((c) => c.subscription.endpoint.split('/').pop()!)]);
    expect(afterCancel).toEqual(notified);
    const rows = await ledger(id);
    expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
    expect(rows.some((r) => r.status === 'skipped')).toBe(true);
    // The Cancel's ledger is exactly who got the alert, per channel.
    const cancelRows = await ledger(cancelId);
    expect(cancelRows.map((r) => `${r.email}/${r.channel}`).sort()).toEqual(rows.filter((r) => r.status === 'sent').map((r) => `${r.email}/${r.channel}`).sort());
    const cancelMail = new RecordingEmail();
    await deliverAll(cancelId, { email: cancelMail, push });
    expect(new Set(cancelMail.calls.map((c) => c.to))).toEqual(new Set(rows.filter((r) => r.status === 'sent' && r.channel === 'email').map((r) => r.email)));
    expect(cancelMail.calls.every((c) => /ΑΚΥΡΩΣΗ|CANCELLED/.test(c.subject))).toBe(true);
  });

  it('provider down: retries, then failed rows counted and the chunk in the dead-letter queue; a re-drive sends once (F11)', async () => {
    await db.sql`update alert_subscribers set unsubscribed_at = now() where unsubscribed_at is null`;
    await subscriber('deadletter@example.org', HARBOUR);
    const id = await issuedAlert();
    await handleAlertFanOut(deps, { alertId: id });
    const down = new RecordingEmail(() => 'down');
    let job = (await boss.fetch<{ alertId: number; fromId: number; toId: number }>('alert-deliver'))!.find((j) => j.data.alertId === id)!;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await expect(handleAlertDeliver({ ...deps, email: down }, job.data)).rejects.toThrow('retried');
    }
    expect(await ledger(id)).toEqual([{ email: 'deadletter@example.org', channel: 'email', status: 'pending', attempts: MAX_ATTEMPTS - 1 }]);
    // pg-boss gives up on the job: with no retries left it lands in the dead-letter queue.
    await db.sql`update pgboss.job set retry_count = retry_limit where id = ${job.id}`;
    await boss.fail('alert-deliver', job.id, { error: 'provider down' });
    const dead = await boss.fetch<{ alertId: number; fromId: number; toId: number }>('alert-deliver-dead');
    expect(dead?.map((d) => d.data)).toEqual([job.data]);
    const dash = (await (await t.req(`/api/alerts/${id}/deliveries`, { headers: officer.headers })).json()) as { deadLetterJobs: number };
    expect(dash.deadLetterJobs).toBe(1);
    // Provider back: the re-driven chunk sends once; a second re-drive sends nothing.
    const up = new RecordingEmail();
    await handleAlertDeliver({ ...deps, email: up }, dead![0]!.data);
    await handleAlertDeliver({ ...deps, email: up }, dead![0]!.data);
    expect(up.calls).toHaveLength(1);
    expect((await ledger(id))[0]).toMatchObject({ status: 'sent', attempts: MAX_ATTEMPTS });
    // Until the last attempt fails for good, which is then counted as failed.
    const id2 = await (async () => {
      await db.sql`update alert_subscribers set unsubscribed_at = null where email = 'deadletter@example.org'`;
      return issuedAlert();
    })();
    await handleAlertFanOut(deps, { alertId: id2 });
    job = (await boss.fetch<{ alertId: number; fromId: number; toId: number }>('alert-deliver'))!.find((j) => j.data.alertId === id2)!;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) await handleAlertDeliver({ ...deps, email: down }, job.data).catch(() => undefined);
    expect((await ledger(id2))[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('no subscriber address reaches a public surface or a log line', async () => {
    const bodies = await Promise.all(['/api/public/alerts', '/cap/alerts.atom'].map(async (p) => (await t.req(p)).text()));
    const ids = (await db.sql<{ id: number }[]>`select id::int as id from alerts where sent is not null and status = 'Actual'`).map((r) => r.id);
    for (const id of ids) bodies.push(await (await t.req(`/cap/alerts/${id}.xml`)).text());
    for (const b of [...bodies, ...logs, ...t.logs]) {
      expect(b).not.toMatch(/[a-z0-9]+@example\.org/);
      expect(b).not.toContain('push.example');
    }
  });
});
