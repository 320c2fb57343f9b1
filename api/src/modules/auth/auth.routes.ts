/**
 * Staff sign-in, sign-out and account administration (issue 4, part 1).
 *
 * Login answers exactly the same (status, body, and about the same time) for an unknown email, a
 * wrong password and a disabled account (ASVS 6.3.8, docs/reliability.md A3): an unknown email is
 * verified against a dummy argon2id hash. Failures are throttled per username and per IP over a
 * sliding window (rule 9, A2); rows age out, so nobody is locked out for good.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../deps.ts';
import { AppError, conflict, notFound, unprocessable } from '../../errors.ts';
import { csrfGuard, requireStaff, type Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import {
  clearUsernameFailures,
  countRecentFailures,
  deleteExpiredSessions,
  deleteSessionByToken,
  departmentExists,
  findUserForLogin,
  getUser,
  deleteLoginFailure,
  insertLoginFailure,
  insertSession,
  insertUser,
  listUsers,
  markLogin,
  pruneLoginFailures,
  updateUser,
  type UserRow,
} from './auth.sql.ts';
import { ChangePasswordSchema, CreateUserSchema, LoginSchema, normaliseEmail, PatchUserSchema } from './auth.schema.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';
import { clientIp } from '../../http/client-ip.ts';
import { parseId, readJson } from '../../http/request.ts';
import { sha256 } from '../../hash.ts';
import {
  clearSessionCookie,
  newSessionToken,
  readSessionToken,
  sessionCookie,
  sessionCookieSpec,
  SESSION_LIFETIME_SECONDS,
  tokenHash,
} from './sessions.ts';

/** Failures per username within the window before further attempts get 429 (FixMyStreet uses 5). */
export const USERNAME_FAILURE_LIMIT = 5;
/** Failures per IP within the window: higher, since offices share one address. */
export const IP_FAILURE_LIMIT = 20;
export const THROTTLE_WINDOW_SECONDS = 15 * 60;
/** Login bodies are tiny; anything larger is refused before parsing or hashing (A1). */
const LOGIN_BODY_LIMIT = 8 * 1024;

export function userJson(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    departmentId: u.department_id,
    disabled: u.disabled_at !== null,
    lastLoginAt: u.last_login_at,
    createdAt: u.created_at,
  };
}

/** What an audit row may hold about a user: no email, no name, no password hash. */
function auditUser(u: UserRow) {
  return { role: u.role, departmentId: u.department_id, disabled: u.disabled_at !== null };
}


export function authRoutes(deps: AppDeps) {
  const { sql, config, logger } = deps;
  const app = new Hono();
  const spec = sessionCookieSpec(config);
  const csrf = csrfGuard(deps);
  const loginBodyLimit = bodyLimit({
    maxSize: LOGIN_BODY_LIMIT,
    onError: () => {
      throw new AppError(413, 'payload_too_large', `login body over ${LOGIN_BODY_LIMIT} bytes`);
    },
  });
  const noStore = async (c: Context, next: () => Promise<void>) => {
    c.header('Cache-Control', 'no-store');
    await next();
  };

  const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'the email or the password is wrong');

  app.post('/auth/login', noStore, csrf, loginBodyLimit, async (c) => {
    const body = await readJson(c, LoginSchema);
    const email = normaliseEmail(body.email);
    const usernameKey = sha256(email);
    const ip = clientIp(c);

    // Record the attempt first, then count: concurrent guesses each see the others, so no burst
    // gets more than the limit past the password check (a count-then-insert race would).
    const attemptId = await insertLoginFailure(sql, usernameKey, ip);
    const counts = await countRecentFailures(sql, usernameKey, ip, THROTTLE_WINDOW_SECONDS);
    const throttled = () => {
      c.header('Retry-After', String(Math.max(1, counts.retry_after)));
      return new AppError(429, 'too_many_attempts', 'too many failed sign-ins; try again later');
    };
    if (counts.by_username > USERNAME_FAILURE_LIMIT) {
      // A refused attempt guessed nothing, so it does not extend the lock. Not audited row by
      // row: a spraying attacker would otherwise write the audit log at will.
      await deleteLoginFailure(sql, attemptId);
      logger.warn('login throttled', { reqId: c.get('requestId' as never), byUsername: true });
      throw throttled();
    }
    // The IP counter alone never blocks a correct password: staff behind one NAT or proxy must
    // not lock each other out. It only turns a wrong password into a 429.
    const ipOver = counts.by_ip > IP_FAILURE_LIMIT;

    const user = await findUserForLogin(sql, email);
    // Same argon2id work whether or not the user exists.
    const passwordOk = await verifyPassword(body.password, user?.password_hash ?? (await dummyHash()));
    if (!user || !passwordOk || user.disabled_at !== null) {
      if (ipOver) {
        await deleteLoginFailure(sql, attemptId);
        logger.warn('login throttled', { reqId: c.get('requestId' as never), byUsername: false });
        throw throttled();
      }
      await recordAudit(sql, c, { action: 'auth.login_failed', objectType: 'user', objectId: null, actor: { id: null, role: null } });
      throw invalidCredentials();
    }

    // Rotation (ASVS 7.2.4, A4): whatever session id came with the request is discarded and a
    // fresh random token issued, so a planted id is worthless after sign-in.
    const presented = tokenHash(readSessionToken(c.req.header('cookie'), spec));
    const token = newSessionToken();
    await sql.begin(async (tx) => {
      if (presented) await deleteSessionByToken(tx, presented);
      await insertSession(tx, {
        tokenSha256: tokenHash(token)!,
        userId: user.id,
        lifetimeSeconds: SESSION_LIFETIME_SECONDS,
        ip,
        userAgent: (c.req.header('user-agent') ?? '').slice(0, 300) || null,
      });
      await deleteLoginFailure(tx, attemptId);
      await clearUsernameFailures(tx, usernameKey);
      await markLogin(tx, user.id);
      await recordAudit(tx, c, { action: 'auth.login', objectType: 'user', objectId: user.id, actor: { id: user.id, role: user.role } });
    });
    // Housekeeping off the response path; a failure here changes nothing for the caller.
    void Promise.all([deleteExpiredSessions(sql), pruneLoginFailures(sql, 24 * 3600)]).catch(() => {});
    c.header('Set-Cookie', sessionCookie(spec, token));
    return c.json({ user: userJson(user) });
  });

  app.post('/auth/logout', noStore, csrf, async (c) => {
    const presented = tokenHash(readSessionToken(c.req.header('cookie'), spec));
    if (presented) {
      const userId = await deleteSessionByToken(sql, presented);
      if (userId !== null) await recordAudit(sql, c, { action: 'auth.logout', objectType: 'user', objectId: userId, actor: { id: userId, role: null } });
    }
    c.header('Set-Cookie', clearSessionCookie(spec));
    return c.body(null, 204);
  });

  app.get('/auth/me', requireStaff(), async (c) => {
    const staff = c.get('staff');
    return c.json({ user: staffJson(staff) });
  });

  app.post('/auth/password', requireStaff(), async (c) => {
    const staff = c.get('staff');
    const body = await readJson(c, ChangePasswordSchema);
    const user = await findUserForLogin(sql, staff.email);
    if (!user || !(await verifyPassword(body.currentPassword, user.password_hash))) {
      await recordAudit(sql, c, { action: 'auth.password_change_failed', objectType: 'user', objectId: staff.id });
      throw new AppError(403, 'wrong_password', 'the current password is wrong');
    }
    const passwordHash = await hashPassword(body.newPassword);
    // The trigger ends every session of the user, this one included: sign in again.
    await sql.begin(async (tx) => {
      await updateUser(tx, staff.id, { passwordHash });
      await recordAudit(tx, c, { action: 'user.password_changed', objectType: 'user', objectId: staff.id });
    });
    c.header('Set-Cookie', clearSessionCookie(spec));
    return c.body(null, 204);
  });

  // ---- account administration (admin only) ----

  app.get('/auth/users', requireStaff(['admin']), async (c) => {
    return c.json({ users: (await listUsers(sql)).map(userJson) });
  });

  app.post('/auth/users', requireStaff(['admin']), async (c) => {
    const body = await readJson(c, CreateUserSchema);
    if (body.departmentId && !(await departmentExists(sql, body.departmentId))) throw unprocessable('unknown_department', `no department ${body.departmentId}`);
    const passwordHash = await hashPassword(body.password);
    const user = await sql.begin(async (tx) => {
      const u = await insertUser(tx, { email: body.email, name: body.name, role: body.role, departmentId: body.departmentId, passwordHash });
      await recordAudit(tx, c, { action: 'user.create', objectType: 'user', objectId: u.id, after: auditUser(u) });
      return u;
    });
    return c.json({ user: userJson(user) }, 201);
  });

  app.patch('/auth/users/:id', requireStaff(['admin']), async (c) => {
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, PatchUserSchema);
    if (body.departmentId && !(await departmentExists(sql, body.departmentId))) throw unprocessable('unknown_department', `no department ${body.departmentId}`);
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    const user = await sql.begin(async (tx) => {
      const [locked] = await tx<UserRow[]>`select id, email, name, role, department_id, disabled_at, last_login_at, created_at, updated_at from users where id = ${id} for update`;
      if (!locked) throw notFound(`no user ${id}`);
      const losesAdmin = locked.role === 'admin' && locked.disabled_at === null && ((body.role && body.role !== 'admin') || body.disabled === true);
      if (losesAdmin) {
        const [other] = await tx`select 1 from users where role = 'admin' and disabled_at is null and id <> ${id} limit 1`;
        if (!other) throw conflict('last_admin', 'this is the last enabled admin');
      }
      const updated = (await updateUser(tx, id, { name: body.name, role: body.role, departmentId: body.departmentId, disabled: body.disabled, passwordHash }))!;
      await recordAudit(tx, c, {
        action: 'user.update',
        objectType: 'user',
        objectId: id,
        before: auditUser(locked),
        after: { ...auditUser(updated), ...(passwordHash ? { passwordReset: true } : {}), ...(body.name ? { renamed: true } : {}) },
      });
      return updated;
    });
    return c.json({ user: userJson(user) });
  });

  app.get('/auth/users/:id', requireStaff(['admin']), async (c) => {
    const user = await getUser(sql, parseId(c.req.param('id')));
    if (!user) throw notFound();
    return c.json({ user: userJson(user) });
  });

  return app;
}

export function staffJson(s: Staff) {
  return { id: s.id, email: s.email, name: s.name, role: s.role, departmentId: s.departmentId };
}
