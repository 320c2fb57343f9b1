-- What a risk zone or a drawn area exposes: one function per question. Each takes a zone id
-- (its subdivided pieces are used) or, with a null zone, an area that is subdivided on the fly,
-- so every join runs against small GiST-indexed pieces (docs/benchmarks.md J1).
-- Subscriber identities never leave the database on this path: only a count does.

create function exposure_parts(p_zone_id bigint, p_area geometry) returns table (geom geometry)
language sql stable parallel safe as $$
  select p.geom from risk_zone_parts p where p_zone_id is not null and p.zone_id = p_zone_id
  union all
  select (st_dump(st_subdivide(st_makevalid(p_area), 64))).geom where p_zone_id is null and p_area is not null
$$;

-- Facilities (schools, kindergartens, playgrounds, sports grounds, municipal buildings) inside,
-- each with its open repair work orders.
create function exposure_facilities(p_zone_id bigint, p_area geometry)
returns table (layer_id text, asset_id bigint, name text, open_work_orders int, open_work_order_titles text[])
language sql stable as $$
  with parts as materialized (select geom from exposure_parts(p_zone_id, p_area)),
  hit as (
    select distinct a.id, a.layer_id, a.name
    from parts p join assets a on a.geom && p.geom and st_intersects(a.geom, p.geom)
    where a.layer_id in ('schools', 'kindergartens', 'playgrounds', 'sports_grounds', 'municipal_buildings')
  )
  select h.layer_id, h.id, h.name,
         (select count(*)::int from work_orders w join work_order_statuses s on s.id = w.status
           where w.asset_id = h.id and not s.terminal),
         (select coalesce(array_agg(w.title order by w.id), '{}') from work_orders w join work_order_statuses s on s.id = w.status
           where w.asset_id = h.id and not s.terminal)
  from hit h
  order by h.layer_id, h.name nulls last, h.id
$$;

-- Kilometres of each network layer inside (a line crossing pieces counts each piece's share once:
-- pieces of ST_Subdivide do not overlap).
create function exposure_networks(p_zone_id bigint, p_area geometry)
returns table (layer_id text, length_km double precision)
language sql stable as $$
  with parts as materialized (select geom from exposure_parts(p_zone_id, p_area))
  select a.layer_id, round((sum(st_length(st_intersection(a.geom, p.geom)::geography)) / 1000)::numeric, 3)::double precision
  from parts p
  join assets a on a.geom && p.geom and st_intersects(a.geom, p.geom)
  join layers l on l.id = a.layer_id
  where l.layer_group = 'network' and l.geometry_type = 'line'
  group by a.layer_id
  order by a.layer_id
$$;

create function exposure_open_incidents(p_zone_id bigint, p_area geometry) returns int
language sql stable as $$
  with parts as materialized (select geom from exposure_parts(p_zone_id, p_area))
  select count(distinct i.id)::int
  from parts p join incidents i on i.geom && p.geom and st_intersects(i.geom, p.geom)
  join incident_statuses s on s.status = i.status
  where s.open
$$;

create function exposure_open_work_orders(p_zone_id bigint, p_area geometry) returns int
language sql stable as $$
  with parts as materialized (select geom from exposure_parts(p_zone_id, p_area))
  select count(distinct w.id)::int
  from parts p join work_orders w on w.location && p.geom and st_intersects(w.location, p.geom)
  join work_order_statuses s on s.id = w.status
  where not s.terminal
$$;

-- How many active subscribers' areas touch the zone: a number, never who.
create function exposure_subscriber_count(p_zone_id bigint, p_area geometry) returns int
language sql stable as $$
  with parts as materialized (select geom from exposure_parts(p_zone_id, p_area))
  select count(distinct s.id)::int
  from parts p join alert_subscribers s on s.geom && p.geom and st_intersects(s.geom, p.geom)
  where s.unsubscribed_at is null and (s.email_confirmed_at is not null or s.push_subscription is not null)
$$;
