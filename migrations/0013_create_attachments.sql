-- Photos of a report. The upload is kept in a private incoming folder until the photo-process
-- worker re-encodes it; only the derivative (and its thumbnail), named by the SHA-256 of their
-- own bytes, are ever served.
create table attachments (
  id bigint generated always as identity primary key,
  incident_id bigint not null references incidents (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'ready', 'rejected')),
  -- SHA-256 of the uploaded bytes: the same photo twice on one report is one attachment.
  original_sha256 text not null check (original_sha256 ~ '^[0-9a-f]{64}$'),
  original_bytes int not null check (original_bytes > 0),
  original_format text not null check (original_format in ('jpeg', 'png', 'webp')),
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  thumb_sha256 text check (thumb_sha256 ~ '^[0-9a-f]{64}$'),
  width int,
  height int,
  bytes int,
  error text,
  created_at timestamptz not null default now(),
  processed_at timestamptz,
  unique (incident_id, original_sha256),
  check (status <> 'ready' or (sha256 is not null and thumb_sha256 is not null))
);
create index attachments_incident_idx on attachments (incident_id, id);
create index attachments_sha256_idx on attachments (sha256);
create index attachments_thumb_sha256_idx on attachments (thumb_sha256);
