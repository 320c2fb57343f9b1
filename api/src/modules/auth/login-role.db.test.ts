/**
 * The limits of the application role hold for a real login, not only after SET ROLE (which a
 * superuser session may undo): the local cluster asks every connection for a password, and
 * `municipal_app` logged in with its own password cannot change the schema, empty core tables,
 * create roles, or become anyone else. Only for the local cluster, whose passwords we made.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

/** Connects, runs one statement and disconnects: the error (if any) is the server's answer. */
async function attempt(url: string, statement: string): Promise<unknown> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function withCredentials(url: string, user: string, password: string | null): string {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? '';
  return u.toString();
}

describe.skipIf(Boolean(process.env.DATABASE_URL || process.env.DATABASE_OWNER_URL))('logins to the local cluster', () => {
  it('refuses a connection without a password or with a wrong one, for the owner and for the app role', async () => {
    for (const user of ['postgres', 'municipal_app']) {
      await expect(attempt(withCredentials(db.url, user, null), 'select 1')).rejects.toMatchObject({ code: '28P01' });
      await expect(attempt(withCredentials(db.url, user, 'not-the-password'), 'select 1')).rejects.toMatchObject({ code: '28P01' });
    }
  });

  it('lets municipal_app in with its own password as a plain login role', async () => {
    const [who] = (await attempt(db.appUrl!, `select current_user as u, session_user as s, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls from pg_roles r where r.rolname = current_user`)) as Record<string, unknown>[];
    expect(who).toEqual({ u: 'municipal_app', s: 'municipal_app', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
  });

  const core = ['incidents', 'users', 'sessions', 'audit_events', 'layers', 'assets', 'schema_migrations'];

  it.each(core)('logged in as municipal_app cannot DROP, ALTER or TRUNCATE %s', async (table) => {
    await expect(attempt(db.appUrl!, `drop table ${table}`)).rejects.toMatchObject({ code: '42501' });
    await expect(attempt(db.appUrl!, `alter table ${table} add column intruder int`)).rejects.toMatchObject({ code: '42501' });
    await expect(attempt(db.appUrl!, `truncate ${table}`)).rejects.toMatchObject({ code: '42501' });
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from information_schema.columns where table_name = ${table} and column_name = 'intruder'`;
    expect(n).toBe(0);
  });

  it('logged in as municipal_app cannot create roles, tables or databases, nor take the owner role', async () => {
    await expect(attempt(db.appUrl!, 'create role intruder login')).rejects.toMatchObject({ code: '42501' });
    await expect(attempt(db.appUrl!, 'create table public.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    await expect(attempt(db.appUrl!, 'create database intruder')).rejects.toMatchObject({ code: '42501' });
    await expect(attempt(db.appUrl!, 'set role postgres')).rejects.toMatchObject({ code: '42501' });
    await expect(attempt(db.appUrl!, "alter role municipal_app superuser")).rejects.toMatchObject({ code: '42501' });
  });

  it('logged in as municipal_app still reads and writes rows (the app works as it)', async () => {
    const [{ n }] = (await attempt(db.appUrl!, 'select count(*)::int as n from layers')) as { n: number }[];
    expect(n).toBeGreaterThanOrEqual(0);
    await attempt(db.appUrl!, `insert into retention_runs (retention_days, counts) values (365, '{}')`);
  });
});
