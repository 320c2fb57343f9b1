-- Import reports: repaired-geometry warnings beside the rejections, and a transform that
-- cannot abort a whole import.

-- Features kept after ST_MakeValid(..., 'method=structure') (docs/reliability.md G5), and the first
-- warnings: [{ index, reason }], with counts per warning code.
alter table layer_imports
  add column features_repaired int not null default 0,
  add column warnings jsonb not null default '[]',
  add column warning_counts jsonb not null default '{}';

create index layer_imports_created_at on layer_imports (created_at desc);
create index layer_imports_layer_finished on layer_imports (layer_id, finished_at desc) where status = 'succeeded';

-- ST_Transform raises for coordinates outside a projection's domain, which would fail the whole
-- statement; the import falls back to this per-row form (a subtransaction per call, so only
-- after the fast set-based statement failed) and rejects the rows it returns null for.
create function import_try_transform(g geometry, srid int) returns geometry
language plpgsql stable parallel safe as $$
begin
  return st_transform(g, srid);
exception when others then
  return null;
end $$;
