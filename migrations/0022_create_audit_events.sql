-- Append-only audit log (docs/reliability.md rule 8, Z10): who did what to which object, when
-- (UTC), with the data before and after. Three locks on history:
--   1. municipal_app has INSERT and SELECT only (no UPDATE, DELETE, TRUNCATE);
--   2. triggers raise on UPDATE, DELETE and TRUNCATE, so even the table owner cannot rewrite it
--      without first dropping a trigger (DDL that is itself visible);
--   3. a hash chain: each row stores the previous row's hash, so an edit made behind the
--      triggers' back breaks audit_verify().
-- No foreign keys: an audit row must outlive the user or object it names, and ON DELETE SET NULL
-- would be an UPDATE of history.

create table audit_events (
  id bigint generated always as identity primary key,
  -- Chain order, assigned under a lock in the insert trigger (identity values can commit out of order).
  seq bigint not null unique,
  at timestamptz not null default now(),
  actor_user_id bigint,
  actor_role text,
  action text not null check (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  object_type text not null check (object_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  object_id text check (length(object_id) <= 100),
  before jsonb,
  after jsonb,
  reason text check (length(reason) <= 2000),
  ip inet,
  request_id text check (length(request_id) <= 100),
  prev_hash bytea not null,
  hash bytea not null
);
create index audit_events_object on audit_events (object_type, object_id, seq);
create index audit_events_actor on audit_events (actor_user_id, seq);
create index audit_events_at on audit_events (at);

-- The exact bytes that are hashed. jsonb's text form is canonical (sorted keys, no duplicate keys),
-- timestamps are rendered in UTC with microseconds, so the same row always hashes the same.
create function audit_event_payload(e audit_events) returns bytea language sql immutable as $$
  select convert_to(jsonb_build_array(
    e.seq,
    to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_user_id, e.actor_role, e.action, e.object_type, e.object_id,
    e.before, e.after, e.reason, host(e.ip), e.request_id
  )::text, 'UTF8')
$$;

create function audit_events_chain() returns trigger language plpgsql as $$
declare
  last_seq bigint;
  last_hash bytea;
begin
  -- One writer at a time until commit, so seq order is commit order and each row sees its
  -- predecessor. Audit writes are short; the lock is released at the end of the transaction.
  perform pg_advisory_xact_lock(7311, 22);
  select seq, hash into last_seq, last_hash from audit_events order by seq desc limit 1;
  new.seq := coalesce(last_seq, 0) + 1;
  new.prev_hash := coalesce(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
  new.hash := sha256(new.prev_hash || audit_event_payload(new));
  return new;
end $$;
create trigger audit_events_chain before insert on audit_events
  for each row execute function audit_events_chain();

create function audit_events_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger audit_events_no_update before update or delete on audit_events
  for each row execute function audit_events_immutable();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_events_immutable();

revoke all on audit_events from public;
revoke update, delete, truncate on audit_events from municipal_app;
grant select, insert on audit_events to municipal_app;

-- Walks the chain in seq order; returns the first row whose links or hash do not match (null when
-- the whole chain holds) and how many rows were checked.
create function audit_verify(out first_bad_seq bigint, out checked bigint) language plpgsql stable as $$
declare
  r audit_events;
  expected_prev bytea := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
  expected_seq bigint := 1;
begin
  checked := 0;
  for r in select * from audit_events order by seq loop
    checked := checked + 1;
    if r.seq <> expected_seq or r.prev_hash <> expected_prev or r.hash <> sha256(r.prev_hash || audit_event_payload(r)) then
      first_bad_seq := r.seq;
      return;
    end if;
    expected_prev := r.hash;
    expected_seq := r.seq + 1;
  end loop;
end $$;
