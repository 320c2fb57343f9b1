/**
 * Z10: the audit log is append-only for the application role, tamper-evident for everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, signIn, testApp, type TestApp } from '../auth/auth.test-helpers.ts';
import postgres from 'postgres';
import type { Pool } from '../../db.ts';
import { insertAuditEvent, verifyAuditChain } from './audit.sql.ts';

let db: TestDb;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  for (let i = 0; i < 3; i++) {
    await insertAuditEvent(db.sql, { actorUserId: 1, actorRole: 'admin', action: 'test.seed', objectType: 'thing', objectId: String(i), before: { n: i }, after: { n: i + 1 }, ip: '127.0.0.1', requestId: null });
  }
});
afterAll(async () => {
  await db?.drop();
});

/** Runs fn as municipal_app inside its own transaction (rolled back by the error if any). */
const asApp = (fn: (tx: any) => Promise<unknown>) =>
  db.sql.begin(async (tx) => {
    await tx`set local role municipal_app`;
    return fn(tx);
  });

describe('audit_events as the application role', () => {
  it('may insert and read', async () => {
    await asApp((tx) => tx`insert into audit_events (action, object_type, object_id) values ('test.app_insert', 'thing', '9')`);
    const rows = await asApp((tx) => tx`select seq from audit_events where action = 'test.app_insert'`);
    expect((rows as unknown[]).length).toBe(1);
  });

  it('cannot UPDATE, DELETE or TRUNCATE: permission denied', async () => {
    await expect(asApp((tx) => tx`update audit_events set action = 'test.rewritten' where seq = 1`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
    await expect(asApp((tx) => tx`delete from audit_events where seq = 1`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
    await expect(asApp((tx) => tx`truncate audit_events`)).rejects.toMatchObject({ code: '42501' });
    const [row] = await db.sql`select action from audit_events where seq = 1`;
    expect(row!.action).toBe('test.seed');
  });

  it('cannot forge the chain columns: the trigger sets seq, prev_hash and hash', async () => {
    await asApp((tx) => tx`insert into audit_events (action, object_type, seq, prev_hash, hash) values ('test.forge', 'thing', 999, '\\x00', '\\x00')`);
    const [row] = await db.sql<{ seq: number; len: number }[]>`select seq, length(hash) as len from audit_events where action = 'test.forge'`;
    expect(row!.seq).toBeLessThan(999);
    expect(row!.len).toBe(32);
    expect((await verifyAuditChain(db.sql)).first_bad_seq).toBeNull();
  });

  it('the app role does have what the app needs on the domain tables', async () => {
    await asApp((tx) => tx`update layers set sort_order = sort_order where false`);
    await asApp((tx) => tx`delete from sessions where false`);
    await asApp((tx) => tx`select 1 from work_orders limit 1`);
  });
});

describe('audit_events for the owner', () => {
  it('even the table owner cannot update or delete (trigger)', async () => {
    await expect(db.sql`update audit_events set reason = 'x' where seq = 1`).rejects.toThrow(/append-only/);
    await expect(db.sql`delete from audit_events where seq = 1`).rejects.toThrow(/append-only/);
    await expect(db.sql`truncate audit_events`).rejects.toThrow(/append-only/);
  });

  it('the hash chain verifies, and an edit made behind the triggers is detected', async () => {
    const ok = await verifyAuditChain(db.sql);
    expect(ok.first_bad_seq).toBeNull();
    expect(ok.checked).toBeGreaterThanOrEqual(5);
    // A superuser can drop the guard; the chain still gives the edit away.
    await db.sql.begin(async (tx) => {
      await tx`alter table audit_events disable trigger audit_events_no_update`;
      await tx`update audit_events set after = '{"n": 42}' where seq = 2`;
      const bad = await tx<{ first_bad_seq: number }[]>`select first_bad_seq from audit_verify()`;
      expect(bad[0]!.first_bad_seq).toBe(2);
      throw new Error('rollback');
    }).catch((e) => {
      if ((e as Error).message !== 'rollback') throw e;
    });
    expect((await verifyAuditChain(db.sql)).first_bad_seq).toBeNull();
  });

  it('concurrent writers still form one unbroken chain', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.sql.begin(async (tx) => {
          await insertAuditEvent(tx, { actorUserId: null, actorRole: null, action: 'test.concurrent', objectType: 'thing', objectId: String(i), ip: null, requestId: null });
          await tx`select pg_sleep(0.005)`;
        }),
      ),
    );
    const r = await verifyAuditChain(db.sql);
    expect(r.first_bad_seq).toBeNull();
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'test.concurrent'`;
    expect(n!.n).toBe(20);
  });

  it('a long transaction that wrote an audit row early does not hold the chain lock: other writers commit at once', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const long = db.sql.begin(async (tx) => {
      await insertAuditEvent(tx, { actorUserId: null, actorRole: null, action: 'test.long_tx', objectType: 'thing', objectId: 'long', ip: null, requestId: null });
      wrote();
      await held;
    });
    await written;
    const t0 = performance.now();
    // lock_timeout bounds the wait: a writer queued behind the long transaction would fail here.
    await db.sql.begin(async (tx) => {
      await tx`set local lock_timeout = '2s'`;
      await insertAuditEvent(tx, { actorUserId: null, actorRole: null, action: 'test.short_tx', objectType: 'thing', objectId: 'short', ip: null, requestId: null });
    });
    const waitedMs = performance.now() - t0;
    release();
    await long;
    expect(waitedMs).toBeLessThan(1000);
    const rows = await db.sql<{ action: string; seq: number }[]>`select action, seq from audit_events where action in ('test.long_tx', 'test.short_tx') order by seq`;
    // Chain order is commit order: the short transaction committed first.
    expect(rows.map((r) => r.action)).toEqual(['test.short_tx', 'test.long_tx']);
    expect((await verifyAuditChain(db.sql)).first_bad_seq).toBeNull();
    const [parked] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events_pending`;
    expect(parked!.n).toBe(0);
  });

  it('an event IP is kept beside the chain, so erasing it leaves the chain whole', async () => {
    await insertAuditEvent(db.sql, { actorUserId: null, actorRole: null, action: 'test.with_ip', objectType: 'thing', objectId: 'ip', ip: '203.0.113.7', requestId: null });
    const [row] = await db.sql<{ id: number; chained: string | null; side: string | null }[]>`
      select e.id, host(e.ip) as chained, host(x.ip) as side from audit_events e left join audit_event_ips x on x.audit_event_id = e.id where e.action = 'test.with_ip'`;
    expect(row).toMatchObject({ chained: null, side: '203.0.113.7' });
    await db.sql`delete from audit_event_ips where audit_event_id = ${row!.id}`;
    expect((await verifyAuditChain(db.sql)).first_bad_seq).toBeNull();
  });

  it('times are stored as timestamptz and served in UTC', async () => {
    const admin = await createStaffUser(db.sql, { email: 'audit-admin@example.test', role: 'admin' });
    const cookie = await signIn(app, admin.email, admin.password);
    const res = await call(app, 'GET', '/api/audit?action=auth.login', { cookie });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.events[0]).toMatchObject({ action: 'auth.login', actor: { id: admin.id, role: 'admin' }, object: { type: 'user', id: String(admin.id) } });
    expect(body.events[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const verify = await call(app, 'GET', '/api/audit/verify', { cookie });
    expect(await verify.json()).toMatchObject({ ok: true, firstBadSeq: null });
    const viewer = await createStaffUser(db.sql, { email: 'audit-viewer@example.test', role: 'viewer' });
    const vc = await signIn(app, viewer.email, viewer.password);
    expect((await call(app, 'GET', '/api/audit', { cookie: vc })).status).toBe(403);
  });
});

describe('the platform running as municipal_app', () => {
  it('has every grant the staff flows need, and still cannot rewrite the audit log', async () => {
    // Same client options as createSql, plus the startup parameter `role`: every statement of the
    // app runs as municipal_app (a deployment gets this with ALTER ROLE <login> SET role = municipal_app).
    const appSql = postgres(db.url, {
      max: 2,
      transform: { undefined: null },
      onnotice: () => {},
      connection: { role: 'municipal_app' } as Record<string, string>,
      types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } },
    }) as unknown as Pool;
    try {
      const [who] = await appSql<{ u: string }[]>`select current_user as u`;
      expect(who!.u).toBe('municipal_app');
      const roleApp = testApp(appSql, db.url);
      await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values ('playgrounds', 'Π', 'P', 'space', 'polygon') on conflict do nothing`;
      const [a] = await db.sql<{ id: number }[]>`insert into assets (layer_id, name, geom) values ('playgrounds', 'P1', st_geomfromtext('POINT(23.65 37.94)', 4326)) returning id`;
      const tech = await createStaffUser(db.sql, { email: 'role-tech@example.test', role: 'technician', departmentId: 'green' });
      const cookie = await signIn(roleApp, tech.email, tech.password);
      const created = await call(roleApp, 'POST', '/api/registries/work-orders', { cookie, json: { assetId: a!.id, title: 'as app role', status: 'scheduled' } });
      expect(created.status).toBe(201);
      const id = (await created.json()).workOrder.id;
      expect((await call(roleApp, 'POST', `/api/registries/work-orders/${id}/transitions`, { cookie, json: { to: 'in_progress' } })).status).toBe(200);
      expect((await call(roleApp, 'POST', '/api/registries/inspections', { cookie, json: { assetId: a!.id, kind: 'operational', inspectedOn: '2026-01-15', result: 'pass' } })).status).toBe(201);
      expect((await call(roleApp, 'GET', '/api/registries/public', { origin: null })).status).toBe(200);
      expect((await call(roleApp, 'POST', '/api/auth/logout', { cookie })).status).toBe(204);
      await expect(appSql`update audit_events set reason = 'x'`).rejects.toMatchObject({ code: '42501' });
      await expect(appSql`delete from audit_events`).rejects.toMatchObject({ code: '42501' });
      expect((await verifyAuditChain(db.sql)).first_bad_seq).toBeNull();
    } finally {
      await (appSql as unknown as postgres.Sql).end({ timeout: 5 });
    }
  });
});
