-- "Me too": one row per report and supporter, where the supporter is an HMAC of the device id
-- or IP with the installation pepper, so no personal data is kept.
create table incident_supports (
  incident_id bigint not null references incidents (id) on delete cascade,
  supporter_hmac bytea not null,
  created_at timestamptz not null default now(),
  primary key (incident_id, supporter_hmac)
);

-- Limits as data: a fixed window per key (IP or device, HMAC-ed).
create table rate_limits (
  name text primary key,
  max_hits int not null check (max_hits > 0),
  window_seconds int not null check (window_seconds > 0)
);
insert into rate_limits (name, max_hits, window_seconds) values
  ('report_ip', 30, 3600),
  ('report_device', 10, 3600),
  ('photo_ip', 200, 86400),
  ('support_ip', 120, 3600),
  ('open311_key', 1000, 3600);

create table rate_limit_buckets (
  name text not null references rate_limits (name) on delete cascade,
  key_hmac bytea not null,
  window_start timestamptz not null,
  hits int not null,
  primary key (name, key_hmac, window_start)
);
create index rate_limit_buckets_window_idx on rate_limit_buckets (window_start);
