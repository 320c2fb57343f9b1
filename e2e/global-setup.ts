/**
 * Browser tier set-up: builds the web app, creates a fresh database (never the demo one), loads
 * the demo municipality into it, and starts the whole platform (API + workers + web) on a free
 * loopback port. Tests read the URL with inject('baseUrl'). Teardown stops it and drops the
 * database.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../api/src/config.ts';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { startPlatform } from '../api/src/server.ts';
import { createStaffUser } from '../api/src/modules/auth/auth.test-helpers.ts';
import { loadDemoMunicipality } from '../gis-data/src/demo.ts';
import { buildWeb } from '../scripts/build-web.ts';
import { dropDatabase, ensureDatabase } from '../scripts/database.ts';
import { appRoleUrl } from '../scripts/local-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** An administrator of this test platform (the import panel needs one). */
    admin: { email: string; password: string };
  }
}

type Provide = <K extends 'baseUrl' | 'admin'>(key: K, value: K extends 'baseUrl' ? string : { email: string; password: string }) => void;

export default async function setup({ provide }: { provide: Provide }) {
  buildWeb();
  const name = `test_e2e_${randomBytes(5).toString('hex')}`;
  const databaseUrl = await ensureDatabase(name);
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  const admin = { email: 'e2e-admin@piraeus.example', password: randomBytes(12).toString('base64url') };
  try {
    const sql = createSql(databaseUrl, { max: 2, statementTimeoutMs: 0 });
    try {
      await migrate(sql);
      await loadDemoMunicipality(sql, { log: () => {} });
      await createStaffUser(sql, { email: admin.email, password: admin.password, role: 'admin', name: 'E2E Admin' });
    } finally {
      await sql.end();
    }
    // The platform under test logs in as the restricted app role, like `npm start`.
    const config = loadConfig({ ...process.env, DATABASE_URL: appRoleUrl(databaseUrl) ?? databaseUrl, DATABASE_OWNER_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn', BASEMAP_STYLE_URL: '' });
    platform = await startPlatform(config);
  } catch (err) {
    await dropDatabase(name);
    throw err;
  }
  provide('baseUrl', platform.url);
  provide('admin', admin);
  return async () => {
    await platform?.stop();
    await dropDatabase(name);
  };
}
