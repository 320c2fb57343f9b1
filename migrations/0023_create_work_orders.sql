-- Repair registries: one work order per repair, of a registry kind, on an asset and/or from
-- citizen incidents. The lifecycle is data (statuses + transitions with the roles allowed to make
-- each move) and a trigger refuses any other change, whoever writes (API, worker or psql).

create table work_order_statuses (
  id text primary key,
  name_el text not null,
  name_en text not null,
  sort_order int not null,
  -- A new work order may start here.
  initial boolean not null default false,
  terminal boolean not null default false,
  -- Shown in the public registry view. `planned` is an internal draft and `cancelled` never
  -- happened, so neither is published.
  public boolean not null default false
);
insert into work_order_statuses (id, name_el, name_en, sort_order, initial, terminal, public) values
  ('planned', 'Προγραμματισμένη', 'Planned', 1, true, false, false),
  ('scheduled', 'Χρονοπρογραμματισμένη', 'Scheduled', 2, true, false, true),
  ('in_progress', 'Σε εξέλιξη', 'In progress', 3, false, false, true),
  ('done', 'Ολοκληρώθηκε', 'Done', 4, false, false, true),
  ('verified', 'Επαληθεύτηκε', 'Verified', 5, false, true, true),
  ('cancelled', 'Ακυρώθηκε', 'Cancelled', 6, false, true, false);

-- `roles`: who may make the move (admin always may). Department scope is checked by the API.
create table work_order_transitions (
  from_status text not null references work_order_statuses (id),
  to_status text not null references work_order_statuses (id),
  roles text[] not null,
  primary key (from_status, to_status),
  check (from_status <> to_status)
);
insert into work_order_transitions (from_status, to_status, roles) values
  ('planned', 'scheduled', '{dispatcher,technician}'),
  -- Emergency repairs skip scheduling.
  ('planned', 'in_progress', '{dispatcher,technician,crew}'),
  ('planned', 'cancelled', '{dispatcher,technician}'),
  ('scheduled', 'planned', '{dispatcher,technician}'),
  ('scheduled', 'in_progress', '{dispatcher,technician,crew}'),
  ('scheduled', 'cancelled', '{dispatcher,technician}'),
  ('in_progress', 'done', '{dispatcher,technician,crew}'),
  ('in_progress', 'cancelled', '{dispatcher,technician}'),
  ('done', 'verified', '{dispatcher,technician,approver}'),
  -- Verification failed: back to work.
  ('done', 'in_progress', '{dispatcher,technician,approver}');

create table work_orders (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('school', 'kindergarten', 'playground', 'sports_ground', 'network', 'building', 'road')),
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '' check (char_length(description) <= 5000),
  status text not null default 'planned' references work_order_statuses (id),
  -- The asset may be re-imported or removed; the work order and its location stay.
  asset_id bigint references assets (id) on delete set null,
  -- Where the work happens: the asset's point on surface, or a point given by staff.
  location geometry(Point, 4326) not null check (st_isvalid(location)),
  department_id text not null references departments (id),
  planned_start date,
  planned_end date,
  started_at timestamptz,
  finished_at timestamptz,
  verified_at timestamptz,
  verified_by bigint references users (id),
  cancelled_at timestamptz,
  cancel_reason text check (char_length(cancel_reason) <= 2000),
  estimated_cost numeric(12, 2) check (estimated_cost >= 0),
  actual_cost numeric(12, 2) check (actual_cost >= 0),
  -- [{ item, quantity, unit, unit_cost? }], validated by the API.
  materials jsonb not null default '[]' check (jsonb_typeof(materials) = 'array'),
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Optimistic concurrency for offline crews: bumped by the trigger on every change.
  version int not null default 1,
  check (planned_end is null or planned_start is null or planned_end >= planned_start),
  check (status <> 'cancelled' or cancel_reason is not null)
);
create index work_orders_kind_status on work_orders (kind, status, id);
create index work_orders_department on work_orders (department_id, status, id);
create index work_orders_asset on work_orders (asset_id, id);
create index work_orders_location on work_orders using gist (location);

create function work_orders_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if not exists (select 1 from work_order_statuses s where s.id = new.status and s.initial) then
      raise exception 'a new work order starts as planned or scheduled, not %', new.status using errcode = 'check_violation';
    end if;
  else
    if new.status is distinct from old.status then
      if not exists (select 1 from work_order_transitions t where t.from_status = old.status and t.to_status = new.status) then
        raise exception 'work order status % -> % is not allowed', old.status, new.status using errcode = 'check_violation';
      end if;
    elsif (select s.terminal from work_order_statuses s where s.id = old.status) then
      -- A verified or cancelled work order is a record: it no longer changes.
      raise exception 'work order % is %, it cannot change', old.id, old.status using errcode = 'check_violation';
    end if;
    new.version := old.version + 1;
    new.updated_at := now();
  end if;
  -- Lifecycle timestamps follow the status so no caller can forget or fake them.
  if new.status = 'in_progress' and new.started_at is null then new.started_at := now(); end if;
  if new.status = 'done' and (tg_op = 'INSERT' or old.status <> 'done') then new.finished_at := now(); end if;
  if new.status = 'verified' and (tg_op = 'INSERT' or old.status <> 'verified') then new.verified_at := now(); end if;
  if new.status = 'cancelled' and (tg_op = 'INSERT' or old.status <> 'cancelled') then new.cancelled_at := now(); end if;
  return new;
end $$;
create trigger work_orders_guard before insert or update on work_orders
  for each row execute function work_orders_guard();

-- The crew: staff users assigned to the work order.
create table work_order_crew (
  work_order_id bigint not null references work_orders (id) on delete cascade,
  user_id bigint not null references users (id),
  primary key (work_order_id, user_id)
);
create index work_order_crew_user on work_order_crew (user_id);

-- The citizen reports a work order answers.
create table work_order_incidents (
  work_order_id bigint not null references work_orders (id) on delete cascade,
  incident_id bigint not null references incidents (id) on delete cascade,
  primary key (work_order_id, incident_id)
);
create index work_order_incidents_incident on work_order_incidents (incident_id);

-- Before/after photos, by the SHA-256 name of the re-encoded file in the attachment store.
create table work_order_photos (
  id bigint generated always as identity primary key,
  work_order_id bigint not null references work_orders (id) on delete cascade,
  phase text not null check (phase in ('before', 'after')),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  caption text check (char_length(caption) <= 300),
  added_by bigint references users (id),
  added_at timestamptz not null default now(),
  unique (work_order_id, sha256)
);
