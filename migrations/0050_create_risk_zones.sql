-- Risk zones of civil protection: one row per zone (hazard, level, source, validity) and its
-- geometry cut into small pieces (ST_Subdivide) for joins. A point-in-zone test against a large
-- flood polygon with thousands of vertices is slow; against pieces of at most 64 vertices found
-- through a GiST index it is fast (docs/benchmarks.md J1 measures the ratio).

-- The hazards of the municipal emergency plan, as data (a new hazard is a row, not code).
create table risk_hazards (
  id text primary key check (id ~ '^[a-z][a-z_]{1,30}$'),
  name_el text not null,
  name_en text not null,
  -- CAP <category> of alerts drafted for this hazard.
  cap_category text not null check (cap_category in ('Geo', 'Met', 'Safe', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other')),
  sort_order int not null
);
insert into risk_hazards (id, name_el, name_en, cap_category, sort_order) values
  ('flood', 'Πλημμύρα', 'Flood', 'Met', 1),
  ('seismic', 'Σεισμός', 'Earthquake', 'Geo', 2),
  ('landslide', 'Κατολίσθηση', 'Landslide', 'Geo', 3),
  ('wildfire', 'Δασική πυρκαγιά', 'Wildfire', 'Fire', 4),
  ('snow_ice', 'Χιόνι και παγετός', 'Snow and ice', 'Met', 5),
  ('heat', 'Καύσωνας', 'Heatwave', 'Met', 6);

create table risk_zones (
  id bigint generated always as identity primary key,
  hazard text not null references risk_hazards (id),
  level text not null check (level in ('low', 'medium', 'high', 'very_high')),
  name_el text not null check (char_length(name_el) between 1 and 200),
  name_en text not null check (char_length(name_en) between 1 and 200),
  -- Where the zone comes from (a study, a derivation rule, a generator) and its licence.
  source text not null default '' check (char_length(source) <= 500),
  -- True for zones made up for the demo (shown as synthetic in the panel).
  synthetic boolean not null default false,
  valid_from date,
  valid_to date check (valid_to is null or valid_from is null or valid_to >= valid_from),
  -- Stable key of a loader or an import (layer id + feature id), so a reload replaces, not adds.
  external_id text unique check (char_length(external_id) <= 200),
  geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom) and not st_isempty(geom)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index risk_zones_geom_idx on risk_zones using gist (geom);

-- The same geometry in pieces of at most 64 vertices; kept by the trigger below, never written by hand.
create table risk_zone_parts (
  zone_id bigint not null references risk_zones (id) on delete cascade,
  geom geometry(Polygon, 4326) not null
);
create index risk_zone_parts_geom_idx on risk_zone_parts using gist (geom);
create index risk_zone_parts_zone_idx on risk_zone_parts (zone_id);

create function risk_zones_subdivide() returns trigger language plpgsql as $$
begin
  delete from risk_zone_parts where zone_id = new.id;
  insert into risk_zone_parts (zone_id, geom)
  select new.id, (st_dump(st_subdivide(new.geom, 64))).geom;
  return null;
end $$;

create trigger risk_zones_parts_insert after insert on risk_zones
  for each row execute function risk_zones_subdivide();
create trigger risk_zones_parts_update after update of geom on risk_zones
  for each row execute function risk_zones_subdivide();

-- Zones arrive through the ordinary importer (any format and CRS it reads) into a layer of the
-- `risk` group whose features carry `hazard` and `level` properties; this copies them into
-- risk_zones (replacing what the same layer gave before) and returns how many it took.
-- Features without a known hazard or level are skipped, not guessed.
create function risk_zones_from_layer(p_layer_id text, p_synthetic boolean default false) returns int
language plpgsql as $$
declare n int;
begin
  if not exists (select 1 from layers where id = p_layer_id and layer_group = 'risk') then
    raise exception 'layer % is not a risk layer', p_layer_id using errcode = 'check_violation';
  end if;
  delete from risk_zones where external_id like p_layer_id || ':%';
  insert into risk_zones (hazard, level, name_el, name_en, source, synthetic, valid_from, valid_to, external_id, geom)
  select a.properties->>'hazard', a.properties->>'level',
         coalesce(a.name, a.properties->>'name_el', p_layer_id || ' ' || a.id),
         coalesce(a.properties->>'name_en', a.name, p_layer_id || ' ' || a.id),
         l.source, p_synthetic,
         (a.properties->>'valid_from')::date, (a.properties->>'valid_to')::date,
         p_layer_id || ':' || coalesce(a.external_id, a.id::text),
         st_multi(st_collectionextract(st_makevalid(a.geom), 3))
  from assets a join layers l on l.id = a.layer_id
  where a.layer_id = p_layer_id
    and a.properties->>'hazard' in (select id from risk_hazards)
    and a.properties->>'level' in ('low', 'medium', 'high', 'very_high')
    and st_dimension(a.geom) = 2;
  get diagnostics n = row_count;
  return n;
end $$;
