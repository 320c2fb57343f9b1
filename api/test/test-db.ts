/** One database per test file, cloned from the migrated template built in global-setup.ts. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createSql, type Pool } from '../src/db.ts';
import { appRoleUrl, withDatabase } from '../../scripts/local-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

export interface TestDb {
  sql: Pool;
  /** Owner (superuser on the local cluster): fixtures and checks. */
  url: string;
  /** The same database logged in as the app role `municipal_app`; null on an operator's server. */
  appUrl: string | null;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const admin = inject('adminUrl');
  const template = inject('templateDb');
  const name = `test_f_${randomBytes(6).toString('hex')}`;
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    // Cloning needs the template to have no other session; retry briefly if a sibling is cloning.
    for (let attempt = 0; ; attempt++) {
      try {
        await root.unsafe(`create database ${name} template ${template}`);
        break;
      } catch (err) {
        if (attempt > 40 || !String((err as Error).message).includes('being accessed')) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await root.end();
  }
  const url = withDatabase(admin, name);
  const sql = createSql(url, { max: 5 });
  return {
    sql,
    url,
    appUrl: appRoleUrl(url),
    name,
    async drop() {
      await sql.end({ timeout: 5 });
      const r = postgres(admin, { max: 1, onnotice: () => {} });
      try {
        await r.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await r.end();
      }
    },
  };
}
