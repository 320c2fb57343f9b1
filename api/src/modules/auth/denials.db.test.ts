/**
 * Refusals inside transactions and blocked rows must not hang the pool (RELIABILITY F4): the
 * audit row of a denial is written after the transaction ends, and a lock wait is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createSql, type Pool } from '../../db.ts';
import { silentLogger } from '../../logger.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, report, seedPlace } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let pool: Pool;
let app: ReturnType<typeof createApp>;
let outsider: Record<string, string>;
let dispatcher: Record<string, string>;
let numbers: string[] = [];

const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  const t = makeTestApp(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
  for (let i = 0; i < 3; i++) numbers.push(((await (await t.post('/api/incidents', report())).json()) as { number: string }).number);
  // A roads technician: street-lighting reports are outside their department.
  outsider = (await makeStaff(db.sql, t, { role: 'technician', departmentId: 'roads' })).headers;
  dispatcher = (await makeStaff(db.sql, t, { role: 'dispatcher' })).headers;
  // A small pool of its own, so four stuck transactions would be all of it.
  pool = createSql(db.url, { max: 4, lockTimeoutMs: 1000 });
  app = createApp({ sql: pool, config: loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://test.local' }), logger: silentLogger, boss: null });
});
afterAll(async () => {
  await pool?.end({ timeout: 1 });
  await db?.drop();
});

const patchStatus = (headers: Record<string, string>, number: string, ip = '10.0.0.1') =>
  Promise.resolve(app.request(`/api/incidents/${number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', origin: 'http://localhost', ...headers }, body: JSON.stringify({ status: 'acknowledged' }) }, { incoming: { socket: { remoteAddress: ip } } }));

describe('denials and lock waits under a small pool', () => {
  it('twelve concurrent denials inside transactions all answer 404 on a pool of four, each audited', async () => {
    const before = (await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'authz.denied'`)[0]!.n;
    const statuses = await within(15_000, Promise.all(Array.from({ length: 12 }, (_, i) => patchStatus(outsider, numbers[i % 3]!).then((r) => r.status))));
    expect(statuses).toEqual(Array(12).fill(404));
    const after = (await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'authz.denied'`)[0]!.n;
    expect(after - before).toBe(12);
  });

  it('a change blocked behind a held row lock answers 503 within the lock timeout', async () => {
    const [y, s] = numbers[0]!.split('/').map(Number);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.sql.begin(async (tx) => {
      await tx`select id from incidents where protocol_year = ${y} and protocol_seq = ${s} for update`;
      locked();
      await held;
    });
    await isLocked;
    const started = performance.now();
    const res = await within(10_000, patchStatus(dispatcher, numbers[0]!));
    const ms = performance.now() - started;
    release();
    await holder;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('lock_timeout');
    expect(ms).toBeLessThan(5000);
    // The pool is still whole: the same change now goes through.
    expect((await patchStatus(dispatcher, numbers[0]!)).status).toBe(200);
  });
});
