/**
 * Staff sign-in, sign-out and account administration (issue 4, part 1).
 *
 * Login answers exactly the same (status, body, and about the same time) for an unknown email, a
 * wrong password and a disabled account (ASVS 6.3.8, docs/reliability.md A3): an unknown email is
 * verified against a dummy argon2id hash. Failures are throttled per username and per IP over a
 * sliding window (rule 9, A2); rows age out, so nobody is locked out for good.
 */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AccountListSchema, AccountResponseSchema, MeSchema, UserIdParamsSchema } from '../../../../lib/auth.schema.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
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

const tags = ['auth'];
const admin = { security: staffSession, middleware: [requireStaff(['admin'])] };

const me = defineRoute({
  method: 'get',
  path: '/auth/me',
  summary: 'The signed-in staff member',
  tags,
  security: staffSession,
  middleware: [requireStaff()],
  responses: { 200: jsonResponse(MeSchema, 'the staff member'), ...errorResponses(401) },
});

const changePassword = defineRoute({
  method: 'post',
  path: '/auth/password',
  summary: 'Change own password (ends every session of the user)',
  tags,
  security: staffSession,
  middleware: [requireStaff()],
  request: { body: jsonRequest(ChangePasswordSchema) },
  responses: { 204: { description: 'changed; sign in again' }, ...errorResponses(400, 401, 403, 413, 415, 422) },
});

const listAccounts = defineRoute({
  method: 'get',
  path: '/auth/users',
  summary: 'Staff accounts (admin)',
  tags,
  ...admin,
  responses: { 200: jsonResponse(AccountListSchema, 'every account'), ...errorResponses(401, 403) },
});

const createAccount = defineRoute({
  method: 'post',
  path: '/auth/users',
  summary: 'Create a staff account (admin)',
  tags,
  ...admin,
  request: { body: jsonRequest(CreateUserSchema) },
  responses: { 201: jsonResponse(AccountResponseSchema, 'the account'), ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
});

const patchAccount = defineRoute({
  method: 'patch',
  path: '/auth/users/{id}',
  summary: 'Change role, department, name, password or disable (admin); role, department, password and disable changes end all the user’s sessions',
  tags,
  ...admin,
  request: { params: UserIdParamsSchema, body: jsonRequest(PatchUserSchema) },
  responses: {
    200: jsonResponse(AccountResponseSchema, 'the account as saved'),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    409: { ...errorResponses(409)[409], description: 'last enabled admin' },
  },
});

const oneAccount = defineRoute({
  method: 'get',
  path: '/auth/users/{id}',
  summary: 'One staff account (admin)',
  tags,
  ...admin,
  request: { params: UserIdParamsSchema },
  responses: { 200: jsonResponse(AccountResponseSchema, 'the account'), ...errorResponses(400, 401, 403, 404) },
});

export function authRoutes(deps: AppDeps) {
  const { sql, config, logger } = deps;
  const app = createRouter();
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

  // Staff sessions use the `__Host-session` cookie (Secure, HttpOnly, SameSite=Lax, Path=/);
  // unsafe requests must come from the platform's own origin (403 otherwise).
  const login = defineRoute({
    method: 'post',
    path: '/auth/login',
    summary: 'Staff sign-in: sets the session cookie (a new token on every sign-in)',
    tags,
    middleware: [noStore, csrf, loginBodyLimit],
    request: { body: jsonRequest(LoginSchema) },
    responses: {
      200: jsonResponse(AccountResponseSchema, 'signed in; Set-Cookie: __Host-session'),
      ...errorResponses(400, 413, 415, 422),
      401: { ...errorResponses(401)[401], description: 'invalid_credentials (the same answer for unknown email, wrong password and disabled account)' },
      403: { ...errorResponses(403)[403], description: 'cross-origin request' },
      429: { ...errorResponses(429)[429], description: 'too many failed sign-ins for this username or IP; see Retry-After' },
    },
  });
  const logout = defineRoute({
    method: 'post',
    path: '/auth/logout',
    summary: 'End this session',
    tags,
    middleware: [noStore, csrf],
    responses: { 204: { description: 'signed out; cookie cleared' }, ...errorResponses(403) },
  });

  app.openapi(login, async (c) => {
    const body = c.req.valid('json');
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
    return c.json({ user: userJson(user) }, 200);
  });

  app.openapi(logout, async (c) => {
    const presented = tokenHash(readSessionToken(c.req.header('cookie'), spec));
    if (presented) {
      const userId = await deleteSessionByToken(sql, presented);
      if (userId !== null) await recordAudit(sql, c, { action: 'auth.logout', objectType: 'user', objectId: userId, actor: { id: userId, role: null } });
    }
    c.header('Set-Cookie', clearSessionCookie(spec));
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => {
    const staff = c.get('staff');
    return c.json({ user: staffJson(staff) }, 200);
  });

  app.openapi(changePassword, async (c) => {
    const staff = c.get('staff');
    const body = c.req.valid('json');
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

  app.openapi(listAccounts, async (c) => {
    return c.json({ users: (await listUsers(sql)).map(userJson) }, 200);
  });

  app.openapi(createAccount, async (c) => {
    const body = c.req.valid('json');
    if (body.departmentId && !(await departmentExists(sql, body.departmentId))) throw unprocessable('unknown_department', `no department ${body.departmentId}`);
    const passwordHash = await hashPassword(body.password);
    const user = await sql.begin(async (tx) => {
      const u = await insertUser(tx, { email: body.email, name: body.name, role: body.role, departmentId: body.departmentId, passwordHash });
      await recordAudit(tx, c, { action: 'user.create', objectType: 'user', objectId: u.id, after: auditUser(u) });
      return u;
    });
    return c.json({ user: userJson(user) }, 201);
  });

  app.openapi(patchAccount, async (c) => {
    const id = Number(c.req.valid('param').id);
    const body = c.req.valid('json');
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
    return c.json({ user: userJson(user) }, 200);
  });

  app.openapi(oneAccount, async (c) => {
    const user = await getUser(sql, Number(c.req.valid('param').id));
    if (!user) throw notFound();
    return c.json({ user: userJson(user) }, 200);
  });

  return app;
}

export function staffJson(s: Staff) {
  return { id: s.id, email: s.email, name: s.name, role: s.role, departmentId: s.departmentId };
}
