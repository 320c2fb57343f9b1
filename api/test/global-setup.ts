/**
 * Database tier set-up: provisions the server (local cluster or DATABASE_URL's), then builds a
 * migrated template database once per run. Each test file clones it (createTestDb), so files are
 * isolated and never touch the demo database.
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { readMigrations } from '../src/migrate.ts';
import { migrate } from '../src/migrate.ts';
import { createSql } from '../src/db.ts';
import { adminUrl, withDatabase } from '../../scripts/local-cluster.ts';

export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const admin = adminUrl();
  const hash = createHash('sha256').update(readMigrations().map((m) => m.sql).join('\n')).digest('hex').slice(0, 12);
  const template = `test_template_${hash}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${template}`;
    if (!exists) {
      await sql.unsafe(`create database ${template}_building`);
      const t = createSql(withDatabase(admin, `${template}_building`), { max: 1 });
      try {
        await migrate(t);
      } finally {
        await t.end();
      }
      await sql.unsafe(`drop database if exists ${template}`);
      await sql.unsafe(`alter database ${template}_building rename to ${template}`);
    }
    // Leftovers of an interrupted earlier run.
    const stale = await sql<{ datname: string }[]>`select datname from pg_database where datname like 'test\\_f\\_%' or (datname like 'test\\_template\\_%' and datname <> ${template})`;
    for (const { datname } of stale) await sql.unsafe(`drop database if exists ${datname} with (force)`);
  } finally {
    await sql.end();
  }
  provide('adminUrl', admin);
  provide('templateDb', template);
}
