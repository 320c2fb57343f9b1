-- The audit chain's lock is taken at commit, not at the first audit insert. Until now the insert
-- trigger took the chain lock (0022) and held it to the end of the transaction, so one long
-- transaction that wrote an audit row early (a bulk import, a slow mail render) stalled every
-- other writer of the platform behind it.
--
-- Now an insert into audit_events is parked in audit_events_pending (a row of this transaction,
-- invisible to others) and a deferred constraint trigger moves the parked rows into the chain at
-- commit: lock, number, hash, insert, commit. The lock is held for the flush alone.
--
-- The client IP of an event is personal data with a retention period (RETENTION_DAYS); the chain
-- is forever. New rows keep their IP beside the chain in audit_event_ips (erasable by the
-- retention job without breaking a hash) and hash a null ip. Rows written before this migration
-- keep theirs inside the chain.

create table audit_events_pending (
  id bigint generated always as identity primary key,
  event jsonb not null
);

create table audit_event_ips (
  audit_event_id bigint primary key,
  ip inet not null,
  at timestamptz not null default now()
);
create index audit_event_ips_at on audit_event_ips (at);

create or replace function audit_events_chain() returns trigger language plpgsql as $$
declare
  last_seq bigint;
  last_hash bytea;
begin
  if coalesce(current_setting('audit.flushing', true), '') <> 'on' then
    -- Not the commit-time flush: park the row; the flush chains it.
    insert into audit_events_pending (event) values (to_jsonb(new));
    return null;
  end if;
  -- Re-entrant: the flush already holds it. Taken here too, so that a session that sets
  -- audit.flushing itself still cannot chain two rows at once.
  perform pg_advisory_xact_lock(7311, 22);
  if new.ip is not null then
    insert into audit_event_ips (audit_event_id, ip, at) values (new.id, new.ip, new.at);
    new.ip := null;
  end if;
  select seq, hash into last_seq, last_hash from audit_events order by seq desc limit 1;
  new.seq := coalesce(last_seq, 0) + 1;
  new.prev_hash := coalesce(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
  new.hash := sha256(new.prev_hash || audit_event_payload(new));
  return new;
end $$;

-- Runs at commit (deferred). The first firing moves every parked row of the transaction, in the
-- order they were written; later firings of the same commit find nothing left.
create function audit_events_flush() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(7311, 22);
  perform set_config('audit.flushing', 'on', true);
  with parked as (delete from audit_events_pending returning id, event)
  insert into audit_events overriding system value
  select (jsonb_populate_record(null::audit_events, p.event)).* from parked p order by p.id;
  perform set_config('audit.flushing', '', true);
  return null;
end $$;
create constraint trigger audit_events_pending_flush after insert on audit_events_pending
  deferrable initially deferred for each row execute function audit_events_flush();

revoke all on audit_events_pending, audit_event_ips from public, municipal_app;
grant insert, select, delete on audit_events_pending to municipal_app;
-- The app reads and writes event IPs; only the retention job (also the app) erases them.
grant select, insert, delete on audit_event_ips to municipal_app;
