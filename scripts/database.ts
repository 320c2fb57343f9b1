/** Creates a named database on the provisioned server (local cluster or DATABASE_URL's). */
import postgres from 'postgres';
import { adminUrl, appRoleUrl, withDatabase } from './local-cluster.ts';

export async function ensureDatabase(name: string, options: { template?: string } = {}): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  // With DATABASE_URL set, that exact database is the platform's: use it without creating.
  const external = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL;
  if (external && !options.template && name === databaseNameOf(external)) return external;
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

/**
 * The platform database as its owner, for migrations, pg-boss's schema and set-up scripts:
 * DATABASE_OWNER_URL, else DATABASE_URL, else `municipal` on the local cluster (superuser).
 */
export async function platformOwnerUrl(): Promise<string> {
  if (process.env.DATABASE_OWNER_URL) return process.env.DATABASE_OWNER_URL;
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  return ensureDatabase('municipal');
}

/**
 * The platform database as the running app logs in to it: DATABASE_URL, else `municipal` on the
 * local cluster as the restricted login role `municipal_app`.
 */
export async function platformDatabaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const owner = await platformOwnerUrl();
  return appRoleUrl(owner) ?? owner;
}
