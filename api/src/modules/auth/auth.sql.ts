
/** A client or a transaction: query functions run inside sql.begin() as well. */
import type { Db } from '../../db.ts';
import type { Role } from './roles.ts';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  department_id: string | null;
  disabled_at: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export async function findUserForLogin(sql: Db, email: string): Promise<(UserRow & { password_hash: string }) | undefined> {
  const [row] = await sql<(UserRow & { password_hash: string })[]>`
    select id, email, name, role, department_id, disabled_at, last_login_at, created_at, updated_at, password_hash
    from users
    where email = ${email}
  `;
  return row;
}

export async function getUser(sql: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    select id, email, name, role, department_id, disabled_at, last_login_at, created_at, updated_at
    from users
    where id = ${id}
  `;
  return row;
}

export async function listUsers(sql: Db): Promise<UserRow[]> {
  return sql<UserRow[]>`
    select id, email, name, role, department_id, disabled_at, last_login_at, created_at, updated_at
    from users
    order by id
  `;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  departmentId: string | null;
  passwordHash: string;
}

export async function insertUser(sql: Db, u: NewUser): Promise<UserRow> {
  const [row] = await sql<UserRow[]>`
    insert into users (email, name, role, department_id, password_hash)
    values (${u.email}, ${u.name}, ${u.role}, ${u.departmentId}, ${u.passwordHash})
    returning id, email, name, role, department_id, disabled_at, last_login_at, created_at, updated_at
  `;
  return row!;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  departmentId?: string | null;
  disabled?: boolean;
  passwordHash?: string;
}

/** Role, department, password or disable changes kill the user's sessions (trigger, 0021). */
export async function updateUser(sql: Db, id: number, p: UserPatch): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    update users set
      name = ${p.name === undefined ? sql`name` : p.name},
      role = ${p.role === undefined ? sql`role` : p.role},
      department_id = ${p.departmentId === undefined ? sql`department_id` : p.departmentId},
      password_hash = ${p.passwordHash === undefined ? sql`password_hash` : p.passwordHash},
      disabled_at = ${p.disabled === undefined ? sql`disabled_at` : p.disabled ? sql`coalesce(disabled_at, now())` : null}
    where id = ${id}
    returning id, email, name, role, department_id, disabled_at, last_login_at, created_at, updated_at
  `;
  return row;
}

export async function departmentExists(sql: Db, id: string): Promise<boolean> {
  const [row] = await sql`select 1 from departments where id = ${id}`;
  return !!row;
}

// ---- sessions ----

export interface SessionUserRow {
  session_id: number;
  last_seen_at: Date;
  user_id: number;
  email: string;
  name: string;
  role: Role;
  department_id: string | null;
}

/**
 * The session behind a token hash, if it is alive: not past its absolute expiry, used within the
 * idle limit, and its user still enabled. Dead sessions are simply not found.
 */
export async function findLiveSession(sql: Db, tokenSha256: Buffer, idleSeconds: number): Promise<SessionUserRow | undefined> {
  const [row] = await sql<SessionUserRow[]>`
    select s.id as session_id, s.last_seen_at, u.id as user_id, u.email, u.name, u.role, u.department_id
    from sessions s
    join users u on u.id = s.user_id
    where s.token_sha256 = ${tokenSha256}
      and s.expires_at > now()
      and s.last_seen_at > now() - make_interval(secs => ${idleSeconds})
      and u.disabled_at is null
  `;
  return row;
}

export async function touchSession(sql: Db, sessionId: number): Promise<void> {
  await sql`update sessions set last_seen_at = now() where id = ${sessionId}`;
}

export async function insertSession(
  sql: Db,
  s: { tokenSha256: Buffer; userId: number; lifetimeSeconds: number; ip: string | null; userAgent: string | null },
): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into sessions (token_sha256, user_id, expires_at, ip, user_agent)
    values (${s.tokenSha256}, ${s.userId}, now() + make_interval(secs => ${s.lifetimeSeconds}), ${s.ip}, ${s.userAgent})
    returning id
  `;
  return row!.id;
}

export async function deleteSessionByToken(sql: Db, tokenSha256: Buffer): Promise<number | null> {
  const [row] = await sql<{ user_id: number }[]>`delete from sessions where token_sha256 = ${tokenSha256} returning user_id`;
  return row?.user_id ?? null;
}

export async function deleteUserSessions(sql: Db, userId: number): Promise<number> {
  const rows = await sql`delete from sessions where user_id = ${userId} returning id`;
  return rows.length;
}

/** Housekeeping: sessions past expiry are useless; done opportunistically at login. */
export async function deleteExpiredSessions(sql: Db): Promise<void> {
  await sql`delete from sessions where expires_at < now()`;
}

export async function markLogin(sql: Db, userId: number): Promise<void> {
  await sql`update users set last_login_at = now() where id = ${userId}`;
}

// ---- login throttling ----

export async function countRecentFailures(
  sql: Db,
  usernameSha256: Buffer,
  ip: string | null,
  windowSeconds: number,
): Promise<{ by_username: number; by_ip: number; retry_after: number }> {
  const [row] = await sql<{ by_username: number; by_ip: number; retry_after: number }[]>`
    with recent as (
      select username_sha256, ip, at
      from login_failures
      where at > now() - make_interval(secs => ${windowSeconds})
        and (username_sha256 = ${usernameSha256} or ip = ${ip}::inet)
    )
    select
      count(*) filter (where username_sha256 = ${usernameSha256})::int as by_username,
      count(*) filter (where ${ip}::inet is not null and ip = ${ip}::inet)::int as by_ip,
      coalesce(ceil(extract(epoch from (min(at) + make_interval(secs => ${windowSeconds}) - now()))), 0)::int as retry_after
    from recent
  `;
  return row!;
}

/** Records a sign-in attempt as a failure until it succeeds; returns its id. */
export async function insertLoginFailure(sql: Db, usernameSha256: Buffer, ip: string | null): Promise<number> {
  const [row] = await sql<{ id: number }[]>`insert into login_failures (username_sha256, ip) values (${usernameSha256}, ${ip}::inet) returning id`;
  return row!.id;
}

/** Withdraws one recorded attempt (it succeeded, or it was refused before any password check). */
export async function deleteLoginFailure(sql: Db, id: number): Promise<void> {
  await sql`delete from login_failures where id = ${id}`;
}

/** A successful login clears that username's failures (not the IP's: one good account must not reset an IP spraying others). */
export async function clearUsernameFailures(sql: Db, usernameSha256: Buffer): Promise<void> {
  await sql`delete from login_failures where username_sha256 = ${usernameSha256}`;
}

export async function pruneLoginFailures(sql: Db, olderThanSeconds: number): Promise<void> {
  await sql`delete from login_failures where at < now() - make_interval(secs => ${olderThanSeconds})`;
}
