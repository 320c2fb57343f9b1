-- The timeline of a report (public flag per row), and the public change feed that drives the
-- live map (SSE), resumable by its bigserial id (Last-Event-ID).

create table incident_events (
  id bigserial primary key,
  incident_id bigint not null references incidents (id) on delete cascade,
  kind text not null check (kind in ('created', 'status', 'category', 'note', 'photo', 'moderation')),
  from_status text references incident_statuses (status),
  to_status text references incident_statuses (status),
  -- Public notes are shown on the report page; write them as such.
  note text check (char_length(note) <= 2000),
  public boolean not null default false,
  -- Staff member (or 'citizen' / 'open311'); never shown to the public.
  actor text check (char_length(actor) <= 120),
  created_at timestamptz not null default now()
);
create index incident_events_incident_idx on incident_events (incident_id, id);

create table incident_feed (
  id bigserial primary key,
  incident_id bigint not null references incidents (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index incident_feed_incident_idx on incident_feed (incident_id);

-- Any change a public reader can see lands in the feed and wakes the SSE listeners; the payload
-- is only the feed id, so no data (personal or not) travels through NOTIFY.
create function incidents_feed() returns trigger language plpgsql as $$
declare
  feed_id bigint;
begin
  if tg_op = 'UPDATE' and (old.status, old.category_id, old.public_geom, old.hidden, old.needs_moderation, old.support_count, old.description, old.address)
      is not distinct from (new.status, new.category_id, new.public_geom, new.hidden, new.needs_moderation, new.support_count, new.description, new.address) then
    return null;
  end if;
  insert into incident_feed (incident_id) values (new.id) returning id into feed_id;
  perform pg_notify('incident_feed', feed_id::text);
  return null;
end $$;
create trigger incidents_feed after insert or update on incidents
  for each row execute function incidents_feed();
