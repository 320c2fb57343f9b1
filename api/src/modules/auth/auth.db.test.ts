/**
 * Staff accounts and sessions against a real PostGIS: docs/reliability.md A1-A4, Z5, Z12, Z13.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, sessionCookieOf, signIn, testApp, type TestApp } from './auth.test-helpers.ts';
import { DEFAULT_ARGON2 } from './password.ts';
import { IP_FAILURE_LIMIT, USERNAME_FAILURE_LIMIT } from './auth.routes.ts';

let db: TestDb;
let app: TestApp;
let admin: { id: number; email: string; password: string };
let tech: { id: number; email: string; password: string };

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  admin = await createStaffUser(db.sql, { email: 'admin@example.test', role: 'admin' });
  tech = await createStaffUser(db.sql, { email: 'tech@example.test', role: 'technician', departmentId: 'roads' });
});
afterAll(async () => {
  await db?.drop();
});

const sessionsOf = async (userId: number) => (await db.sql`select id from sessions where user_id = ${userId}`).length;

describe('sign-in and the session cookie (Z13)', () => {
  it('sets a __Host- cookie with Secure, HttpOnly, SameSite=Lax, Path=/ and answers no-store', async () => {
    const res = await call(app, 'POST', '/api/auth/login', { json: { email: 'Tech@Example.test ', password: tech.password } });
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/^__Host-session=[A-Za-z0-9_-]{43};/);
    expect(set).toMatch(/; Path=\/;/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Domain=/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.user).toMatchObject({ id: tech.id, role: 'technician', departmentId: 'roads' });
    expect(JSON.stringify(body)).not.toMatch(/argon2|password/);

    const me = await call(app, 'GET', '/api/auth/me', { cookie: sessionCookieOf(res) });
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.headers.get('x-content-type-options')).toBe('nosniff');
    expect(me.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect((await me.json()).user.email).toBe('tech@example.test');
  });

  it('stores only a SHA-256 of the token', async () => {
    const cookie = await signIn(app, tech.email, tech.password);
    const token = cookie.split('=')[1]!;
    const rows = await db.sql<{ h: string }[]>`select encode(token_sha256, 'hex') as h from sessions where user_id = ${tech.id}`;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.h).not.toContain(Buffer.from(token).toString('hex'));
    const { createHash } = await import('node:crypto');
    expect(rows.map((r) => r.h)).toContain(createHash('sha256').update(token).digest('hex'));
  });

  it('without a cookie, or with a forged one, private routes answer 401', async () => {
    expect((await call(app, 'GET', '/api/auth/me')).status).toBe(401);
    const forged = await call(app, 'GET', '/api/auth/me', { cookie: `__Host-session=${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('cache-control')).toBe('no-store');
    expect((await forged.json()).error.code).toBe('unauthenticated');
  });
});

describe('session fixation (A4) and logout', () => {
  it('a session id presented at sign-in is discarded and a new one issued', async () => {
    const planted = await signIn(app, tech.email, tech.password);
    const res = await call(app, 'POST', '/api/auth/login', { cookie: planted, json: { email: tech.email, password: tech.password } });
    expect(res.status).toBe(200);
    const fresh = sessionCookieOf(res)!;
    expect(fresh).not.toBe(planted);
    expect((await call(app, 'GET', '/api/auth/me', { cookie: planted })).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/me', { cookie: fresh })).status).toBe(200);
  });

  it('an attacker-chosen cookie value never becomes a session', async () => {
    const chosen = `__Host-session=${'b'.repeat(43)}`;
    const res = await call(app, 'POST', '/api/auth/login', { cookie: chosen, json: { email: tech.email, password: tech.password } });
    expect(sessionCookieOf(res)).not.toBe(chosen);
    expect((await call(app, 'GET', '/api/auth/me', { cookie: chosen })).status).toBe(401);
  });

  it('logout deletes the session and clears the cookie', async () => {
    const cookie = await signIn(app, tech.email, tech.password);
    const before = await sessionsOf(tech.id);
    const res = await call(app, 'POST', '/api/auth/logout', { cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-session=; Path=\/; Max-Age=0/);
    expect(await sessionsOf(tech.id)).toBe(before - 1);
    expect((await call(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    const [ev] = await db.sql`select actor_user_id, object_id from audit_events where action = 'auth.logout' order by seq desc limit 1`;
    expect(ev).toMatchObject({ actor_user_id: tech.id, object_id: String(tech.id) });
  });

  it('an idle or expired session is refused', async () => {
    const cookie = await signIn(app, tech.email, tech.password);
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256').update(cookie.split('=')[1]!).digest();
    await db.sql`update sessions set last_seen_at = now() - interval '3 hours' where token_sha256 = ${h}`;
    expect((await call(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
  });
});

describe('revocation (Z5)', () => {
  it('disabling a user kills every session at once: the next request is 401', async () => {
    const victim = await createStaffUser(db.sql, { email: 'crew1@example.test', role: 'crew', departmentId: 'roads' });
    const a = await signIn(app, victim.email, victim.password);
    const b = await signIn(app, victim.email, victim.password);
    expect(await sessionsOf(victim.id)).toBe(2);
    const adminCookie = await signIn(app, admin.email, admin.password);
    const res = await call(app, 'PATCH', `/api/auth/users/${victim.id}`, { cookie: adminCookie, json: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await sessionsOf(victim.id)).toBe(0);
    expect((await call(app, 'GET', '/api/auth/me', { cookie: a })).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/me', { cookie: b })).status).toBe(401);
    // And a disabled user cannot sign in again (same answer as a wrong password).
    const again = await call(app, 'POST', '/api/auth/login', { json: { email: victim.email, password: victim.password } });
    expect(again.status).toBe(401);
    const [ev] = await db.sql`select actor_user_id, before, after from audit_events where action = 'user.update' and object_id = ${String(victim.id)}`;
    expect(ev).toMatchObject({ actor_user_id: admin.id, before: { disabled: false }, after: { disabled: true } });
  });

  it('a role change by plain SQL also kills the sessions (trigger, not app code)', async () => {
    const u = await createStaffUser(db.sql, { email: 'disp@example.test', role: 'dispatcher' });
    const cookie = await signIn(app, u.email, u.password);
    expect((await call(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    await db.sql`update users set role = 'viewer' where id = ${u.id}`;
    expect(await sessionsOf(u.id)).toBe(0);
    expect((await call(app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('a non-admin cannot manage users (403, audited); the last admin cannot be demoted', async () => {
    const cookie = await signIn(app, tech.email, tech.password);
    const res = await call(app, 'PATCH', `/api/auth/users/${tech.id}`, { cookie, json: { role: 'admin' } });
    expect(res.status).toBe(403);
    const [ev] = await db.sql`select actor_user_id, object_type from audit_events where action = 'authz.denied' order by seq desc limit 1`;
    expect(ev).toMatchObject({ actor_user_id: tech.id, object_type: 'route' });
    const adminCookie = await signIn(app, admin.email, admin.password);
    const demote = await call(app, 'PATCH', `/api/auth/users/${admin.id}`, { cookie: adminCookie, json: { role: 'viewer' } });
    expect(demote.status).toBe(409);
  });

  it('admin creates a user with a strict body: unknown fields and weak passwords are refused', async () => {
    const cookie = await signIn(app, admin.email, admin.password);
    const extra = await call(app, 'POST', '/api/auth/users', { cookie, json: { email: 'n@example.test', name: 'N', role: 'viewer', password: 'long enough password', approved_by: 1 } });
    expect(extra.status).toBe(422);
    const weak = await call(app, 'POST', '/api/auth/users', { cookie, json: { email: 'n@example.test', name: 'N', role: 'viewer', password: 'short' } });
    expect(weak.status).toBe(422);
    const ok = await call(app, 'POST', '/api/auth/users', { cookie, json: { email: 'N@example.test', name: 'N', role: 'viewer', password: 'long enough password' } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).user.email).toBe('n@example.test');
    const dup = await call(app, 'POST', '/api/auth/users', { cookie, json: { email: 'n@example.test', name: 'N', role: 'viewer', password: 'long enough password' } });
    expect(dup.status).toBe(409);
    await signIn(app, 'n@example.test', 'long enough password');
  });
});

describe('CSRF and content types (Z12)', () => {
  it('a cross-origin form or text/plain POST carrying a valid cookie is refused with 403', async () => {
    const cookie = await signIn(app, admin.email, admin.password);
    const form = await call(app, 'POST', '/api/auth/users', {
      cookie,
      origin: 'https://evil.example',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=x%40example.test&name=x&role=admin&password=aaaaaaaaaaaaaaaa',
    });
    expect(form.status).toBe(403);
    const textPlain = await call(app, 'POST', '/api/auth/users', {
      cookie,
      origin: 'https://evil.example',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: 'x@example.test', name: 'x', role: 'admin', password: 'aaaaaaaaaaaaaaaa' }),
    });
    expect(textPlain.status).toBe(403);
    const logout = await call(app, 'POST', '/api/auth/logout', { cookie, origin: 'https://evil.example' });
    expect(logout.status).toBe(403);
    expect((await call(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from users where email = 'x@example.test'`;
    expect(n!.n).toBe(0);
  });

  it('a same-origin JSON endpoint refuses a text/plain body with 415', async () => {
    const cookie = await signIn(app, admin.email, admin.password);
    const res = await call(app, 'POST', '/api/auth/users', {
      cookie,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: 'y@example.test', name: 'y', role: 'viewer', password: 'long enough password' }),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe('unsupported_media_type');
    const login = await call(app, 'POST', '/api/auth/login', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
    expect(login.status).toBe(415);
    expect(sessionCookieOf(login)).toBeNull();
  });

  it('a cross-origin sign-in form (login CSRF) is refused', async () => {
    const res = await call(app, 'POST', '/api/auth/login', {
      origin: 'https://evil.example',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(admin.email)}&password=${encodeURIComponent(admin.password)}`,
    });
    expect(res.status).toBe(403);
  });
});

describe('password size (A1)', () => {
  it('a 1 MB password is refused with 413 before any hashing', async () => {
    const started = performance.now();
    const res = await call(app, 'POST', '/api/auth/login', { json: { email: admin.email, password: 'a'.repeat(1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a password over the cap but under the body limit is refused with 422 and counts nothing', async () => {
    const count = async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from login_failures`)[0]!.n;
    const before = await count();
    const res = await call(app, 'POST', '/api/auth/login', { json: { email: admin.email, password: 'a'.repeat(5000) } });
    expect(res.status).toBe(422);
    expect(await count()).toBe(before);
  });
});

describe('throttling (A2)', () => {
  it('20 wrong passwords for one username from 20 IPs: throttled per username, not a permanent lockout', async () => {
    const victim = await createStaffUser(db.sql, { email: 'victim@example.test', role: 'technician', departmentId: 'water' });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await call(app, 'POST', '/api/auth/login', { json: { email: victim.email, password: `wrong password ${i}` }, ip: `10.1.0.${i + 1}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, USERNAME_FAILURE_LIMIT)).toEqual(Array(USERNAME_FAILURE_LIMIT).fill(401));
    expect(statuses.slice(USERNAME_FAILURE_LIMIT)).toEqual(Array(20 - USERNAME_FAILURE_LIMIT).fill(429));
    // Even the right password waits out the window...
    const blocked = await call(app, 'POST', '/api/auth/login', { json: { email: victim.email, password: victim.password }, ip: '10.9.9.9' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...while other users are unaffected...
    await signIn(app, tech.email, tech.password, '10.1.0.1');
    // ...and once the window has passed the victim signs in.
    await db.sql`update login_failures set at = at - interval '16 minutes'`;
    await signIn(app, victim.email, victim.password, '10.9.9.9');
  });

  it('one IP spraying many usernames is throttled per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < IP_FAILURE_LIMIT + 2; i++) {
      const res = await call(app, 'POST', '/api/auth/login', { json: { email: `nobody${i}@example.test`, password: 'guess guess' }, ip: '192.0.2.7' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, IP_FAILURE_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(IP_FAILURE_LIMIT)).toEqual([429, 429]);
    // Another IP is not affected.
    await signIn(app, tech.email, tech.password, '192.0.2.8');
    await db.sql`update login_failures set at = at - interval '16 minutes'`;
  });
});

describe('account enumeration (A3)', () => {
  it('unknown and known email get the same status, body and time (±50 ms)', async () => {
    // A real-cost hash for the known user, so both paths run the production argon2id parameters.
    const known = await createStaffUser(db.sql, { email: 'known@example.test', role: 'viewer', params: DEFAULT_ARGON2 });
    const attempt = async (email: string, ip: string) => {
      const t = performance.now();
      const res = await call(app, 'POST', '/api/auth/login', { json: { email, password: 'not the password' }, ip });
      return { ms: performance.now() - t, status: res.status, body: await res.text(), cookie: res.headers.get('set-cookie') };
    };
    await attempt('warmup@example.test', '198.51.100.200');
    const knownRuns = [];
    const unknownRuns = [];
    for (let i = 0; i < 6; i++) {
      knownRuns.push(await attempt(known.email, `198.51.100.${i + 1}`));
      unknownRuns.push(await attempt(`ghost${i}@example.test`, `198.51.100.${i + 50}`));
      await db.sql`delete from login_failures`;
    }
    for (const r of [...knownRuns, ...unknownRuns]) {
      expect(r.status).toBe(401);
      expect(r.cookie).toBeNull();
      expect(r.body).toBe(knownRuns[0]!.body);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const diff = Math.abs(median(knownRuns.map((r) => r.ms)) - median(unknownRuns.map((r) => r.ms)));
    expect(diff).toBeLessThan(50);
  });
});

describe('audit of sign-in', () => {
  it('logs login and failed login with UTC time, no email or password in the row', async () => {
    await call(app, 'POST', '/api/auth/login', { json: { email: tech.email, password: 'definitely wrong' }, ip: '203.0.113.5' });
    const rows = await db.sql<{ action: string; ip: string; before: unknown; after: unknown; reason: string | null }[]>`
      select action, host(coalesce(e.ip, x.ip)) as ip, before, after, reason
      from audit_events e left join audit_event_ips x on x.audit_event_id = e.id
      where action in ('auth.login', 'auth.login_failed')`;
    expect(rows.some((r) => r.action === 'auth.login')).toBe(true);
    expect(rows.some((r) => r.action === 'auth.login_failed' && r.ip === '203.0.113.5')).toBe(true);
    const text = JSON.stringify(await db.sql`select * from audit_events`);
    expect(text).not.toContain(tech.email);
    expect(text).not.toContain(tech.password);
    expect(text).not.toContain('definitely wrong');
  });

  it('grants no CORS: a foreign page cannot preflight a JSON POST', async () => {
    // hono csrf checks form-like content types only; a foreign page can send application/json
    // only after a preflight, and this server answers none with Access-Control-Allow-Origin.
    const res = await call(app, 'OPTIONS', '/api/auth/login', { origin: 'https://evil.example', headers: { 'access-control-request-method': 'POST' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
