-- mvt_tile() as in 0121_replace_tile_function_grid_precheck.sql, with one change: a sparse tile
-- (at most 256 feature centres in the count grid) is read by a static statement, planned once per
-- session, instead of the dynamic one planned on every call. Same rows, same attributes.

create or replace function mvt_tile(p_layer text, p_z int, p_x int, p_y int, p_keys text[] default null) returns bytea
language plpgsql stable parallel safe as $$
declare
  raw_max constant int := 8000;
  sparse_max constant int := 256;               -- grid centres up to which the static raw read is used
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
  -- A tile whose grid count is over raw_max is dense for sure: skip the raw attempt, which would
  -- read and encode raw_max + 1 features only to throw them away. Every geometry type is in the
  -- grid (by bbox centre); the level is the coarsest one whose cells nest in the tile. The count
  -- is of centres inside the tile, never more than the features the raw attempt would read.
  if p_z <= 21 then
    v_level := case when p_z <= 14 then 14 when p_z <= 16 then 16 when p_z <= 18 then 18 when p_z <= 20 then 20 else 21 end;
    select coalesce(sum(g.n), 0) into v_n
      from asset_grid g
     where g.layer_id = p_layer and g.level = v_level
       and g.cx >= p_x << (v_level - p_z) and g.cx < (p_x + 1) << (v_level - p_z)
       and g.cy >= p_y << (v_level - p_z) and g.cy < (p_y + 1) << (v_level - p_z);
  end if;
  -- Sparse tile (few centres in the grid): the same raw read as below, as a static statement whose
  -- plan plpgsql keeps for the session. The dynamic statement below is parsed and planned on every
  -- call, which on a tile of a few dozen features cost several times the features themselves
  -- (bench T2 z16 at smoke size: 4.8x Martin's prepared template). Here the attribute subset is a
  -- per-feature subquery over the key list, dearer per feature than the inlined object, so only
  -- tiles of at most sparse_max centres take this path.
  if p_z <= 21 and v_n <= sparse_max then
    select count(*)::int, st_asmvt(t, p_layer, 4096, 'geom', 'fid') filter (where t.geom is not null)
      into v_n, v_tile
      from (select a.id as fid, left(a.name, 80) as name, a.condition, a.criticality,
                   (select jsonb_object_agg(k, a.properties -> k)
                      from unnest(v_keys) k
                     where jsonb_typeof(a.properties -> k) in ('string', 'number', 'boolean')
                       and octet_length(a.properties ->> k) <= 64) as props,
                   st_asmvtgeom(case when p_z < 17 and v_type <> 'point' then st_simplify(a.geom_3857, v_unit, true)
                                     else a.geom_3857 end,
                                v_env, 4096, 64, true) as geom
              from assets a
             where a.layer_id = p_layer and a.geom_3857 && v_qenv
             limit raw_max + 1) t;
    if v_n <= raw_max and coalesce(octet_length(v_tile), 0) <= byte_budget then
      return coalesce(v_tile, ''::bytea);
    end if;
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
