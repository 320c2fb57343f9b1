/**
 * The sign-in throttle under concurrency and behind a proxy: the attempt is recorded before it is
 * counted, the IP counter alone never blocks a correct password, and TRUST_PROXY gives each
 * client behind the proxy its own bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, testApp, type TestApp } from './auth.test-helpers.ts';
import { IP_FAILURE_LIMIT, USERNAME_FAILURE_LIMIT } from './auth.routes.ts';

let db: TestDb;
let app: TestApp;
let user: { id: number; email: string; password: string };

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  user = await createStaffUser(db.sql, { email: 'dispatch@example.test', role: 'dispatcher', departmentId: 'roads' });
});
afterAll(async () => {
  await db?.drop();
});

const login = (a: TestApp, email: string, password: string, ip: string, headers: Record<string, string> = {}) =>
  call(a, 'POST', '/api/auth/login', { json: { email, password }, ip, headers });

describe('login throttle', () => {
  it('a burst of concurrent wrong passwords gets no more than the per-username limit past the password check', async () => {
    await db.sql`delete from login_failures`;
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => Promise.resolve(login(app, user.email, `wrong-${i}`, `198.18.0.${i + 1}`)).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(USERNAME_FAILURE_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(16 - USERNAME_FAILURE_LIMIT);
    await db.sql`delete from login_failures`;
  });

  it('signs in with the correct password although its IP is over the failure limit', async () => {
    await db.sql`delete from login_failures`;
    const ip = '198.18.1.1';
    for (let i = 0; i <= IP_FAILURE_LIMIT; i++) await login(app, `nobody${i}@example.test`, 'guess', ip);
    expect((await login(app, 'someone@example.test', 'guess', ip)).status).toBe(429);
    const ok = await login(app, user.email, user.password, ip);
    expect(ok.status).toBe(200);
    await db.sql`delete from login_failures`;
  });

  it('with TRUST_PROXY each client behind the proxy has its own bucket', async () => {
    await db.sql`delete from login_failures`;
    const config = loadConfig({ TRUST_PROXY: '10.0.0.0/8' }, { databaseUrl: db.url, publicUrl: 'http://localhost:8080' });
    const proxied = createApp({ sql: db.sql, config, logger: silentLogger, boss: null });
    const viaProxy = (client: string) => ({ 'x-forwarded-for': client });
    for (let i = 0; i <= IP_FAILURE_LIMIT; i++) await login(proxied, `sprayed${i}@example.test`, 'guess', '10.0.0.2', viaProxy('203.0.113.66'));
    expect((await login(proxied, 'sprayed@example.test', 'guess', '10.0.0.2', viaProxy('203.0.113.66'))).status).toBe(429);
    // Another citizen behind the same proxy is not throttled by the sprayer.
    expect((await login(proxied, 'other@example.test', 'guess', '10.0.0.2', viaProxy('203.0.113.77'))).status).toBe(401);
    const [row] = await db.sql<{ ip: string }[]>`select host(ip) as ip from login_failures order by id desc limit 1`;
    expect(row!.ip).toBe('203.0.113.77');
    await db.sql`delete from login_failures`;
  });
});
