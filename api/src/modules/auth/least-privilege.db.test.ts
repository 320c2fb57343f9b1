/**
 * What the application role (municipal_app, migrations/0020) may not do, whatever a bug or an
 * injected statement asks: change the schema, empty a table wholesale, or rewrite the personal
 * data lifecycle's records. Runs every statement as municipal_app inside its own transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const asApp = (statement: string) =>
  db.sql.begin(async (tx) => {
    await tx`set local role municipal_app`;
    await tx.unsafe(statement);
  });

describe('the application role', () => {
  const core = ['incidents', 'users', 'sessions', 'audit_events', 'layers', 'assets', 'retention_runs', 'incident_moderated_texts', 'audit_event_ips'];

  it.each(core)('cannot DROP, ALTER or TRUNCATE %s', async (table) => {
    await expect(asApp(`drop table ${table}`)).rejects.toMatchObject({ code: '42501' });
    await expect(asApp(`alter table ${table} add column x int`)).rejects.toMatchObject({ code: '42501' });
    await expect(asApp(`truncate ${table}`)).rejects.toMatchObject({ code: '42501' });
  });

  // A superuser session could take its own role back (RESET ROLE): login-role.db.test.ts checks
  // the same limits on a real login as municipal_app, which is how the platform connects.
  it('cannot create tables, functions or roles', async () => {
    await expect(asApp('create table public.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    await expect(asApp('create function public.intruder() returns int language sql as $$ select 1 $$')).rejects.toMatchObject({ code: '42501' });
    await expect(asApp('create role intruder')).rejects.toMatchObject({ code: '42501' });
  });

  it('cannot rewrite the record of an erasure or the IPs kept beside the audit chain', async () => {
    await expect(asApp(`update retention_runs set counts = '{}'`)).rejects.toMatchObject({ code: '42501' });
    await expect(asApp('delete from retention_runs')).rejects.toMatchObject({ code: '42501' });
    await asApp(`insert into retention_runs (retention_days, counts) values (365, '{}')`);
    await expect(asApp(`update audit_event_ips set ip = '127.0.0.1'`)).rejects.toMatchObject({ code: '42501' });
    await expect(asApp(`update audit_events_pending set event = '{}'`)).rejects.toMatchObject({ code: '42501' });
  });
});
