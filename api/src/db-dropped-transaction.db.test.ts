/**
 * A transaction whose connection drops must fail that transaction, not the process. postgres.js
 * 3.4.9 sent ROLLBACK on the dead connection from a timer and threw there, an uncaught exception
 * that ended the API (seen as F3's stray "reading 'write'" error); scripts/patch-dependencies.ts
 * fixes it at install.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, type Pool } from './db.ts';
import { createTestDb, type TestDb } from '../test/test-db.ts';
import { type FaultProxy, startFaultProxy } from '../test/tcp-proxy.ts';

let db: TestDb;
let proxy: FaultProxy;
let pool: Pool;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

beforeAll(async () => {
  db = await createTestDb();
  proxy = await startFaultProxy(db.url);
  pool = createSql(proxy.url, { max: 2 });
  process.on('uncaughtException', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await pool?.end({ timeout: 1 });
  await proxy?.close();
  await db?.drop();
});

describe('a connection lost inside a transaction', () => {
  it('rejects the transaction with the connection error, throws nothing else, and the pool serves the next query', async () => {
    for (let round = 0; round < 3; round++) {
      const outcome = pool
        .begin(async (tx) => {
          await tx`select 1`;
          proxy.cut();
          await new Promise((r) => setTimeout(r, 50));
          await tx`select 2`;
        })
        .then(
          () => 'committed',
          (e: { code?: string }) => e.code,
        );
      expect(await outcome).toBe('CONNECTION_CLOSED');
      // The ROLLBACK was queued for the next tick: give it several.
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      const [row] = await pool<{ n: number }[]>`select ${round}::int as n`;
      expect(row.n).toBe(round);
    }
  });
});
