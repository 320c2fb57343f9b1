/**
 * sla-check against a real PostGIS and a real SMTP server in this process: open reports past
 * their due time are marked once (re-runs and concurrent runs mark nothing new), each breach gets
 * a timeline row, an audit row and a ledger row, and the department's address receives one digest.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { createLogger } from '../../../api/src/logger.ts';
import { makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../../../api/src/modules/incidents/incidents.fixtures.ts';
import { handleSlaCheck } from './sla-check.ts';

let db: TestDb;
let t: TestApp;
let smtp: SMTPServer;
const inbox: { to: string[]; raw: string }[] = [];
const logs: string[] = [];

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
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  t = makeTestApp(db.sql, { smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` });
  await db.sql`update departments set email = 'lighting-desk@piraeus.example' where id = 'lighting'`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await db?.drop();
});

const deps = () => ({ sql: db.sql, boss: null as never, config: t.config, logger: createLogger('debug', (l) => logs.push(l)) });

async function file(category = 'street_lighting', answers: Record<string, unknown> = { lamp_state: 'off' }) {
  const res = await t.post('/api/incidents', report({ category, answers, contact: { email: 'sla.reporter@example.org' } }));
  expect(res.status).toBe(201);
  const { number } = await res.json();
  const [row] = await db.sql<{ id: number }[]>`select id from incidents where protocol_number = ${number}`;
  return { id: row!.id, number: number as string };
}

describe('sla-check', () => {
  it('computes sla_due_at at intake from the category', async () => {
    const a = await file();
    const [row] = await db.sql`select extract(epoch from (sla_due_at - created_at))::int as s from incidents where id = ${a.id}`;
    expect(row!.s).toBe(72 * 3600);
  });

  it('marks breaches once, writes timeline, audit and ledger rows, and emails the department one digest', async () => {
    const late1 = await file();
    const late2 = await file();
    const onTime = await file();
    const resolvedLate = await file();
    const water = await file('water_leak', { flow: 'drip' });
    await db.sql`update incidents set sla_due_at = now() - interval '1 minute' where id = any(${[late1.id, late2.id, resolvedLate.id, water.id]}::bigint[])`;
    // Resolved before the job ran: not open, so not marked by the job.
    const staff = await makeStaff(db.sql, t);
    expect((await t.req(`/api/incidents/${resolvedLate.number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staff.headers }, body: JSON.stringify({ status: 'resolved' }) })).status).toBe(200);

    // Two runs at once, then a re-run: the rows are marked by exactly one of them.
    const [r1, r2] = await Promise.all([handleSlaCheck(deps()), handleSlaCheck(deps())]);
    const r3 = await handleSlaCheck(deps());
    expect(r1.marked + r2.marked).toBe(3);
    expect(r3.marked).toBe(0);
    const marked = await db.sql`select id from incidents where sla_breached_at is not null order by id`;
    expect(marked.map((r) => r.id)).toEqual([late1.id, late2.id, water.id].sort((a, b) => a - b));
    expect((await db.sql`select sla_breached_at from incidents where id = ${onTime.id}`)[0]!.sla_breached_at).toBeNull();

    const events = await db.sql`select incident_id, public, actor from incident_events where kind = 'sla_breach' order by incident_id`;
    expect(events).toEqual([late1.id, late2.id, water.id].sort((a, b) => a - b).map((id) => ({ incident_id: id, public: false, actor: 'system' })));
    const audits = await db.sql`select object_id, actor_user_id, actor_role from audit_events where action = 'incident.sla_breached' order by object_id::bigint`;
    expect(audits.map((a) => a.object_id)).toEqual([late1.id, late2.id, water.id].sort((a, b) => a - b).map(String));
    expect(audits.every((a) => a.actor_user_id === null && a.actor_role === 'system')).toBe(true);

    // Lighting has an address: one digest naming both reports. Water has none: skipped, still visible in the queue.
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.to).toEqual(['lighting-desk@piraeus.example']);
    expect(inbox[0]!.raw).toContain(late1.number);
    expect(inbox[0]!.raw).toContain(late2.number);
    expect(inbox[0]!.raw).not.toContain('sla.reporter@example.org');
    const ledger = await db.sql`select incident_id, status from sla_breach_notifications order by incident_id`;
    expect(ledger).toEqual([
      { incident_id: late1.id, status: 'sent' },
      { incident_id: late2.id, status: 'sent' },
      { incident_id: water.id, status: 'skipped' },
    ].sort((a, b) => a.incident_id - b.incident_id));

    // Breach state is visible to staff: queue filter and map data.
    const q = await (await t.req('/api/triage/incidents?sla=breached', { headers: staff.headers })).json();
    expect(q.incidents.map((i: { id: number }) => i.id).sort()).toEqual([late1.id, late2.id, water.id].sort());
    expect(q.incidents.every((i: { sla: { breachedAt: string | null; state: string } }) => i.sla.breachedAt !== null && i.sla.state === 'breached')).toBe(true);
    const fc = await (await t.req('/api/triage/incidents.geojson', { headers: staff.headers })).json();
    const late = fc.features.find((f: { id: number }) => f.id === late1.id);
    expect(late.properties.sla).toBe('breached');

    // Later resolving does not clear the breach (it counts against SLA compliance).
    expect((await t.req(`/api/incidents/${late1.number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staff.headers }, body: JSON.stringify({ status: 'resolved' }) })).status).toBe(200);
    await handleSlaCheck(deps());
    expect((await db.sql`select sla_breached_at is not null as b from incidents where id = ${late1.id}`)[0]!.b).toBe(true);
    expect(inbox).toHaveLength(1);
    // Logs hold ids and counts only.
    expect(logs.join('')).not.toContain('@');
  });
});
