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
      // Built under a private name and renamed, so concurrent runs never clone a half-migrated template.
      const building = `${template}_b${process.pid}`;
      await sql.unsafe(`drop database if exists ${building}`);
      await sql.unsafe(`create database ${building}`);
      const t = createSql(withDatabase(admin, building), { max: 1 });
      try {
        await migrate(t);
      } finally {
        await t.end();
      }
      try {
        await sql.unsafe(`alter database ${building} rename to ${template}`);
      } catch {
        // Another run finished the same template first.
        await sql.unsafe(`drop database if exists ${building}`);
      }
    }
  } finally {
    await sql.end();
  }
  provide('adminUrl', admin);
  provide('templateDb', template);
}
