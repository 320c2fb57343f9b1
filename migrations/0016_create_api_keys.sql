-- API keys, stored as SHA-256 only (they are 256-bit random, so a fast hash is enough).
-- Open311 clients send theirs in the POST body; a key seen in a URL is revoked.
create table open311_api_keys (
  id bigint generated always as identity primary key,
  name text not null,
  key_sha256 bytea not null unique check (octet_length(key_sha256) = 32),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_reason text
);

-- Staff entry until staff sign-in exists: a key per desk or person; X-Staff-User names the
-- person and is only believed alongside a valid key.
create table staff_api_keys (
  id bigint generated always as identity primary key,
  name text not null,
  key_sha256 bytea not null unique check (octet_length(key_sha256) = 32),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
