/**
 * Fault F4 (RELIABILITY): the database link becomes a black hole. A TCP proxy between the pool
 * and PostgreSQL keeps every connection open and accepts new ones, but forwards nothing, so
 * neither a refused connection nor a server-side timeout ever tells the pool. Requests must still
 * answer 503 within a bounded time (the watchdog cuts the stuck connections, the connect timeout
 * bounds new ones), the process keeps serving, and reports are accepted again once the proxy
 * forwards again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createSql, type Pool } from '../db.ts';
import { type DbWatchdog, watchDatabase } from '../db-watchdog.ts';
import { silentLogger } from '../logger.ts';
import { createTestDb, type TestDb } from '../../test/test-db.ts';
import { type FaultProxy, startFaultProxy } from '../../test/tcp-proxy.ts';
import { report, seedPlace } from '../modules/incidents/incidents.fixtures.ts';

let db: TestDb;
let proxy: FaultProxy;
let pool: Pool;
let watchdog: DbWatchdog;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
  proxy = await startFaultProxy(db.url);
  watchdog = watchDatabase(proxy.url, { intervalMs: 500, timeoutMs: 1500 });
  pool = createSql(proxy.url, { max: 4, socket: watchdog.socket });
  app = createApp({ sql: pool, config: loadConfig({}, { databaseUrl: proxy.url, publicUrl: 'http://test.local' }), logger: silentLogger, boss: null });
});
afterAll(async () => {
  await watchdog?.stop();
  await pool?.end({ timeout: 1 });
  await proxy?.close();
  await db?.drop();
});

const submit = async (i: number) => {
  const t0 = performance.now();
  const res = await app.request(
    '/api/incidents',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report({ description: `black hole ${i}` })) },
    { incoming: { socket: { remoteAddress: `10.8.${i % 250}.1` } } },
  );
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, ms: performance.now() - t0, code: body.error?.code };
};

describe('fault F4: the database link is black-holed', () => {
  it('answers 503 within 10 s while no byte gets through, stays up, and recovers when the link forwards again', async () => {
    // Warm: pool connections are open and in use, so the hole catches some mid-conversation.
    const warm = await Promise.all([0, 1, 2, 3].map(submit));
    expect(warm.map((r) => r.status)).toEqual([201, 201, 201, 201]);

    proxy.blackhole(true);
    // Six at once on a pool of four: some wait on established connections, some for a slot,
    // and later ones on new connections the proxy accepts and never answers.
    const during = await Promise.all([...[10, 11, 12, 13, 14, 15].map(submit), new Promise((r) => setTimeout(r, 3_000)).then(() => submit(16))]);
    expect(during.map((r) => r.status)).toEqual(Array(7).fill(503));
    expect(during.every((r) => r.code === 'database_unavailable')).toBe(true);
    const slowest = Math.max(...during.map((r) => r.ms));
    console.log(`F4: slowest 503 while black-holed ${Math.round(slowest)} ms`);
    expect(slowest).toBeLessThan(10_000);
    expect(watchdog.reachable).toBe(false);

    proxy.blackhole(false);
    // Connections opened during the hole are cut (by the connect timeout); new ones work.
    const back = performance.now();
    let ok: { status: number } | undefined;
    for (let i = 20; i < 60 && !ok; i++) {
      const r = await submit(i);
      if (r.status === 201) ok = r;
      else await new Promise((res) => setTimeout(res, 250));
    }
    expect(ok).toBeDefined();
    const recoveredMs = performance.now() - back;
    console.log(`F4: first 201 ${Math.round(recoveredMs)} ms after the link returned`);
    expect(recoveredMs).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(watchdog.reachable).toBe(true);
  }, 60_000);
});
