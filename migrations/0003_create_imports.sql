-- Layer imports: one row per uploaded file, idempotent by its SHA-256 per target layer.
create table layer_imports (
  id uuid primary key default gen_random_uuid(),
  layer_id text not null,
  file_name text not null,
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_format text not null check (file_format in ('flatgeobuf', 'geojson')),
  file_path text,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  source_srid int,
  features_total int,
  features_read int not null default 0,
  features_loaded int not null default 0,
  features_rejected int not null default 0,
  -- First rejection reasons: [{ index, reason }], and counts per reason.
  rejections jsonb not null default '[]',
  rejection_counts jsonb not null default '{}',
  error text,
  options jsonb not null default '{}',
  created_by text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (layer_id, file_sha256)
);
