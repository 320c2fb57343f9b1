/**
 * Status change → email, end to end with real parts: the PATCH enqueues `status-email` through
 * pg-boss in the same transaction, the handler sends over SMTP to an smtp-server running in this
 * process, and a re-delivered job sends nothing twice (ledger).
 */
import type { AddressInfo } from 'node:net';
import { PgBoss } from 'pg-boss';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { silentLogger } from '../../../api/src/logger.ts';
import { confirmSubscriptions, makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../../../api/src/modules/incidents/incidents.fixtures.ts';
import { createQueues } from '../worker.ts';
import { handleStatusEmail } from './status-email.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let db: TestDb;
let t: TestApp;
let boss: PgBoss;
let smtp: SMTPServer;
let smtpUrl: string;
let staffHeaders: Record<string, string>;
const inbox: Received[] = [];

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
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  boss = new PgBoss({ connectionString: db.url, max: 2 });
  boss.on('error', () => {});
  await boss.start();
  await createQueues(boss);
  t = makeTestApp(db.sql, { boss, smtpUrl });
  staffHeaders = (await makeStaff(db.sql, t)).headers;
});
afterAll(async () => {
  await boss?.stop({ graceful: false, timeout: 2000 });
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await db?.drop();
});

/** Decodes the single-part body nodemailer writes (base64 or quoted-printable), enough to search the text. */
function decodeMail(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = raw.slice(split).trim();
  if (/Content-Transfer-Encoding: base64/i.test(headers)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  const qp = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(qp, 'latin1').toString('utf8');
}
const decodeSubject = (raw: string) => {
  const m = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  // RFC 2047: whitespace between adjacent encoded words is not part of the text.
  return m.replace(/\r?\n[ \t]/g, ' ').replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, enc, text) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x: string, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  ).replace(/\s+/g, ' ');
};

describe('status email', () => {
  it('enqueues in the status-change transaction and emails the subscriber once over SMTP', async () => {
    const created = await (await t.post('/api/incidents', report({ contact: { email: 'reporter@example.org' }, locale: 'el' }))).json();
    await confirmSubscriptions(db.sql);
    const res = await t.req(`/api/incidents/${created.number}/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...staffHeaders },
      body: JSON.stringify({ status: 'in_progress', note: 'Το συνεργείο είναι καθ’ οδόν.' }),
    });
    expect(res.status).toBe(200);
    const { eventId } = await res.json();
    const jobs = await db.sql`select data from pgboss.job where name = 'status-email'`;
    expect(jobs.map((j) => j.data)).toEqual([{ eventId }]);

    const deps = { sql: db.sql, boss, config: t.config, logger: silentLogger };
    await handleStatusEmail(deps, { eventId });
    expect(inbox).toHaveLength(1);
    expect(inbox[0].to).toEqual(['reporter@example.org']);
    const subject = decodeSubject(inbox[0].raw);
    expect(subject).toContain(created.number);
    expect(subject).toContain('Σε εξέλιξη');
    expect(decodeMail(inbox[0].raw)).toContain('Το συνεργείο είναι καθ’ οδόν.');
    expect(inbox[0].raw).toMatch(new RegExp(`Message-ID: <status-${eventId}-\\d+@`, 'i'));

    // Re-delivery (pg-boss at-least-once) sends nothing new.
    await handleStatusEmail(deps, { eventId });
    expect(inbox).toHaveLength(1);
    const [ledger] = await db.sql`select status, attempts from status_email_deliveries where event_id = ${eventId}`;
    expect(ledger).toEqual({ status: 'sent', attempts: 1 });
  });

  it('a refused status change enqueues nothing; a report without email gets no mail', async () => {
    const created = await (await t.post('/api/incidents', report())).json();
    const bad = await t.req(`/api/incidents/${created.number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staffHeaders }, body: JSON.stringify({ status: 'closed' }) });
    expect(bad.status).toBe(422);
    const before = (await db.sql`select count(*)::int as n from pgboss.job where name = 'status-email'`)[0].n;
    const ok = await t.req(`/api/incidents/${created.number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staffHeaders }, body: JSON.stringify({ status: 'acknowledged' }) });
    const { eventId } = await ok.json();
    expect((await db.sql`select count(*)::int as n from pgboss.job where name = 'status-email'`)[0].n).toBe(before + 1);
    const sent = inbox.length;
    await handleStatusEmail({ sql: db.sql, boss, config: t.config, logger: silentLogger }, { eventId });
    expect(inbox.length).toBe(sent);
  });
});
