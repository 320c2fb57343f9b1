/**
 * db-tier test helpers: a real app on a per-file database, staff users, sign-in and requests
 * carrying the session cookie. The peer IP is given through the node-server bindings
 * (c.env.incoming.socket), exactly where @hono/node-server puts the real socket.
 */
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Pool } from '../../db.ts';
import { silentLogger } from '../../logger.ts';
import { hashPassword, type Argon2Params } from './password.ts';
import type { Role } from './roles.ts';

export const ORIGIN = 'http://localhost';
/** Cheap argon2id parameters for fixture users; the format and the check are the real ones. */
export const FAST_ARGON2: Argon2Params = { memory: 1024, passes: 1, parallelism: 1 };

export function testApp(sql: Pool, url: string) {
  const config = loadConfig({}, { databaseUrl: url, publicUrl: 'http://localhost:8080' });
  return createApp({ sql, config, logger: silentLogger, boss: null });
}
export type TestApp = ReturnType<typeof testApp>;

export async function createStaffUser(
  sql: Pool,
  u: { email: string; role: Role; departmentId?: string | null; password?: string; name?: string; params?: Argon2Params },
): Promise<{ id: number; email: string; password: string }> {
  const password = u.password ?? 'correct horse battery staple';
  const hash = await hashPassword(password, u.params ?? FAST_ARGON2);
  const [row] = await sql<{ id: number }[]>`
    insert into users (email, name, role, department_id, password_hash)
    values (${u.email}, ${u.name ?? u.email.split('@')[0]!}, ${u.role}, ${u.departmentId ?? null}, ${hash})
    returning id`;
  return { id: row!.id, email: u.email, password };
}

export interface RequestOptions {
  cookie?: string | null;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  ip?: string;
  /** Origin header; null sends none. @default ORIGIN */
  origin?: string | null;
}

export function call(app: TestApp, method: string, path: string, o: RequestOptions = {}) {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.origin !== null) headers.origin ??= o.origin ?? ORIGIN;
  if (o.cookie) headers.cookie = o.cookie;
  let body = o.body;
  if (o.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(o.json);
  }
  return app.request(`${ORIGIN}${path}`, { method, headers, body }, { incoming: { socket: { remoteAddress: o.ip ?? '127.0.0.1', remotePort: 50000, remoteFamily: 'IPv4' } } });
}

/** The `name=value` pair of the session cookie in a response, or null. */
export function sessionCookieOf(res: Response): string | null {
  const set = res.headers.get('set-cookie');
  const m = set && /^(__Host-session|session)=([^;]*)/.exec(set);
  return m && m[2] ? `${m[1]}=${m[2]}` : null;
}

export async function signIn(app: TestApp, email: string, password: string, ip?: string): Promise<string> {
  const res = await call(app, 'POST', '/api/auth/login', { json: { email, password }, ip });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = sessionCookieOf(res);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}
