-- Layer import at bulk-load speed. Until now an import inserted its rows into the one shared
-- `assets` table, maintaining two GiST indexes, the name trigram index and the tile grid row by
-- row (1 M points next to 3 M rows: ~10x the time of ogr2ogr loading a fresh table). `assets`
-- becomes a table partitioned by id range:
--   * assets_base holds the ids below 2^40: every row loaded before, and every ordinary insert
--     (the demo, the generators, single assets), numbered by assets_id_seq as before;
--   * each import fills a segment of its own (assets_seg_<n>, ids 2^40 + (n-1) * 2^32 onwards)
--     inside its swap transaction, builds the segment's indexes and its tile-grid rows set-based
--     after the load, and attaches it (SHARE UPDATE EXCLUSIVE on assets: readers never wait) in
--     the transaction that also removes the layer's old rows. Until that commit nothing of the
--     segment is visible; on failure it vanishes with the transaction.
-- The id stays the primary key of `assets`, so every foreign key to it (incidents, work orders,
-- inspections, the network tables) keeps its meaning unchanged, and assets matched by external
-- id keep their id (they are updated in place where they live). Partitioning by layer would have
-- needed (layer_id, id) keys in every referencing table.
-- Uniqueness of (layer_id, external_id) is kept per partition by an index on each one (a
-- partitioned unique index must contain the partition key); the import, the only writer of
-- external ids across partitions, matches on them before it adds rows.
-- Index maintenance of the base partition is what ordinary inserts pay, as before.

alter table assets rename to assets_base;
-- The base partition keeps its indexes and their names; only the primary key's name passes to
-- the partitioned table.
alter index assets_pkey rename to assets_base_pkey;

drop trigger assets_touch_insert on assets_base;
drop trigger assets_touch_update on assets_base;
drop trigger assets_touch_delete on assets_base;
drop trigger assets_grid_insert on assets_base;
drop trigger assets_grid_update on assets_base;
drop trigger assets_grid_delete on assets_base;
drop trigger assets_networks_stale_insert on assets_base;
drop trigger assets_networks_stale_update on assets_base;
drop trigger assets_networks_stale_delete on assets_base;

-- The identity's sequence goes with the identity; a plain sequence continues its numbering.
do $$
declare
  v_next bigint := (select coalesce(max(id), 0) + 1 from assets_base);
begin
  alter table assets_base alter column id drop identity;
  execute format('create sequence assets_id_seq as bigint maxvalue 1099511627775 start %s', v_next);
end $$;

create table assets (
  id bigint not null default nextval('assets_id_seq'),
  layer_id text not null constraint assets_layer_id_fkey references layers (id) on delete cascade,
  external_id text,
  name text,
  properties jsonb not null default '{}',
  condition text constraint assets_condition_check check (condition in ('good', 'fair', 'poor', 'critical', 'unknown')),
  criticality smallint constraint assets_criticality_check check (criticality between 1 and 5),
  install_date date,
  geom geometry(Geometry, 4326) not null constraint assets_geom_check check (st_srid(geom) = 4326 and not st_isempty(geom)),
  geom_3857 geometry(Geometry, 3857) generated always as (st_transform(geom, 3857)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id)
) partition by range (id);
alter sequence assets_id_seq owned by assets.id;

alter table assets_base add constraint assets_base_range check (id < 1099511627776);
alter table assets attach partition assets_base for values from (minvalue) to (1099511627776);

-- No partitioned index but the primary key: each partition carries the indexes that suit it.
-- assets_base (many layers) keeps (layer_id, geom_3857), (geom), (layer_id, id), the external id
-- and the name search index; a segment holds one layer (a check constraint says which, so the
-- planner leaves out the segments of other layers) and gets plain (geom_3857) and (geom) GiST
-- indexes, which PostGIS builds sorted: ~5x faster than the (layer_id, geom_3857) composite,
-- whose btree_gist text key has no sorted build.

create trigger assets_touch_insert after insert on assets
  referencing new table as changed_rows for each statement execute function layers_touch();
create trigger assets_touch_update after update on assets
  referencing new table as changed_rows for each statement execute function layers_touch();
create trigger assets_touch_delete after delete on assets
  referencing old table as changed_rows for each statement execute function layers_touch();
create trigger assets_grid_insert after insert on assets
  referencing new table as grid_new for each statement execute function assets_grid_maintain();
create trigger assets_grid_update after update on assets
  referencing old table as grid_old new table as grid_new for each statement execute function assets_grid_maintain();
create trigger assets_grid_delete after delete on assets
  referencing old table as grid_old for each statement execute function assets_grid_maintain();
create trigger assets_networks_stale_insert after insert on assets
  referencing new table as changed_rows for each statement execute function networks_mark_stale();
create trigger assets_networks_stale_update after update on assets
  referencing new table as changed_rows for each statement execute function networks_mark_stale();
create trigger assets_networks_stale_delete after delete on assets
  referencing old table as changed_rows for each statement execute function networks_mark_stale();

-- Foreign keys follow the table they were created on: re-point them at the partitioned table.
do $$
declare
  r record;
begin
  for r in
    select c.conname, c.conrelid::regclass as tbl, pg_get_constraintdef(c.oid) as def
      from pg_constraint c
     where c.contype = 'f' and c.confrelid = 'assets_base'::regclass and c.conrelid <> 'assets_base'::regclass
  loop
    execute format('alter table %s drop constraint %I', r.tbl, r.conname);
    execute format('alter table %s add constraint %I %s', r.tbl, r.conname, replace(r.def, 'REFERENCES assets_base(', 'REFERENCES assets('));
  end loop;
end $$;

-- Views too (public_work_orders): recreated on the partitioned table with the same text.
do $$
declare
  r record;
begin
  for r in
    select distinct v.oid::regclass as view, pg_get_viewdef(v.oid) as def
      from pg_depend d
      join pg_rewrite w on w.oid = d.objid
      join pg_class v on v.oid = w.ev_class
     where d.classid = 'pg_rewrite'::regclass and d.refobjid = 'assets_base'::regclass and v.relkind = 'v'
  loop
    execute format('create or replace view %s as %s', r.view, regexp_replace(r.def, '\massets_base\M', 'assets', 'g'));
  end loop;
end $$;

grant select, insert, update, delete on assets to municipal_app;
grant usage, select on sequence assets_id_seq to municipal_app;

-- Import segments: numbered blocks of 2^32 ids above the base partition.
create sequence asset_segment_seq as bigint;

/*
 * A new, empty segment table of one layer, shaped like assets, with the check constraints that
 * let the attach skip its validation scan and the planner skip it for other layers. Owned by the
 * migration role (the app role may not create tables or attach partitions); the app fills it.
 * Run inside the import's transaction.
 */
create function assets_segment_create(p_layer text, out segment text, out first_id bigint)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  k bigint := nextval('asset_segment_seq');
begin
  segment := 'assets_seg_' || k;
  first_id := 1099511627776 + (k - 1) * 4294967296;
  execute format('create table %I (like assets including defaults including generated including constraints)', segment);
  execute format('alter table %I add constraint %I check (id >= %s and id < %s)', segment, segment || '_range', first_id, first_id + 4294967296);
  execute format('alter table %I add constraint %I check (layer_id = %L)', segment, segment || '_layer', p_layer);
  execute format('grant select, insert, update, delete on %I to municipal_app', segment);
end $$;

/*
 * Seals a filled segment and makes it part of assets: the indexes of assets built in bulk, the
 * layer foreign key validated in one pass, the attach, and what the statement triggers of assets
 * would have done for its rows (tile grid, layer version and count, stale networks).
 */
create function assets_segment_attach(p_segment text, p_first bigint) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_layers text[];
  v_empty boolean;
begin
  if p_segment !~ '^assets_seg_[0-9]+$' then
    raise exception 'not an asset segment: %', p_segment;
  end if;
  -- Every feature matched an existing one (or none was new): nothing to attach.
  execute format('select not exists (select 1 from %I)', p_segment) into v_empty;
  if v_empty then
    execute format('drop table %I', p_segment);
    return;
  end if;
  execute format('alter table %I add primary key (id)', p_segment);
  execute format('create index on %I using gist (geom_3857)', p_segment);
  execute format('create index on %I using gist (geom)', p_segment);
  execute format('create unique index on %I (layer_id, external_id) where external_id is not null', p_segment);
  execute format('create index on %I using gin (search_key(name) gin_trgm_ops) where name is not null', p_segment);
  execute format('alter table %I add constraint %I foreign key (layer_id) references layers (id) on delete cascade', p_segment, p_segment || '_layer_id_fkey');
  execute format('alter table assets attach partition %I for values from (%s) to (%s)', p_segment, p_first, p_first + 4294967296);

  execute format('select array_agg(distinct layer_id) from %I', p_segment) into v_layers;
  execute format($q$
    insert into asset_grid as g (layer_id, level, cx, cy, n, sx, sy)
    select f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level), sum(f.n), sum(f.sx), sum(f.sy)
      from (select c.layer_id, c.cx, c.cy, count(*)::int as n, sum(c.mx) as sx, sum(c.my) as sy
              from (select w.layer_id, m.mx, m.my,
                           least(greatest(floor((m.mx + 20037508.342789244) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cx,
                           least(greatest(floor((20037508.342789244 - m.my) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cy
                      from %I w
                      cross join lateral (select (st_xmin(w.geom_3857) + st_xmax(w.geom_3857)) / 2 as mx,
                                                 (st_ymin(w.geom_3857) + st_ymax(w.geom_3857)) / 2 as my) m) c
             group by c.layer_id, c.cx, c.cy) f
      cross join (values (14), (16), (18), (20), (21)) l(level)
     group by f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level)
    on conflict (layer_id, level, cx, cy) do update
      set n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy$q$, p_segment);

  update layers l set version = l.version + 1, updated_at = now(),
         feature_count = (select count(*) from assets a where a.layer_id = l.id)
   where l.id = any(v_layers);
  update networks n set stale = true
   where not n.stale
     and (n.line_layers && v_layers or n.building_layers && v_layers
          or exists (select 1 from network_point_layers pl where pl.network_id = n.id and pl.layer_id = any(v_layers)));
end $$;

/*
 * Drops segments an import emptied (the layer's next import replaced their rows). Best effort
 * after the swap: dropping a partition takes an exclusive lock on assets, so it gives up at once
 * rather than queue readers behind a long query; the next import tries again.
 */
create function assets_segments_prune() returns int
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  r record;
  v_empty boolean;
  v_dropped int := 0;
begin
  for r in
    select c.relname
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'assets'::regclass and c.relname ~ '^assets_seg_[0-9]+$'
  loop
    execute format('select not exists (select 1 from %I)', r.relname) into v_empty;
    if v_empty then
      begin
        set local lock_timeout = '200ms';
        -- Detached first: a partition of a referenced table cannot be dropped while attached.
        execute format('alter table assets detach partition %I', r.relname);
        execute format('drop table %I', r.relname);
        v_dropped := v_dropped + 1;
      exception when lock_not_available then
        null;
      end;
    end if;
  end loop;
  return v_dropped;
end $$;

revoke execute on function assets_segment_create(text), assets_segment_attach(text, bigint), assets_segments_prune() from public;
grant execute on function assets_segment_create(text), assets_segment_attach(text, bigint), assets_segments_prune() to municipal_app;
