-- Personal data has a lifetime (docs/reliability.md rule 11, Z15). The retention job
-- (workers/src/handlers/retention.ts, daily) anonymises what a closed report no longer needs once
-- it has been closed for RETENTION_DAYS, and erases IPs kept beside sessions, failed logins and
-- audit events after the same period. What it did is recorded as counts, never values.

-- When a report's contact details were erased; such a report keeps its public content.
alter table incidents add column anonymised_at timestamptz;

-- A moderation edit of a report's description used to leave the original (often the very phone
-- number it removed) in the append-only audit log, where it can never be erased. The original is
-- kept here instead, for the moderating staff to look back at, and erased with the report's
-- personal data; the audit row says only that the text was moderated, and by whom.
create table incident_moderated_texts (
  id bigint generated always as identity primary key,
  incident_id bigint not null references incidents (id) on delete cascade,
  original text not null check (char_length(original) <= 2000),
  moderated_by bigint,
  at timestamptz not null default now()
);
create index incident_moderated_texts_incident on incident_moderated_texts (incident_id);

create table retention_runs (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  retention_days int not null check (retention_days > 0),
  -- Rows changed per kind: {"incidents": 3, "subscribers": 2, ...}.
  counts jsonb not null
);
