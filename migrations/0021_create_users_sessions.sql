-- Staff accounts and server-side sessions. Citizens have no accounts here.
-- Roles are a closed list: what each may do lives in api/src/modules/auth/authz.ts.

create table users (
  id bigint generated always as identity primary key,
  email text not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  name text not null check (length(name) between 1 and 200),
  role text not null check (role in ('admin', 'dispatcher', 'technician', 'crew', 'civil_protection', 'approver', 'viewer')),
  -- The service the person works for: per-object authorization compares it with the object's.
  department_id text references departments (id),
  -- PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash
  password_hash text not null check (password_hash like '$argon2id$%'),
  disabled_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email on users (email);
create index users_department on users (department_id) where disabled_at is null;

-- Only the SHA-256 of the token is stored: a read of this table (backup, SQL injection) does not
-- yield a usable cookie.
create table sessions (
  id bigint generated always as identity primary key,
  token_sha256 bytea not null unique check (length(token_sha256) = 32),
  user_id bigint not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Absolute lifetime; the idle limit is checked against last_seen_at.
  expires_at timestamptz not null,
  ip inet,
  user_agent text check (length(user_agent) <= 300)
);
create index sessions_user on sessions (user_id);
create index sessions_expires on sessions (expires_at);

-- Revocation (ASVS 7.4.2, 8.3.2): a change of role, department, password or a disable kills every
-- session of the user at once, whoever made the change (admin API or plain SQL).
create function users_kill_sessions() returns trigger language plpgsql as $$
begin
  if new.role is distinct from old.role
     or new.department_id is distinct from old.department_id
     or new.password_hash is distinct from old.password_hash
     or new.disabled_at is distinct from old.disabled_at then
    delete from sessions where user_id = new.id;
  end if;
  new.updated_at := now();
  return new;
end $$;
create trigger users_kill_sessions before update on users
  for each row execute function users_kill_sessions();

-- Failed logins, for throttling per username and per IP (docs/reliability.md rule 9). The username
-- is stored as a SHA-256 so a password typed into the email field never lands here in clear.
-- Rows age out of the window; nothing locks an account permanently.
create table login_failures (
  id bigint generated always as identity primary key,
  username_sha256 bytea not null,
  ip inet,
  at timestamptz not null default now()
);
create index login_failures_username on login_failures (username_sha256, at);
create index login_failures_ip on login_failures (ip, at);
create index login_failures_at on login_failures (at);
