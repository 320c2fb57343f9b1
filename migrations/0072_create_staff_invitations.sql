-- One-time links for staff: an invitation (the account exists, disabled for sign-in until the
-- link sets a password) or a password reset. Only the SHA-256 of the token is stored; a link
-- works once and for a week at most.
create table staff_invitations (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  kind text not null check (kind in ('invite', 'reset')),
  token_sha256 bytea not null unique check (octet_length(token_sha256) = 32),
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  used_at timestamptz
);
create index staff_invitations_user on staff_invitations (user_id) where used_at is null;
