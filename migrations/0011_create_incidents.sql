-- Citizen reports. The row holds personal data (reporter_*); the public only ever reads the
-- public_incidents view (0017), which has no personal column at all.

-- Per-installation secrets (peppers): IPs and device ids are stored only as HMACs with this key,
-- so the hashes cannot be reversed by enumerating the IPv4 space. Never leaves the database.
create table app_secrets (
  name text primary key,
  secret bytea not null check (octet_length(secret) >= 32)
);
insert into app_secrets (name, secret) values ('pepper', gen_random_bytes(32));

-- The lifecycle as data; `open` is the Open311 open/closed mapping.
create table incident_statuses (
  status text primary key,
  open boolean not null,
  sort_order int not null
);
insert into incident_statuses (status, open, sort_order) values
  ('submitted', true, 1), ('acknowledged', true, 2), ('in_progress', true, 3),
  ('resolved', false, 4), ('closed', false, 5), ('rejected', false, 6), ('duplicate', false, 7);

-- Allowed status changes; the trigger below refuses anything else, whoever writes.
create table incident_status_transitions (
  from_status text not null references incident_statuses (status),
  to_status text not null references incident_statuses (status),
  primary key (from_status, to_status),
  check (from_status <> to_status)
);
insert into incident_status_transitions (from_status, to_status) values
  ('submitted', 'acknowledged'), ('submitted', 'in_progress'), ('submitted', 'resolved'),
  ('submitted', 'rejected'), ('submitted', 'duplicate'),
  ('acknowledged', 'in_progress'), ('acknowledged', 'resolved'), ('acknowledged', 'rejected'), ('acknowledged', 'duplicate'),
  ('in_progress', 'resolved'), ('in_progress', 'acknowledged'),
  ('resolved', 'closed'), ('resolved', 'in_progress'),
  ('duplicate', 'acknowledged'), ('rejected', 'acknowledged');

-- Protocol numbers YYYY/NNNNNN: one counter row per year, incremented by the same transaction
-- that inserts the incident. The row lock serialises concurrent inserts, and a rolled-back insert
-- rolls the counter back too, so numbers are consecutive and never repeat (a sequence would leave gaps).
create table protocol_counters (
  year int primary key check (year between 2000 and 9999),
  last_seq int not null check (last_seq between 1 and 999999)
);

create table incidents (
  id bigint generated always as identity primary key,
  -- Open311 token: lets a client that got `token` look up service_request_id; not a secret.
  public_id uuid not null default gen_random_uuid() unique,
  protocol_year int not null,
  protocol_seq int not null check (protocol_seq between 1 and 999999),
  protocol_number text generated always as (protocol_year::text || '/' || lpad(protocol_seq::text, 6, '0')) stored,
  -- SHA-256 of the private tracking token; the token itself is only ever in the reporter's hands.
  tracking_token_sha256 bytea not null unique check (octet_length(tracking_token_sha256) = 32),
  category_id text not null references categories (id),
  department_id text not null references departments (id),
  status text not null default 'submitted' references incident_statuses (status),
  priority smallint not null default 3 check (priority between 1 and 5),
  description text not null check (char_length(description) between 1 and 2000),
  -- Answers to the category's extra questions (Open311 attributes), validated by the API.
  answers jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
  geom geometry(Point, 4326) not null check (st_isvalid(geom)),
  -- What the public sees: the point itself, or for sensitive categories the centre of its
  -- 0.002 degree grid cell (about 200 m), kept by the trigger below.
  public_geom geometry(Point, 4326) not null,
  public_geom_3857 geometry(Point, 3857) generated always as (st_transform(public_geom, 3857)) stored,
  -- Nearest street name from the roads layer.
  address text check (char_length(address) <= 300),
  asset_id bigint references assets (id) on delete set null,
  asset_layer_id text,
  asset_distance_m real check (asset_distance_m >= 0),
  -- Flag for staff: an open report of the same category nearby when this one arrived.
  possible_duplicate_of bigint references incidents (id),
  -- Set by staff with status 'duplicate'.
  duplicate_of bigint references incidents (id),
  channel text not null check (channel in ('web', 'app', 'phone', 'email', 'counter', 'open311')),
  -- Anonymous: the name is not kept; contact (if any) is used only for status updates.
  anonymous boolean not null default true,
  reporter_name text check (char_length(reporter_name) <= 120),
  reporter_email text check (char_length(reporter_email) <= 254),
  reporter_phone text check (char_length(reporter_phone) <= 32),
  -- Staff member who entered a phone / counter / email report.
  staff_user text check (char_length(staff_user) <= 120),
  -- Contact details inside the description hold the report back from the public
  -- (docs/reliability.md T2).
  needs_moderation boolean not null default false,
  moderation_reason text,
  hidden boolean not null default false,
  support_count int not null default 0 check (support_count >= 0),
  sla_due_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (protocol_year, protocol_seq)
);

create index incidents_public_geom_idx on incidents using gist (public_geom);
create index incidents_public_geom_3857_idx on incidents using gist (public_geom_3857);
create index incidents_geom_idx on incidents using gist (geom);
create index incidents_category_status_idx on incidents (category_id, status, created_at);
create index incidents_created_at_idx on incidents (created_at);
create index incidents_updated_at_idx on incidents (updated_at);

-- Keeps public_geom in step with geom and the category's sensitive flag.
create function incidents_public_geom() returns trigger language plpgsql as $$
begin
  new.public_geom := case
    when (select c.sensitive from categories c where c.id = new.category_id)
      then st_snaptogrid(new.geom, 0.001, 0.001, 0.002, 0.002)
    else new.geom
  end;
  return new;
end $$;
create trigger incidents_public_geom before insert or update of geom, category_id on incidents
  for each row execute function incidents_public_geom();

-- A category turning sensitive (or back) re-coarsens its incidents.
create function categories_sensitive_changed() returns trigger language plpgsql as $$
begin
  update incidents set geom = geom where category_id = new.id;
  return null;
end $$;
create trigger categories_sensitive_changed after update of sensitive on categories
  for each row when (old.sensitive is distinct from new.sensitive) execute function categories_sensitive_changed();

-- The lifecycle guard: new rows start at 'submitted', changes follow incident_status_transitions.
create function incidents_status_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'submitted' then
      raise exception 'a new incident starts as submitted, not %', new.status using errcode = 'check_violation';
    end if;
  elsif new.status is distinct from old.status then
    if not exists (select 1 from incident_status_transitions t where t.from_status = old.status and t.to_status = new.status) then
      raise exception 'status transition % -> % is not allowed', old.status, new.status using errcode = 'check_violation';
    end if;
  end if;
  new.updated_at := now();
  return new;
end $$;
create trigger incidents_status_guard before insert or update on incidents
  for each row execute function incidents_status_guard();

-- Idempotency-Key: a retried submit finds its first answer here. Only the key's hash is kept.
create table idempotency_keys (
  key_sha256 bytea primary key check (octet_length(key_sha256) = 32),
  -- SHA-256 of the canonical request: the same key with a different body is refused.
  request_sha256 bytea not null,
  incident_id bigint references incidents (id) on delete cascade,
  created_at timestamptz not null default now()
);
