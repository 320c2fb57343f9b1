/**
 * Staff authentication for every module: `app.use(authContext(deps))` once (app.ts), then
 * `requireStaff()` or `requireStaff(['admin', 'dispatcher'])` on a route, and `c.get('staff')`
 * in the handler.
 *
 * requireStaff, in order:
 *   1. Cache-Control: no-store (private responses never sit in a shared or back-button cache);
 *   2. CSRF (hono `csrf`): an unsafe method with a form or text/plain body must come from our
 *      own origin (Origin or Sec-Fetch-Site), else 403 (docs/reliability.md Z12);
 *   3. the session cookie → a live session of an enabled user, else 401. A disabled user or one
 *      whose role changed has no sessions left (trigger in 0021), so the next request fails (Z5);
 *   4. the role list, else 403 and an `authz.denied` audit row.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { findLiveSession, touchSession } from '../modules/auth/auth.sql.ts';
import type { Role } from '../modules/auth/roles.ts';
import { readSessionToken, sessionCookieSpec, SESSION_IDLE_SECONDS, SESSION_TOUCH_SECONDS, tokenHash } from '../modules/auth/sessions.ts';
import { recordAudit } from '../modules/audit/audit.ts';

export { clientIp } from '../http/client-ip.ts';
export { readJson } from '../http/request.ts';
export type { Role } from '../modules/auth/roles.ts';

/** The signed-in staff member, as handlers see it. */
export interface Staff {
  id: number;
  email: string;
  name: string;
  role: Role;
  departmentId: string | null;
  sessionId: number;
}

declare module 'hono' {
  interface ContextVariableMap {
    staff: Staff;
    authDeps: AppDeps;
  }
}

/** Makes the app's dependencies reachable from requireStaff; no I/O, so it costs nothing on tiles. */
export function authContext(deps: AppDeps): MiddlewareHandler {
  return async (c, next) => {
    c.set('authDeps', deps);
    await next();
  };
}

/** Origins allowed to send unsafe requests: this request's own origin and PUBLIC_URL's. */
export function csrfGuard(deps: Pick<AppDeps, 'config'>): MiddlewareHandler {
  const publicOrigin = new URL(deps.config.publicUrl).origin;
  const guard = csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin });
  return async (c, next) => {
    try {
      await guard(c, async () => {});
    } catch (err) {
      if (err instanceof HTTPException && err.status === 403) throw new AppError(403, 'cross_origin_rejected', 'cross-origin request refused');
      throw err;
    }
    await next();
  };
}

function depsOf(c: Context): AppDeps {
  const deps = c.get('authDeps');
  if (!deps) throw new Error('authContext(deps) is not installed before requireStaff');
  return deps;
}

/** The staff member behind the request's session cookie, or null. Memoised per request. */
export async function optionalStaff(c: Context): Promise<Staff | null> {
  const existing = c.get('staff');
  if (existing) return existing;
  const { sql, config } = depsOf(c);
  const hash = tokenHash(readSessionToken(c.req.header('cookie'), sessionCookieSpec(config)));
  if (!hash) return null;
  const row = await findLiveSession(sql, hash, SESSION_IDLE_SECONDS);
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > SESSION_TOUCH_SECONDS * 1000) await touchSession(sql, row.session_id);
  const staff: Staff = { id: row.user_id, email: row.email, name: row.name, role: row.role, departmentId: row.department_id, sessionId: row.session_id };
  c.set('staff', staff);
  return staff;
}

const guards = new WeakMap<AppDeps, MiddlewareHandler>();

export function requireStaff(roles?: readonly Role[]): MiddlewareHandler {
  return async (c, next) => {
    c.header('Cache-Control', 'no-store');
    c.header('Vary', 'Cookie');
    const deps = depsOf(c);
    let guard = guards.get(deps);
    if (!guard) guards.set(deps, (guard = csrfGuard(deps)));
    await guard(c, async () => {});
    const staff = await optionalStaff(c);
    if (!staff) throw new AppError(401, 'unauthenticated', 'sign in first');
    if (roles && staff.role !== 'admin' && !roles.includes(staff.role)) {
      await recordAudit(deps.sql, c, {
        action: 'authz.denied',
        objectType: 'route',
        objectId: `${c.req.method} ${c.req.routePath}`.slice(0, 100),
        after: { role: staff.role, required: roles },
      });
      throw new AppError(403, 'forbidden', 'your role does not allow this');
    }
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  };
}
