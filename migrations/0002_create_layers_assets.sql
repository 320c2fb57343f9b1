-- The multilayer model: a catalogue of layers (read from gis-data/manifest.json) and one row per
-- mapped thing. Geometry is stored in EPSG:4326; a stored Web Mercator copy feeds the tile path
-- so no tile request reprojects.

create table layers (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  name_el text not null,
  name_en text not null,
  layer_group text not null check (layer_group in ('network', 'building', 'space', 'boundary', 'risk', 'reference')),
  geometry_type text not null check (geometry_type in ('point', 'line', 'polygon')),
  style jsonb not null default '{}',
  is_public boolean not null default true,
  synthetic boolean not null default false,
  source text not null default '',
  licence text not null default '',
  attribution text not null default '',
  attribute_schema jsonb not null default '{}',
  sort_order int not null default 0,
  -- Bumped on every change of the layer's features: tile ETags and caches key on it.
  version bigint not null default 1,
  feature_count int not null default 0,
  extent geometry(Polygon, 4326),
  updated_at timestamptz not null default now()
);

create table assets (
  id bigint generated always as identity primary key,
  layer_id text not null references layers (id) on delete cascade,
  external_id text,
  name text,
  properties jsonb not null default '{}',
  condition text check (condition in ('good', 'fair', 'poor', 'critical', 'unknown')),
  criticality smallint check (criticality between 1 and 5),
  install_date date,
  geom geometry(Geometry, 4326) not null check (st_srid(geom) = 4326 and not st_isempty(geom)),
  geom_3857 geometry(Geometry, 3857) generated always as (st_transform(geom, 3857)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Tiles and bbox queries filter by layer and envelope together.
create index assets_layer_geom_3857 on assets using gist (layer_id, geom_3857);
create index assets_layer_geom on assets using gist (layer_id, geom);
create index assets_geom on assets using gist (geom);
create index assets_layer_id on assets (layer_id, id);
create unique index assets_layer_external_id on assets (layer_id, external_id) where external_id is not null;

-- The municipality and its communities (districts), for statistics and the boundary check.
create table districts (
  id serial primary key,
  code text not null unique,
  level text not null check (level in ('municipality', 'district')),
  name_el text not null,
  name_en text not null,
  population int,
  geom geometry(MultiPolygon, 4326) not null
);
create index districts_geom on districts using gist (geom);

-- Bumps the layer version whenever its features change (statement level: one bump per import).
create function layers_touch() returns trigger language plpgsql as $$
begin
  update layers l set version = l.version + 1, updated_at = now(),
         feature_count = (select count(*) from assets a where a.layer_id = l.id)
   where l.id in (select distinct layer_id from changed_rows);
  return null;
end $$;

create trigger assets_touch_insert after insert on assets
  referencing new table as changed_rows for each statement execute function layers_touch();
create trigger assets_touch_update after update on assets
  referencing new table as changed_rows for each statement execute function layers_touch();
create trigger assets_touch_delete after delete on assets
  referencing old table as changed_rows for each statement execute function layers_touch();
