-- Field crews (issue 4, part 7): notes on work orders, small photo thumbnails, and the ledger that
-- makes offline replays harmless.
--
-- A phone queues changes while it has no signal and sends them when it comes back. A request can
-- reach the server and its answer get lost, so the phone sends it again: every change carries a
-- client-generated operation id (a UUID), and the change and its ledger row commit together. A
-- second arrival of the same id finds the row and changes nothing. The primary key is the guard,
-- so two concurrent replays cannot both apply (the second waits on the first's uncommitted row).

create table crew_ops (
  client_op_id uuid primary key,
  user_id bigint not null references users (id),
  work_order_id bigint not null references work_orders (id) on delete cascade,
  kind text not null check (kind in ('transition', 'note', 'photo')),
  -- What the first application did (e.g. the status moved to, the note or photo id), for replies to replays.
  result jsonb not null default '{}',
  applied_at timestamptz not null default now()
);
create index crew_ops_work_order on crew_ops (work_order_id, applied_at);

-- Free-text notes by staff on a work order (the crew's "what we found"). Internal: never public.
create table work_order_notes (
  id bigint generated always as identity primary key,
  work_order_id bigint not null references work_orders (id) on delete cascade,
  body text not null check (char_length(btrim(body)) between 1 and 2000),
  added_by bigint references users (id) on delete set null,
  added_at timestamptz not null default now()
);
create index work_order_notes_order on work_order_notes (work_order_id, id);

-- A phone shows the 320 px thumbnail, not the 2048 px image.
alter table work_order_photos add column thumb_sha256 text check (thumb_sha256 ~ '^[0-9a-f]{64}$');
