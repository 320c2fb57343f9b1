-- Outages: a trace kept as a record. An unplanned outage comes from a citizen report (the root
-- cause other reports inside it are grouped under) and its work order; a planned interruption
-- from an engineer's pick of a pipe and a date. The public sees the area, the times and a note
-- through public_network_outages, never who reported it or which buildings are behind it.

-- Which network a category's reports trace on (null: not a network fault).
alter table categories add column network_id text references networks (id) on delete set null;
update categories set network_id = 'water' where id = 'water_leak';
update categories set network_id = 'sewer' where id = 'sewer_blockage';
update categories set network_id = 'storm' where id = 'storm_drain';

insert into categories (id, service_code, name_el, name_en, group_el, group_en, keywords, department_id, snap_layers, snap_radius_m, sla_hours, extra_questions, sensitive, sort_order, duplicate_radius_m, network_id) values
  ('no_water', 'PIR-016', 'Διακοπή υδροδότησης', 'No water', 'Δίκτυα', 'Networks', '{νερό,διακοπή,βρύση,water,outage,tap}', 'water', '{water_pipes}', 100, 12, '[]', false, 45, 150, 'water');

create table network_outages (
  id bigint generated always as identity primary key,
  network_id text not null references networks (id),
  kind text not null check (kind in ('unplanned', 'planned')),
  trace text not null check (trace in ('isolation', 'supply', 'upstream', 'downstream')),
  status text not null check (status in ('active', 'scheduled', 'restored', 'cancelled')),
  -- Edge ids change on a rebuild; the pipe asset and the point stay meaningful.
  edge_id bigint,
  asset_id bigint references assets (id) on delete set null,
  incident_id bigint references incidents (id) on delete set null,
  work_order_id bigint references work_orders (id) on delete set null,
  -- The trace as it was: [{ role, element, id, asset_id, detail }] rows of the trace function.
  result jsonb not null check (jsonb_typeof(result) = 'array'),
  -- Counts for lists and the public notice.
  valves_to_close int not null default 0,
  pipes_affected int not null default 0,
  connections_affected int not null default 0,
  buildings_affected int not null default 0,
  -- Schools, kindergartens and municipal buildings cut off: [{ asset_id, layer_id, name }].
  facilities jsonb not null default '[]' check (jsonb_typeof(facilities) = 'array'),
  area geometry(MultiPolygon, 4326),
  starts_at timestamptz not null default now(),
  restoration_eta timestamptz,
  restored_at timestamptz,
  -- Shown to the public as written: staff are told in the form not to put names in it.
  public_note text check (char_length(public_note) <= 500),
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (restoration_eta is null or restoration_eta >= starts_at)
);
create index network_outages_open on network_outages (status) where status in ('active', 'scheduled');
create index network_outages_incident on network_outages (incident_id);
create index network_outages_area on network_outages using gist (area);

-- The public outage map: open outages only, no incident, work order, building or person.
create view public_network_outages as
select o.id, o.network_id, n.name_el as network_name_el, n.name_en as network_name_en, o.kind, o.status,
       o.starts_at, o.restoration_eta, o.public_note, o.connections_affected, o.area
from network_outages o
join networks n on n.id = o.network_id
where o.status in ('active', 'scheduled') and o.area is not null;

grant select, insert, update, delete on network_outages to municipal_app;
grant select on public_network_outages to municipal_app;
