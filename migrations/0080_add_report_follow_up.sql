-- Closing the loop between a work order and the citizen reports it answers: when the crew starts
-- the work the reports move to in_progress, when it finishes they are resolved with the crew's
-- note as the public update, unless the category requires a check by the desk first (a repaired
-- playground or school is inspected before the citizen is told it is safe). Those reports are
-- marked ready to close and resolved when the work order is verified or by the desk directly.

alter table categories add column requires_check boolean not null default false;
update categories set requires_check = true where id in ('playground_damage', 'school_building');

-- Set when the work order answering the report is done and the category requires a check;
-- cleared by the trigger below as soon as the report leaves the open statuses.
alter table incidents add column ready_to_close_at timestamptz;
alter table incidents add column ready_to_close_work_order bigint references work_orders (id) on delete set null;
create index incidents_ready_to_close_idx on incidents (department_id, ready_to_close_at) where ready_to_close_at is not null;

create function incidents_ready_to_close_clear() returns trigger language plpgsql as $$
begin
  if new.ready_to_close_at is not null and not (select s.open from incident_statuses s where s.status = new.status) then
    new.ready_to_close_at := null;
    new.ready_to_close_work_order := null;
  end if;
  return new;
end $$;
create trigger incidents_ready_to_close_clear before update of status, ready_to_close_at on incidents
  for each row execute function incidents_ready_to_close_clear();

-- What the crew said was done, for the citizen: kept on the work order so that a verification
-- later resolves the checked reports with the same words.
alter table work_orders add column completion_note text check (char_length(completion_note) <= 2000);
