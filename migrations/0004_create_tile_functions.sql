-- Vector tiles from SQL (martin-style: ST_TileEnvelope + ST_AsMVTGeom + ST_AsMVT), the public
-- projection of asset attributes, and a notification the API uses to drop its cached layer versions.
--
-- Size budget (tippecanoe's default cap, docs/benchmarks.md T3): no tile above 500 KB or 50,000
-- features at any zoom. ST_AsMVT costs about 3 us per point and 6.5-7 us per polygon, so features
-- per tile is the lever: a tile with few features is sent as is; a dense one is aggregated (points
-- into a grid with a `count`) or generalised (the largest lines/polygons, simplified, plus grid
-- counts for the rest).

-- Attribute keys that may carry personal data never leave the database through a public surface
-- (tiles, open data). Checked once per key list, never per feature.
create function is_public_attribute_key(k text) returns boolean
language sql immutable parallel safe strict as $$
  select length(k) between 1 and 64
     and k !~* '(e-?mail|phone|mobile|fax|^tel|contact|owner|person|reporter|resident|citizen|surname|first_?name|last_?name|full_?name|address|afm|amka|vat|iban|birth)'
$$;

-- The attribute keys a layer exposes publicly, in name order, at most p_max: the keys of its
-- attribute_schema (either {key: type} or JSON-schema {properties: {...}}) and of a sample of its
-- first 500 features, minus personal-looking keys and the fixed asset columns.
create function layer_attribute_keys(p_layer text, p_max int) returns text[]
language sql stable parallel safe as $$
  select coalesce(array_agg(s.k order by s.k), '{}')
    from (select distinct k.k
            from (select jsonb_object_keys(case when jsonb_typeof(l.attribute_schema -> 'properties') = 'object'
                                                then l.attribute_schema -> 'properties' else l.attribute_schema end) as k
                    from layers l
                   where l.id = p_layer and jsonb_typeof(l.attribute_schema) = 'object'
                  union all
                  select jsonb_object_keys(a.properties)
                    from (select properties from assets where layer_id = p_layer order by id limit 500) a) k
           where is_public_attribute_key(k.k)
             and k.k not in ('id', 'fid', 'external_id', 'name', 'condition', 'criticality', 'install_date', 'count', 'layer', 'geom', 'geometry', 'wkt')
           order by k.k
           limit p_max) s
$$;

-- (Replaced by 0006_create_tile_grid.sql, which adds the low-zoom count grid; kept as first applied.)
-- One MVT tile of one public layer; the MVT layer is named after the layer id. Returns null for an
-- unknown or non-public layer and an empty bytea for an empty tile.
--   raw mode:   at most 8,000 features in the tile: every feature with id, name, condition,
--               criticality and up to 8 small scalar attributes; lines/polygons pre-simplified by one tile unit below z17.
--   dense mode: points -> a 128x128 grid of counts (<= 16,384 features, ~15 B each);
--               lines/polygons -> the largest `lim` features wider than one screen pixel, simplified,
--               plus a 64x64 grid of counts for the rest (<= 4,096 + lim features). `lim` starts at
--               2,000 and is divided by 4 until the tile fits the byte budget.
-- Stable, not immutable: the tables change. Parallel workers are off in this cluster (they made
-- small tile queries ~3x slower on 2 cores, docs/benchmarks.md).
create function mvt_tile(p_layer text, p_z int, p_x int, p_y int) returns bytea
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
begin
  select l.geometry_type into v_type from layers l where l.id = p_layer and l.is_public;
  if v_type is null then
    return null;
  end if;
  v_env := st_tileenvelope(p_z, p_x, p_y);
  v_qenv := st_tileenvelope(p_z, p_x, p_y, margin => 64.0 / 4096);
  v_unit := (st_xmax(v_env) - st_xmin(v_env)) / 4096;
  v_xmin := st_xmin(v_env); v_ymin := st_ymin(v_env); v_ymax := st_ymax(v_env);

  -- Counting stops at raw_max + 1 index entries, so this costs little even on a dense tile.
  select count(*) into v_n
    from (select 1 from assets a where a.layer_id = p_layer and a.geom_3857 && v_qenv limit raw_max + 1) s;

  if v_n <= raw_max then
    -- Up to 8 scalar attributes, each at most 64 bytes, from the layer's public keys. The object is
    -- built from a fixed key list (dynamic SQL, planned once per tile): per-feature jsonb_each with
    -- filters cost ~75 us a feature, this costs ~1 us.
    v_keys := layer_attribute_keys(p_layer, 8);
    select coalesce('jsonb_build_object(' || string_agg(format(
             '%1$L, case when jsonb_typeof(a.properties -> %1$L) in (''string'', ''number'', ''boolean'') '
             'and octet_length(a.properties ->> %1$L) <= 64 then a.properties -> %1$L end', k), ', ') || ')',
           'null::jsonb')
      into v_props
      from unnest(v_keys) k;
    execute format($q$
      select st_asmvt(t, $1, 4096, 'geom', 'fid')
        from (select a.id as fid, a.id, left(a.name, 80) as name, a.condition, a.criticality, %s as props,
                     st_asmvtgeom(case when $5 < 17 and $6 <> 'point' then st_simplify(a.geom_3857, $4, true)
                                       else a.geom_3857 end,
                                  $3, 4096, 64, true) as geom
                from assets a
               where a.layer_id = $1 and a.geom_3857 && $2) t
       where t.geom is not null$q$, v_props)
      into v_tile
      using p_layer, v_qenv, v_env, v_unit, p_z, v_type;
    if coalesce(octet_length(v_tile), 0) <= byte_budget then
      return coalesce(v_tile, ''::bytea);
    end if;
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
      from (select a.id as fid, a.id, left(a.name, 80) as name, a.condition, a.criticality, null::int as count,
                   st_asmvtgeom(st_simplify(a.geom_3857, v_unit * 4, true), v_env, 4096, 64, true) as geom
              from big join assets a on a.id = big.id
            union all
            select null, null, null, null, null, g.n,
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

-- The API caches each layer's version and visibility; this tells it when to drop the entry.
create function layers_notify_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('layer_changed', new.id);
  return null;
end $$;

create trigger layers_notify_change after update on layers
  for each row when (old.version is distinct from new.version or old.is_public is distinct from new.is_public)
  execute function layers_notify_change();

create function layers_notify_delete() returns trigger language plpgsql as $$
begin
  perform pg_notify('layer_changed', old.id);
  return null;
end $$;

create trigger layers_notify_delete after delete on layers
  for each row execute function layers_notify_delete();
