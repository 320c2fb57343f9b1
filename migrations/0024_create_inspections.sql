-- Playground inspections in the manner of EN 1176-7 §8: a routine visual inspection (daily to
-- weekly depending on use; we take 7 days), an operational inspection (every 1 to 3 months; we
-- take 1 month) and the annual main inspection (12 months). The intervals are rows, so a
-- municipality that inspects busier playgrounds more often changes data, not code.

create table inspection_kinds (
  id text primary key,
  name_el text not null,
  name_en text not null,
  interval interval not null check (interval > interval '0'),
  sort_order int not null
);
insert into inspection_kinds (id, name_el, name_en, interval, sort_order) values
  ('routine_visual', 'Τακτικός οπτικός έλεγχος', 'Routine visual inspection', interval '7 days', 1),
  ('operational', 'Λειτουργικός έλεγχος', 'Operational inspection', interval '1 month', 2),
  ('annual_main', 'Ετήσιος κύριος έλεγχος', 'Annual main inspection', interval '12 months', 3);

create table inspections (
  id bigint generated always as identity primary key,
  -- An inspection record outlives nothing it describes: the asset may not be deleted under it.
  asset_id bigint not null references assets (id) on delete restrict,
  kind text not null references inspection_kinds (id),
  inspected_on date not null,
  inspector_id bigint references users (id),
  department_id text not null references departments (id),
  -- [{ item, ok, note? }], validated by the API.
  checklist jsonb not null default '[]' check (jsonb_typeof(checklist) = 'array'),
  result text not null check (result in ('pass', 'minor_defects', 'major_defects', 'unsafe')),
  notes text not null default '' check (char_length(notes) <= 5000),
  -- Set by the trigger: inspected_on + the kind's interval; an `unsafe` result is due again at
  -- once (the equipment stays out of use until re-inspected after repair).
  next_due date not null,
  -- The repair raised from this inspection, if any.
  work_order_id bigint references work_orders (id) on delete set null,
  created_at timestamptz not null default now()
);
create index inspections_asset on inspections (asset_id, kind, inspected_on desc);
create index inspections_next_due on inspections (next_due);

create function inspections_next_due() returns trigger language plpgsql as $$
begin
  new.next_due := case
    when new.result = 'unsafe' then new.inspected_on
    else (new.inspected_on + (select k.interval from inspection_kinds k where k.id = new.kind))::date
  end;
  return new;
end $$;
create trigger inspections_next_due before insert or update of inspected_on, kind, result on inspections
  for each row execute function inspections_next_due();

-- The latest inspection of each kind per asset: what is due next, and whether it is overdue.
create view inspection_due as
select distinct on (i.asset_id, i.kind)
  i.asset_id, i.kind, i.id as inspection_id, i.inspected_on, i.result, i.next_due, i.department_id
from inspections i
order by i.asset_id, i.kind, i.inspected_on desc, i.id desc;
