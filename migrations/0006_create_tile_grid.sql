-- A precomputed count grid per layer, so low-zoom tiles of dense layers do not touch every
-- feature: at 2 M points a z10 tile aggregated on the fly read all 2 M rows (seconds); from the
-- grid it sums at most a few thousand cells. Kept exact by statement-level triggers with
-- transition tables (one grouped upsert per statement, so a 1 M-feature import pays one pass).
-- mvt_tile() is replaced to use it for dense point tiles up to z13; z14+ still aggregates on the fly.

-- Cells of a 2^level x 2^level grid over the Web Mercator square, rows counted from the north
-- (XYZ tile order), so the cells of tile z/x/y at level L are x*2^(L-z) .. (x+1)*2^(L-z)-1.
-- Levels 14, 16, 18, 20 and 21 serve tiles z<=7, z8-9, z10-11, z12-13 and z14 (each >= 7 levels
-- finer, i.e. at least as fine as the 128x128 output grid). Rows: at most one per occupied cell;
-- 2 M points over a 10 km city make ~90 k cells at level 20 and ~300 k at level 21.
create table asset_grid (
  layer_id text not null references layers (id) on delete cascade,
  level smallint not null check (level in (14, 16, 18, 20, 21)),
  cx int not null,
  cy int not null,
  -- features whose bbox centre lies in the cell (zero rows stay until the cell refills)
  n int not null,
  -- sums of those centres (EPSG:3857): the cell's point is drawn at their mean
  sx float8 not null,
  sy float8 not null,
  primary key (layer_id, level, cx, cy)
);

-- One trigger function for the three statement triggers: removed rows (grid_old) are subtracted,
-- added rows (grid_new) added. The finest level (21) is grouped from the rows, coarser levels from
-- those groups (a cell at level L is the level-21 cell >> (21 - L)).
create function assets_grid_maintain() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    insert into asset_grid as g (layer_id, level, cx, cy, n, sx, sy)
    select f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level), -sum(f.n), -sum(f.sx), -sum(f.sy)
      from (select c.layer_id, c.cx, c.cy, count(*)::int as n, sum(c.mx) as sx, sum(c.my) as sy
              from (select o.layer_id, m.mx, m.my,
                           least(greatest(floor((m.mx + 20037508.342789244) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cx,
                           least(greatest(floor((20037508.342789244 - m.my) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cy
                      from grid_old o
                      cross join lateral (select (st_xmin(o.geom_3857) + st_xmax(o.geom_3857)) / 2 as mx,
                                                 (st_ymin(o.geom_3857) + st_ymax(o.geom_3857)) / 2 as my) m
                     -- a layer deleted with its assets (on delete cascade) took its grid with it
                     where exists (select 1 from layers x where x.id = o.layer_id)) c
             group by c.layer_id, c.cx, c.cy) f
      cross join (values (14), (16), (18), (20), (21)) l(level)
     group by f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level)
    on conflict (layer_id, level, cx, cy) do update
      set n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into asset_grid as g (layer_id, level, cx, cy, n, sx, sy)
    select f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level), sum(f.n), sum(f.sx), sum(f.sy)
      from (select c.layer_id, c.cx, c.cy, count(*)::int as n, sum(c.mx) as sx, sum(c.my) as sy
              from (select w.layer_id, m.mx, m.my,
                           least(greatest(floor((m.mx + 20037508.342789244) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cx,
                           least(greatest(floor((20037508.342789244 - m.my) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cy
                      from grid_new w
                      cross join lateral (select (st_xmin(w.geom_3857) + st_xmax(w.geom_3857)) / 2 as mx,
                                                 (st_ymin(w.geom_3857) + st_ymax(w.geom_3857)) / 2 as my) m) c
             group by c.layer_id, c.cx, c.cy) f
      cross join (values (14), (16), (18), (20), (21)) l(level)
     group by f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level)
    on conflict (layer_id, level, cx, cy) do update
      set n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;
  end if;
  return null;
end $$;

create trigger assets_grid_insert after insert on assets
  referencing new table as grid_new for each statement execute function assets_grid_maintain();
create trigger assets_grid_update after update on assets
  referencing old table as grid_old new table as grid_new for each statement execute function assets_grid_maintain();
create trigger assets_grid_delete after delete on assets
  referencing old table as grid_old for each statement execute function assets_grid_maintain();

-- Existing features (a database migrated after data was loaded).
insert into asset_grid (layer_id, level, cx, cy, n, sx, sy)
select f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level), sum(f.n), sum(f.sx), sum(f.sy)
  from (select c.layer_id, c.cx, c.cy, count(*)::int as n, sum(c.mx) as sx, sum(c.my) as sy
          from (select a.layer_id, m.mx, m.my,
                       least(greatest(floor((m.mx + 20037508.342789244) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cx,
                       least(greatest(floor((20037508.342789244 - m.my) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cy
                  from assets a
                  cross join lateral (select (st_xmin(a.geom_3857) + st_xmax(a.geom_3857)) / 2 as mx,
                                             (st_ymin(a.geom_3857) + st_ymax(a.geom_3857)) / 2 as my) m) c
         group by c.layer_id, c.cx, c.cy) f
  cross join (values (14), (16), (18), (20), (21)) l(level)
 group by f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level);

-- Same contract as in 0004_create_tile_functions.sql, with three changes: dense point tiles up to z14 read
-- asset_grid; a sparse tile is counted and built in one pass over the index (the separate count
-- cost a second index scan on every tile); the asset id travels only as the MVT feature id
-- (MapLibre's feature.id, GDAL's mvt_id), not also as an `id` attribute (~8 bytes a feature). p_keys: the layer's public attribute keys, which
-- the API caches per layer version (null: computed here from a sample, ~1 ms a tile).
drop function mvt_tile(text, int, int, int);
create function mvt_tile(p_layer text, p_z int, p_x int, p_y int, p_keys text[] default null) returns bytea
language plpgsql stable parallel safe as $$
declare
  raw_max constant int := 8000;
  byte_budget constant int := 480000;          -- under 500 KB with room to spare
  v_type text;
  v_env geometry;                               -- the tile, EPSG:3857
  v_qenv geometry;                              -- the tile plus the 64-unit clip buffer
  v_unit float8;                                -- one MVT extent unit in metres
  v_xmin float8; v_ymin float8; v_ymax float8;
  v_n int;
  v_tile bytea;
  v_lim int := 2000;
  v_keys text[];
  v_props text;
  v_level int;                                  -- asset_grid level used at low zoom
  v_span int;                                   -- grid cells per tile side at v_level
  v_shift int;                                  -- level steps from v_level to the output grid
begin
  select l.geometry_type into v_type from layers l where l.id = p_layer and l.is_public;
  if v_type is null then
    return null;
  end if;
  v_env := st_tileenvelope(p_z, p_x, p_y);
  v_qenv := st_tileenvelope(p_z, p_x, p_y, margin => 64.0 / 4096);
  v_unit := (st_xmax(v_env) - st_xmin(v_env)) / 4096;
  v_xmin := st_xmin(v_env); v_ymin := st_ymin(v_env); v_ymax := st_ymax(v_env);

  -- Up to 8 scalar attributes, each at most 64 bytes, from the layer's public keys. The object is
  -- built from a fixed key list (dynamic SQL, planned once per tile): per-feature jsonb_each with
  -- filters cost ~75 us a feature, this costs ~1 us.
  v_keys := coalesce(p_keys, layer_attribute_keys(p_layer, 8));
  select coalesce('jsonb_build_object(' || string_agg(format(
           '%1$L, case when jsonb_typeof(a.properties -> %1$L) in (''string'', ''number'', ''boolean'') '
           'and octet_length(a.properties ->> %1$L) <= 64 then a.properties -> %1$L end', k), ', ') || ')',
         'null::jsonb')
    into v_props
    from unnest(v_keys) k;
  -- A point tile up to z14 whose grid count (level 14 cells nest in any tile up to z14) is over
  -- raw_max is dense for sure: skip the raw attempt.
  if v_type = 'point' and p_z <= 14 then
    select coalesce(sum(g.n), 0) into v_n
      from asset_grid g
     where g.layer_id = p_layer and g.level = 14
       and g.cx >= p_x << (14 - p_z) and g.cx < (p_x + 1) << (14 - p_z)
       and g.cy >= p_y << (14 - p_z) and g.cy < (p_y + 1) << (14 - p_z);
  end if;
  -- Raw mode: read at most raw_max + 1 features; more than raw_max means dense, and the work is
  -- thrown away (bounded: ~raw_max features of MVT encoding).
  if coalesce(v_n, 0) <= raw_max then
    execute format($q$
      select count(*)::int, st_asmvt(t, $1, 4096, 'geom', 'fid') filter (where t.geom is not null)
        from (select a.id as fid, left(a.name, 80) as name, a.condition, a.criticality, %s as props,
                     st_asmvtgeom(case when $5 < 17 and $6 <> 'point' then st_simplify(a.geom_3857, $4, true)
                                       else a.geom_3857 end,
                                  $3, 4096, 64, true) as geom
                from assets a
               where a.layer_id = $1 and a.geom_3857 && $2
               limit $7) t$q$, v_props)
      into v_n, v_tile
      using p_layer, v_qenv, v_env, v_unit, p_z, v_type, raw_max + 1;
    if v_n <= raw_max and coalesce(octet_length(v_tile), 0) <= byte_budget then
      return coalesce(v_tile, ''::bytea);
    end if;
  end if;

  if v_type = 'point' and p_z <= 14 then
    -- Low zoom: sum the precomputed grid (asset_grid) instead of touching every point. The level is
    -- the coarsest one at least 7 levels below the tile, i.e. finer than the 128x128 output grid.
    v_level := case when p_z <= 7 then 14 when p_z <= 9 then 16 when p_z <= 11 then 18 when p_z <= 13 then 20 else 21 end;
    v_span := 1 << (v_level - p_z);
    v_shift := v_level - p_z - 7;
    select st_asmvt(t, p_layer, 4096, 'geom') into v_tile
      from (select s.n as count,
                   st_point(round((s.sx / s.n - v_xmin) / v_unit), round((v_ymax - s.sy / s.n) / v_unit)) as geom
              from (select sum(g.n)::int as n, sum(g.sx) as sx, sum(g.sy) as sy
                      from asset_grid g
                     where g.layer_id = p_layer and g.level = v_level
                       and g.cx >= p_x * v_span and g.cx < (p_x + 1) * v_span
                       and g.cy >= p_y * v_span and g.cy < (p_y + 1) * v_span
                     group by g.cx >> v_shift, g.cy >> v_shift) s
             where s.n > 0) t;
    return coalesce(v_tile, ''::bytea);
  end if;

  if v_type = 'point' then
    -- Grid cells of 32x32 units; the point sits at its members' mean, so the grid does not show.
    -- Only the unbuffered tile counts, so no point is counted in two tiles.
    select st_asmvt(t, p_layer, 4096, 'geom') into v_tile
      from (select g.n as count,
                   st_point(round((g.ax - v_xmin) / v_unit), round((v_ymax - g.ay) / v_unit)) as geom
              from (select count(*)::int as n, avg(c.cx) as ax, avg(c.cy) as ay
                      from (select (st_xmin(a.geom_3857) + st_xmax(a.geom_3857)) / 2 as cx,
                                   (st_ymin(a.geom_3857) + st_ymax(a.geom_3857)) / 2 as cy
                              from assets a
                             where a.layer_id = p_layer and a.geom_3857 && v_env) c
                     group by least(floor((c.cx - v_xmin) / (v_unit * 32)), 127),
                              least(floor((c.cy - v_ymin) / (v_unit * 32)), 127)) g) t;
    return coalesce(v_tile, ''::bytea);
  end if;

  loop
    with c as materialized (
      select a.id,
             greatest(st_xmax(a.geom_3857) - st_xmin(a.geom_3857), st_ymax(a.geom_3857) - st_ymin(a.geom_3857)) as size,
             (st_xmin(a.geom_3857) + st_xmax(a.geom_3857)) / 2 as cx,
             (st_ymin(a.geom_3857) + st_ymax(a.geom_3857)) / 2 as cy
        from assets a
       where a.layer_id = p_layer and a.geom_3857 && v_qenv
    ), big as (
      -- Wider than one 256-px screen pixel (16 units), largest first: top-N sort, bounded memory.
      select c.id from c where c.size >= v_unit * 16 order by c.size desc, c.id limit v_lim
    )
    select st_asmvt(t, p_layer, 4096, 'geom', 'fid') into v_tile
      from (select a.id as fid, left(a.name, 80) as name, a.condition, a.criticality, null::int as count,
                   st_asmvtgeom(st_simplify(a.geom_3857, v_unit * 4, true), v_env, 4096, 64, true) as geom
              from big join assets a on a.id = big.id
            union all
            select null, null, null, null, g.n,
                   st_point(round((g.ax - v_xmin) / v_unit), round((v_ymax - g.ay) / v_unit))
              from (select count(*)::int as n, avg(c.cx) as ax, avg(c.cy) as ay
                      from c
                     where c.id not in (select big.id from big)
                       and c.cx >= v_xmin and c.cx < v_xmin + v_unit * 4096
                       and c.cy >= v_ymin and c.cy < v_ymax
                     group by least(floor((c.cx - v_xmin) / (v_unit * 64)), 63),
                              least(floor((c.cy - v_ymin) / (v_unit * 64)), 63)) g) t
     where t.geom is not null;
    exit when coalesce(octet_length(v_tile), 0) <= byte_budget or v_lim = 0;
    v_lim := v_lim / 4;
  end loop;
  return coalesce(v_tile, ''::bytea);
end $$;
