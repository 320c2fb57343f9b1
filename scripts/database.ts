/** Creates a named database on the provisioned server (local cluster or DATABASE_URL's). */
import postgres from 'postgres';
import { adminUrl, withDatabase } from './local-cluster.ts';

export async function ensureDatabase(name: string, options: { template?: string } = {}): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  // With DATABASE_URL set, that exact database is the platform's: use it without creating.
  if (process.env.DATABASE_URL && !options.template && name === databaseNameOf(process.env.DATABASE_URL)) {
    return process.env.DATABASE_URL;
  }
  const admin = adminUrl();
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) {
      await sql.unsafe(`create database ${name}${options.template ? ` template ${options.template}` : ''}`);
    }
  } finally {
    await sql.end();
  }
  return withDatabase(admin, name);
}

export async function dropDatabase(name: string): Promise<void> {
  const sql = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await sql.end();
  }
}

function databaseNameOf(url: string): string {
  return new URL(url).pathname.replace(/^\//, '');
}

/** The platform database: DATABASE_URL, or `municipal` on the local cluster. */
export async function platformDatabaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  return ensureDatabase('municipal');
}
