/**
 * Z15 (rule 11): the retention job. Personal data planted as canaries (reporter name, email and
 * phone, a phone number removed by moderation, an IP on a session, a failed login and an audit
 * event) is gone from every text, JSON and address column of every table after the job, while the
 * report itself still renders; a dry run changes nothing; a second run finds nothing to do; the
 * run is recorded as counts only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { confirmSubscriptions, makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../../../api/src/modules/incidents/incidents.fixtures.ts';
import { createStaffUser } from '../../../api/src/modules/auth/auth.test-helpers.ts';
import { runRetention } from './retention.ts';

const CANARY = { name: 'Kanarini Reporteridou', email: 'canary.reporter@example.org', phone: '6999001122', moderated: '6988 776655', ip: '198.51.100.77' };

let db: TestDb;
let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
  t = makeTestApp(db.sql);
  staff = await makeStaff(db.sql, t, { role: 'dispatcher' });
});
afterAll(async () => {
  await db?.drop();
});

const staffSend = (method: string, path: string, body: unknown) =>
  t.req(path, { method, headers: { 'content-type': 'application/json', ...staff.headers }, body: JSON.stringify(body) });

/** A report with every kind of personal data, closed `closedDaysAgo` days ago. */
async function closedReport(closedDaysAgo: number, withCanaries: boolean) {
  const res = await t.post(
    '/api/incidents',
    report({
      description: withCanaries ? `Lamp out, call me ${CANARY.moderated}` : 'Lamp out at the corner',
      anonymous: false,
      notify: true,
      contact: withCanaries ? { name: CANARY.name, email: CANARY.email, phone: CANARY.phone } : { name: 'Recent Person', email: 'recent@example.org' },
    }),
    { 'x-device-id': 'retention-device-1' },
    CANARY.ip,
  );
  expect(res.status, await res.clone().text()).toBe(201);
  const { number } = (await res.json()) as { number: string };
  const [{ id }] = await db.sql<{ id: number }[]>`select id::int as id from incidents where protocol_number = ${number}`;
  if (withCanaries) {
    await confirmSubscriptions(db.sql);
    const mod = await staffSend('POST', `/api/triage/incidents/${id}/moderation`, { description: 'Lamp out', publish: true, reason: 'phone removed' });
    expect(mod.status, await mod.clone().text()).toBe(200);
  }
  // "Me too" once it is public (a report with a phone number in it waits for moderation).
  expect((await t.post(`/api/incidents/${number}/support`, {}, { 'x-device-id': 'retention-device-2' }, CANARY.ip)).status).toBe(201);
  for (const status of ['resolved', 'closed']) expect((await staffSend('PATCH', `/api/incidents/${number}/status`, { status })).status).toBe(200);
  await db.sql`update incident_events set created_at = now() - make_interval(days => ${closedDaysAgo}) where incident_id = ${id}`;
  return { id, number };
}

/** Every place a canary could hide: text, JSON and address columns of every table, any schema. */
async function canaryHits(): Promise<string[]> {
  const cols = await db.sql<{ schema: string; table: string; column: string }[]>`
    select c.table_schema as schema, c.table_name as table, c.column_name as column
    from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
    where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
      and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'inet', 'ARRAY', 'USER-DEFINED')`;
  const hits: string[] = [];
  for (const c of cols) {
    const found = await db.sql.unsafe(`select v from unnest($1::text[]) v where exists (select 1 from "${c.schema}"."${c.table}" where "${c.column}"::text like '%' || v || '%')`, [Object.values(CANARY)]);
    for (const r of found) hits.push(`${c.schema}.${c.table}.${c.column} has ${r.v}`);
  }
  return hits;
}

describe('retention job (Z15)', () => {
  it('anonymises what is past its period, leaves the rest, records counts, and runs idempotently', async () => {
    const old = await closedReport(400, true);
    const recent = await closedReport(10, false);
    // A staff session and a failed login from the canary IP, both old.
    const user = await createStaffUser(db.sql, { email: 'retention-staff@example.test', role: 'viewer' });
    expect((await t.post('/api/auth/login', { email: user.email, password: user.password }, {}, CANARY.ip)).status).toBe(200);
    expect((await t.post('/api/auth/login', { email: user.email, password: 'wrong password!' }, {}, CANARY.ip)).status).toBe(401);
    await db.sql`update sessions set created_at = now() - interval '400 days' where user_id = ${user.id}`;
    await db.sql`update login_failures set at = now() - interval '400 days'`;
    await db.sql`update audit_event_ips set at = now() - interval '400 days'`;

    const planted = await canaryHits();
    for (const where of ['incidents.reporter_name', 'incidents.reporter_email', 'incident_subscribers.email', 'incident_moderated_texts.original', 'sessions.ip', 'login_failures.ip', 'audit_event_ips.ip']) {
      expect(planted.some((h) => h.startsWith(`public.${where} `)), `${where} planted`).toBe(true);
    }
    const [supportsBefore] = await db.sql<{ n: number }[]>`select count(*)::int as n from incident_supports where incident_id = ${old.id}`;
    // One hash per key that counted it (device and IP).
    expect(supportsBefore!.n).toBeGreaterThan(0);

    // Dry run: counts, changes nothing.
    const dry = await runRetention(db.sql, { days: 365, dryRun: true });
    expect(dry.runId).toBeNull();
    expect(dry.counts).toMatchObject({ incidents: 1, subscribers: 1, supports: supportsBefore!.n, moderatedTexts: 1, sessions: 1 });
    expect(await canaryHits()).toEqual(planted);

    const run = await runRetention(db.sql, { days: 365 });
    expect(run.counts).toMatchObject({ incidents: 1, subscribers: 1, supports: supportsBefore!.n, moderatedTexts: 1, sessions: 1 });
    expect(run.counts.loginFailures).toBeGreaterThanOrEqual(1);
    expect(run.counts.auditIps).toBeGreaterThanOrEqual(1);
    expect(await canaryHits()).toEqual([]);

    // The report is still public, without a name; the support count stays.
    const pub = await t.req(`/api/incidents/${old.number}`);
    expect(pub.status).toBe(200);
    expect((await pub.json()).properties).toMatchObject({ number: old.number, description: 'Lamp out', supportCount: 1 });
    const [row] = await db.sql`select anonymous, anonymised_at is not null as done from incidents where id = ${old.id}`;
    expect(row).toMatchObject({ anonymous: true, done: true });
    // The recent report keeps its contact and subscription.
    const [kept] = await db.sql`select reporter_email, (select count(*)::int from incident_subscription_requests where incident_id = ${recent.id}) as subs from incidents where id = ${recent.id}`;
    expect(kept).toMatchObject({ reporter_email: 'recent@example.org', subs: 1 });

    // Recorded as counts: a retention_runs row and an audit event, with no value in either.
    const [rec] = await db.sql`select retention_days, counts from retention_runs where id = ${run.runId}`;
    expect(rec).toMatchObject({ retention_days: 365, counts: { incidents: 1 } });
    const [audit] = await db.sql`select actor_role, after from audit_events where action = 'retention.anonymise' and object_id = ${String(run.runId)}`;
    expect(audit).toMatchObject({ actor_role: 'system', after: { retentionDays: 365, incidents: 1 } });
    const [{ first_bad_seq }] = await db.sql`select first_bad_seq from audit_verify()`;
    expect(first_bad_seq).toBeNull();

    // Idempotent: nothing left to do.
    const again = await runRetention(db.sql, { days: 365 });
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
  });

  it('forgets idempotency keys after 24 h, and refuses a period that is not a whole number of days', async () => {
    await t.post('/api/incidents', report({ description: 'keyed' }), { 'idempotency-key': 'retention-key-0001' }, '10.6.0.1');
    await db.sql`update idempotency_keys set created_at = now() - interval '25 hours'`;
    // An alert draft's client key (F12) lives as long.
    const [alert] = await db.sql<{ id: number }[]>`
      insert into alerts (identifier, sender, status, msg_type, scope, created_by, client_key)
      values ('TEST.LOCAL', 'civil-protection@test.local', 'Actual', 'Alert', 'Public', ${staff.id}, gen_random_uuid()) returning id::int as id`;
    await db.sql`update alerts set created_at = now() - interval '25 hours' where id = ${alert!.id}`;
    const run = await runRetention(db.sql, { days: 365 });
    expect(run.counts.idempotencyKeys).toBeGreaterThanOrEqual(1);
    expect(run.counts.alertClientKeys).toBe(1);
    expect((await db.sql`select client_key from alerts where id = ${alert!.id}`)[0]!.client_key).toBeNull();
    const [{ n }] = await db.sql`select count(*)::int as n from idempotency_keys where created_at < now() - interval '24 hours'`;
    expect(n).toBe(0);
    await expect(runRetention(db.sql, { days: 0 })).rejects.toThrow(/whole number/);
  });
});
