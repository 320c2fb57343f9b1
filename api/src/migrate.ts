/**
 * Forward-only migrations: numbered SQL files in migrations/ (`NNNN_verb_object.sql`), each applied
 * once, in order, all pending ones in one transaction (a failing file leaves the schema as it was),
 * recorded by number in schema_migrations, under an advisory lock so two processes starting
 * together cannot both apply the same file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pool } from './db.ts';

export const migrationsDir = resolve(import.meta.dirname, '../../migrations');
const LOCK_KEY = 7_311_2026;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = migrationsDir): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((file) => ({
    version: Number(file.slice(0, 4)),
    name: file.replace(/\.sql$/, ''),
    sql: readFileSync(join(dir, file), 'utf8'),
  }));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(sql: Pool, dir = migrationsDir): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`create table if not exists schema_migrations (
      version int primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`;
    const done = new Set((await tx<{ version: number }[]>`select version from schema_migrations`).map((r) => r.version));
    for (const m of readMigrations(dir)) {
      if (done.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
      applied.push(m.name);
    }
  });
  return applied;
}
