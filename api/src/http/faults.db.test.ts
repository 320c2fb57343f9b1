/**
 * Fault F3 (RELIABILITY): the database goes away for 5 s under a steady stream of citizen
 * reports. While it is gone every request answers 503 (never 500), nothing the API acknowledged
 * is lost, and reports are accepted again within seconds of its return. The outage is made by a
 * TCP proxy between the pool and PostgreSQL that cuts every connection and refuses new ones, so
 * the shared test cluster itself keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createSql, type Pool } from '../db.ts';
import { silentLogger } from '../logger.ts';
import { createTestDb, type TestDb } from '../../test/test-db.ts';
import { type FaultProxy, startFaultProxy } from '../../test/tcp-proxy.ts';
import { report, seedPlace } from '../modules/incidents/incidents.fixtures.ts';

let db: TestDb;
let proxy: FaultProxy;
let pool: Pool;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
  proxy = await startFaultProxy(db.url);
  pool = createSql(proxy.url, { max: 4 });
  app = createApp({ sql: pool, config: loadConfig({}, { databaseUrl: proxy.url, publicUrl: 'http://test.local' }), logger: silentLogger, boss: null });
});
afterAll(async () => {
  await pool?.end({ timeout: 1 });
  await proxy?.close();
  await db?.drop();
});

describe('fault F3: the database stops for 5 s under report load', () => {
  it('answers 503 while it is gone, loses nothing it acknowledged, and recovers', async () => {
    const results: { started: number; at: number; status: number; number?: string; key: string }[] = [];
    const t0 = Date.now();
    let stop = false;
    const submitter = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const key = `fault-f3-${lane}-${i}-${t0}`;
        const started = Date.now() - t0;
        const res = await app.request('/api/incidents', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(report()) }, { incoming: { socket: { remoteAddress: `10.9.${lane}.1` } } });
        const body = (await res.json().catch(() => ({}))) as { number?: string };
        results.push({ started, at: Date.now() - t0, status: res.status, number: body.number, key });
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const lanes = [0, 1, 2].map(submitter);
    await new Promise((r) => setTimeout(r, 2_000));
    proxy.refuse(true);
    const downAt = Date.now() - t0;
    proxy.cut();
    await new Promise((r) => setTimeout(r, 5_000));
    proxy.refuse(false);
    const back = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 4_000));
    stop = true;
    await Promise.all(lanes);

    expect(results.filter((r) => r.status !== 201 && r.status !== 503).map((r) => r.status)).toEqual([]);
    // Requests sent while the database was gone and answered before it came back (timers on a busy
    // machine fire late, so the window is what happened, not what was planned).
    const during = results.filter((r) => r.started > downAt && r.at < back);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((r) => r.status === 503)).toBe(true);
    // Recovery: accepted again within 3 s of the database's return.
    const firstOk = results.find((r) => r.at > back && r.status === 201);
    expect(firstOk).toBeDefined();
    expect(firstOk!.at - back).toBeLessThan(3_000);
    // Nothing acknowledged is lost: every 201 is in the database.
    const acknowledged = results.filter((r) => r.status === 201).map((r) => r.number!);
    const stored = await db.sql<{ n: string }[]>`select protocol_number as n from incidents where protocol_number = any(${acknowledged})`;
    expect(stored.length).toBe(acknowledged.length);
  }, 30_000);
});
