-- Network topology: the drawn network lines become a graph (network_nodes / network_edges) the
-- traces in 0061 walk. Which layers make a network, how far apart two line ends may be and still
-- meet, and which point layers are valves, sources, hydrants, manholes or outfalls are rows of
-- `networks` / `network_point_layers` (behaviour as data), so an imported network with its own
-- attribute names (the Montpelier sewer) is described, not coded.
--
-- The graph is derived data: network_build(id) rebuilds one network from its layers in one
-- statement (after an import, on demo load, on demand) and an asset edit marks it stale. Valve
-- facts learned in the field (a valve that will not turn) live in network_valve_overrides, keyed by
-- the valve asset, so a rebuild keeps them.

create extension if not exists pgrouting;

create table networks (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  name_el text not null,
  name_en text not null,
  -- pressurised: water flows both ways, valves isolate; gravity: flows from upstream to downstream.
  flow text not null check (flow in ('pressurised', 'gravity')),
  line_layers text[] not null check (cardinality(line_layers) > 0),
  -- Line ends closer than this meet at one node (digitising slack of the source data).
  snap_tolerance_m real not null default 0.5 check (snap_tolerance_m between 0 and 50),
  -- Valves, hydrants, manholes further than this from every line are reported unsnapped.
  attach_radius_m real not null default 5 check (attach_radius_m between 0 and 200),
  -- Tanks and pumps stand beside the network; a synthetic link joins them to the nearest node.
  source_radius_m real not null default 500 check (source_radius_m between 0 and 5000),
  -- Buildings served: each gets a service connection to the nearest pipe of this network
  -- (synthetic: the demo data has no laterals), up to connection_max_m away.
  building_layers text[] not null default '{}',
  connection_max_m real not null default 150 check (connection_max_m between 0 and 2000),
  -- Gravity networks: line attributes holding the upstream/downstream invert levels. A line whose
  -- upstream invert is lower than its downstream one is reversed; otherwise the digitised
  -- direction is the flow direction.
  invert_up_property text,
  invert_down_property text,
  built_at timestamptz,
  -- An asset of one of its layers changed since the last build.
  stale boolean not null default true,
  -- The validation report of the last build (see network_build).
  report jsonb not null default '{}'
);

create table network_point_layers (
  network_id text not null references networks (id) on delete cascade,
  layer_id text not null,
  kind text not null check (kind in ('valve', 'hydrant', 'source', 'manhole', 'outfall')),
  -- Only features whose attribute `filter_property` is one of `filter_values` (e.g. Montpelier's
  -- Type = 'Known CSO Outfalls'); null takes the whole layer.
  filter_property text,
  filter_values text[],
  -- Valves: the attribute holding the normal state, and the values that mean closed.
  state_property text,
  closed_values text[] not null default '{closed}',
  primary key (network_id, layer_id, kind)
);

create table network_nodes (
  id bigint generated always as identity primary key,
  network_id text not null references networks (id) on delete cascade,
  kind text not null check (kind in ('junction', 'end', 'valve', 'hydrant', 'source', 'manhole', 'outfall')),
  asset_id bigint references assets (id) on delete set null,
  valve_state text check (valve_state in ('open', 'closed')),
  -- A valve that will not turn: the isolation trace walks through it to the next ones.
  operable boolean not null default true,
  geom geometry(Point, 4326) not null
);
create index network_nodes_network on network_nodes (network_id, kind);
create index network_nodes_asset on network_nodes (asset_id);
create index network_nodes_geom on network_nodes using gist (geom);

create table network_edges (
  id bigint generated always as identity primary key,
  network_id text not null references networks (id) on delete cascade,
  -- Gravity networks: source is upstream, target downstream.
  source bigint not null references network_nodes (id) on delete cascade,
  target bigint not null references network_nodes (id) on delete cascade,
  -- pipe: a piece of a drawn line; link: the synthetic join of a tank or pump to the network.
  kind text not null check (kind in ('pipe', 'link')),
  asset_id bigint references assets (id) on delete set null,
  synthetic boolean not null default false,
  length_m double precision not null check (length_m >= 0),
  geom geometry(LineString, 4326) not null
);
-- The traces walk the graph by node in both directions.
create index network_edges_source on network_edges (source);
create index network_edges_target on network_edges (target);
create index network_edges_network on network_edges (network_id);
create index network_edges_asset on network_edges (asset_id);
create index network_edges_geom on network_edges using gist (geom);

-- Service connections: a building served from a pipe. Synthetic when derived by distance.
create table network_connections (
  id bigint generated always as identity primary key,
  network_id text not null references networks (id) on delete cascade,
  building_asset_id bigint not null references assets (id) on delete cascade,
  edge_id bigint not null references network_edges (id) on delete cascade,
  distance_m real not null check (distance_m >= 0),
  synthetic boolean not null default true,
  geom geometry(LineString, 4326) not null
);
create index network_connections_edge on network_connections (edge_id);
create index network_connections_network on network_connections (network_id);

-- Point features the last build could not place on the network (the validation view maps them).
create table network_build_issues (
  network_id text not null references networks (id) on delete cascade,
  issue text not null check (issue in ('unsnapped_valve', 'unsnapped_hydrant', 'unsnapped_source', 'unsnapped_manhole', 'unsnapped_outfall', 'dangling_end')),
  asset_id bigint,
  node_id bigint,
  distance_m real,
  geom geometry(Point, 4326) not null
);
create index network_build_issues_network on network_build_issues (network_id, issue);

-- Field knowledge about valves, kept across rebuilds.
create table network_valve_overrides (
  asset_id bigint primary key references assets (id) on delete cascade,
  operable boolean,
  valve_state text check (valve_state in ('open', 'closed')),
  note text check (char_length(note) <= 500),
  updated_by bigint,
  updated_at timestamptz not null default now()
);

-- Numeric attribute or null (source data holds '', 'n/a', '12,5' ...).
create function network_num(v text) returns double precision language sql immutable as $$
  select case when v ~ '^\s*-?[0-9]+(\.[0-9]+)?\s*$' then v::double precision end
$$;

/**
 * Rebuilds the topology of one network from its layers and returns the validation report
 * (also kept in networks.report):
 *   { nodes, edges, sources, valves, connections, dangling_ends, components,
 *     components_without_source, unsnapped: { valve, hydrant, source, manhole, outfall }, srid, ms }
 * Steps, all in a metric UTM projection chosen from the layers' centre:
 *   1. line ends within snap_tolerance_m are clustered into one node;
 *   2. valves, hydrants, manholes and outfalls are projected onto the nearest line within
 *      attach_radius_m: onto an existing node when within the snap tolerance of one, otherwise a
 *      new node that splits the line;
 *   3. every line is split at every node within the snap tolerance of it (T-junctions too);
 *   4. tanks and pumps become source nodes joined by a synthetic link to the nearest node;
 *   5. each building gets a synthetic service connection to its nearest pipe.
 */
create function network_build(p_network text) returns jsonb language plpgsql as $$
declare
  v_net networks%rowtype;
  v_srid int;
  v_tol double precision;
  v_center geometry;
  v_report jsonb;
  v_t0 timestamptz := clock_timestamp();
  v_comp record;
begin
  select * into v_net from networks where id = p_network for update;
  if not found then
    raise exception 'unknown network %', p_network using errcode = 'no_data_found';
  end if;
  v_tol := greatest(v_net.snap_tolerance_m, 0.001);

  select st_centroid(st_extent(a.geom)) into v_center from assets a where a.layer_id = any(v_net.line_layers);
  -- UTM zone of the network's centre: metres, small distortion over a town.
  v_srid := case when v_center is null then 3857
                 else (case when st_y(v_center) >= 0 then 32600 else 32700 end) + least(60, floor((st_x(v_center) + 180) / 6)::int + 1) end;

  delete from network_edges where network_id = p_network;
  delete from network_nodes where network_id = p_network;
  delete from network_build_issues where network_id = p_network;

  drop table if exists pg_temp.nb_lines, pg_temp.nb_ends, pg_temp.nb_cand, pg_temp.nb_pts, pg_temp.nb_cuts, pg_temp.nb_edges;

  create temp table nb_lines on commit drop as
  select row_number() over () as lid, d.asset_id,
         case when v_net.flow = 'gravity'
                   and network_num(d.properties ->> v_net.invert_up_property) < network_num(d.properties ->> v_net.invert_down_property)
              then st_reverse(d.g) else d.g end as g
  from (
    select a.id as asset_id, a.properties, (st_dump(st_transform(a.geom, v_srid))).geom as g
    from assets a
    where a.layer_id = any(v_net.line_layers)
  ) d
  where geometrytype(d.g) = 'LINESTRING' and st_length(d.g) > 0;
  create index on nb_lines using gist (g);

  -- 1. Line ends: one node per cluster of ends within the tolerance.
  create temp table nb_ends on commit drop as
  select lid, pos, p, st_clusterdbscan(p, v_tol, 1) over () as cid
  from (
    select lid, 0 as pos, st_startpoint(g) as p from nb_lines
    union all
    select lid, 1, st_endpoint(g) from nb_lines
  ) e;
  create index on nb_ends (lid, pos);
  create index on nb_ends (cid);
  analyze nb_lines;
  analyze nb_ends;

  create temp table nb_cand on commit drop as
  select cid::bigint as cid, st_centroid(st_collect(p)) as p,
         null::text as kind, null::bigint as asset_id, null::text as valve_state, 0 as prio
  from nb_ends group by cid;
  create index on nb_cand using gist (p);

  -- 2. Point features (not sources): projection onto the nearest line within the attach radius.
  create temp table nb_pts on commit drop as
  select a.id as asset_id, pl.kind, st_transform(a.geom, v_srid) as p,
         case when pl.state_property is not null and a.properties ->> pl.state_property = any(pl.closed_values) then 'closed'
              when pl.kind = 'valve' then 'open' end as valve_state
  from network_point_layers pl
  join assets a on a.layer_id = pl.layer_id
  where pl.network_id = p_network
    and geometrytype(a.geom) = 'POINT'
    and (pl.filter_property is null or a.properties ->> pl.filter_property = any(pl.filter_values));

  alter table nb_pts add column near geometry, add column dist double precision, add column cid bigint;
  create index on nb_pts (asset_id, kind);
  analyze nb_pts;
  analyze nb_cand;
  update nb_pts t set near = s.near, dist = s.dist
  from (
    select t2.asset_id, t2.kind, l.near, l.dist
    from nb_pts t2
    cross join lateral (
      select st_closestpoint(nl.g, t2.p) as near, st_distance(nl.g, t2.p) as dist
      from nb_lines nl
      where st_dwithin(nl.g, t2.p, v_net.attach_radius_m)
      order by nl.g <-> t2.p
      limit 1
    ) l
    where t2.kind <> 'source'
  ) s
  where s.asset_id = t.asset_id and s.kind = t.kind;

  -- An existing node within the tolerance of the projected point takes the feature.
  update nb_pts t set cid = (
    select c.cid from nb_cand c where st_dwithin(c.p, t.near, v_tol) order by c.p <-> t.near limit 1
  ) where t.near is not null;
  -- Otherwise a new node splits the line there; features projecting within the tolerance of one
  -- another share it.
  with fresh as (
    select asset_id, kind, near, st_clusterdbscan(near, v_tol, 1) over () as k
    from nb_pts where near is not null and cid is null
  ), made as (
    select k, (select coalesce(max(cid), 0) from nb_cand) + 1 + k as cid, st_centroid(st_collect(near)) as p
    from fresh group by k
  ), ins as (
    insert into nb_cand (cid, p, kind, asset_id, valve_state, prio)
    select cid, p, null, null, null, 0 from made
    returning cid
  )
  update nb_pts t set cid = m.cid
  from fresh f join made m on m.k = f.k
  where f.asset_id = t.asset_id and f.kind = t.kind and t.cid is null;

  -- One feature per node: valve before outfall, source, hydrant, manhole (a valve decides a trace).
  update nb_cand c set kind = w.kind, asset_id = w.asset_id, valve_state = w.valve_state
  from (
    select distinct on (cid) cid, kind, asset_id, valve_state
    from nb_pts where cid is not null
    order by cid, array_position(array['valve', 'outfall', 'source', 'hydrant', 'manhole'], kind), asset_id
  ) w
  where w.cid = c.cid;

  -- 3. Cut every line at every node near it.
  create temp table nb_cuts on commit drop as
  select l.lid, 0::double precision as f, e.cid from nb_lines l join nb_ends e on e.lid = l.lid and e.pos = 0
  union
  select l.lid, 1::double precision, e.cid from nb_lines l join nb_ends e on e.lid = l.lid and e.pos = 1
  union
  select l.lid, least(greatest(st_linelocatepoint(l.g, c.p), 0), 1), c.cid
  from nb_lines l join nb_cand c on st_dwithin(l.g, c.p, v_tol)
  where not exists (select 1 from nb_ends e where e.lid = l.lid and e.cid = c.cid);

  create temp table nb_edges on commit drop as
  select lid, f1, f2, c1, c2
  from (
    select lid, f as f1, cid as c1, lead(f) over w as f2, lead(cid) over w as c2
    from nb_cuts
    window w as (partition by lid order by f, cid)
  ) s
  where c2 is not null and c1 <> c2 and f2 > f1;

  -- 4. Sources stand apart: their own node, linked to the nearest node of the lines.
  insert into nb_cand (cid, p, kind, asset_id, valve_state, prio)
  select (select coalesce(max(cid), 0) from nb_cand) + row_number() over (order by asset_id), p, 'source', asset_id, null, 1
  from nb_pts where kind = 'source';

  alter table nb_cand add column nid bigint;
  -- Node ids are drawn up front so edges can name them before the nodes are inserted.
  update nb_cand set nid = nextval(pg_get_serial_sequence('network_nodes', 'id'))
  where cid in (select c1 from nb_edges union select c2 from nb_edges)
     or kind = 'source';

  insert into network_nodes (id, network_id, kind, asset_id, valve_state, operable, geom) overriding system value
  select c.nid, p_network, coalesce(c.kind, 'junction'), c.asset_id,
         case when c.kind = 'valve' then coalesce(o.valve_state, c.valve_state, 'open') end,
         coalesce(o.operable, true),
         st_transform(c.p, 4326)
  from nb_cand c
  left join network_valve_overrides o on o.asset_id = c.asset_id and c.kind = 'valve'
  where c.nid is not null;

  insert into network_edges (network_id, source, target, kind, asset_id, synthetic, length_m, geom)
  select p_network, a.nid, b.nid, 'pipe', l.asset_id, false, st_length(g.g), st_transform(g.g, 4326)
  from nb_edges e
  join nb_lines l on l.lid = e.lid
  join nb_cand a on a.cid = e.c1
  join nb_cand b on b.cid = e.c2
  cross join lateral (
    -- The piece, with its ends moved onto the node points so the drawn graph closes exactly.
    select st_setpoint(st_setpoint(s.g, 0, a.p), st_npoints(s.g) - 1, b.p) as g
    from (select st_linesubstring(l.g, e.f1, e.f2) as g) s
  ) g;

  insert into network_edges (network_id, source, target, kind, asset_id, synthetic, length_m, geom)
  select p_network, s.nid, n.nid, 'link', s.asset_id, true, st_distance(s.p, n.p), st_transform(st_makeline(s.p, n.p), 4326)
  from nb_cand s
  cross join lateral (
    select c.nid, c.p from nb_cand c
    where c.nid is not null and c.kind is distinct from 'source' and st_dwithin(c.p, s.p, v_net.source_radius_m)
    order by c.p <-> s.p limit 1
  ) n
  where s.kind = 'source';

  -- Nodes without a feature: a line end or a junction, by degree.
  update network_nodes n set kind = 'end'
  from (
    select x.node from (
      select source as node from network_edges where network_id = p_network
      union all
      select target from network_edges where network_id = p_network
    ) x group by x.node having count(*) = 1
  ) d
  where n.id = d.node and n.kind = 'junction';

  -- 5. Service connections.
  delete from network_connections where network_id = p_network;
  insert into network_connections (network_id, building_asset_id, edge_id, distance_m, synthetic, geom)
  select p_network, b.id, e.id, e.dist, true, st_shortestline(b.p, e.geom)
  from (
    select a.id, st_pointonsurface(a.geom) as p from assets a where a.layer_id = any(v_net.building_layers)
  ) b
  cross join lateral (
    -- The nearest few by index distance (degrees), then the nearest in metres among them.
    select k.id, k.geom, k.dist
    from (
      select ne.id, ne.geom, st_distance(ne.geom::geography, b.p::geography) as dist
      from network_edges ne
      where ne.network_id = p_network and ne.kind = 'pipe'
      order by ne.geom <-> b.p
      limit 8
    ) k
    order by k.dist, k.id
    limit 1
  ) e
  where e.dist <= v_net.connection_max_m;

  -- Validation.
  insert into network_build_issues (network_id, issue, asset_id, distance_m, geom)
  select p_network, 'unsnapped_' || t.kind, t.asset_id, t.dist, st_transform(t.p, 4326)
  from nb_pts t
  where (t.kind <> 'source' and t.cid is null)
     or (t.kind = 'source' and not exists (
           select 1 from network_edges e join network_nodes n on n.id = e.source
           where e.kind = 'link' and n.asset_id = t.asset_id and n.network_id = p_network));
  insert into network_build_issues (network_id, issue, node_id, geom)
  select p_network, 'dangling_end', n.id, n.geom from network_nodes n where n.network_id = p_network and n.kind = 'end';

  select count(distinct component) as components,
         count(distinct component) filter (where not has_source) as without_source
    into v_comp
  from (
    select c.component, bool_or(n.kind = 'source') over (partition by c.component) as has_source
    from pgr_connectedComponents(format(
      'select id, source, target, 1::float8 as cost, 1::float8 as reverse_cost from network_edges where network_id = %L', p_network)) c
    join network_nodes n on n.id = c.node
  ) s;

  v_report := jsonb_build_object(
    'network', p_network,
    'nodes', (select count(*) from network_nodes where network_id = p_network),
    'edges', (select count(*) from network_edges where network_id = p_network),
    'sources', (select count(*) from network_nodes where network_id = p_network and kind = 'source'),
    'valves', (select count(*) from network_nodes where network_id = p_network and kind = 'valve'),
    'connections', (select count(*) from network_connections where network_id = p_network),
    'dangling_ends', (select count(*) from network_build_issues where network_id = p_network and issue = 'dangling_end'),
    'components', coalesce(v_comp.components, 0),
    'components_without_source', coalesce(v_comp.without_source, 0),
    'unsnapped', jsonb_build_object(
      'valve', (select count(*) from network_build_issues where network_id = p_network and issue = 'unsnapped_valve'),
      'hydrant', (select count(*) from network_build_issues where network_id = p_network and issue = 'unsnapped_hydrant'),
      'source', (select count(*) from network_build_issues where network_id = p_network and issue = 'unsnapped_source'),
      'manhole', (select count(*) from network_build_issues where network_id = p_network and issue = 'unsnapped_manhole'),
      'outfall', (select count(*) from network_build_issues where network_id = p_network and issue = 'unsnapped_outfall')),
    'srid', v_srid,
    'ms', round(extract(epoch from clock_timestamp() - v_t0) * 1000));

  update networks set report = v_report, built_at = now(), stale = false where id = p_network;
  drop table if exists pg_temp.nb_lines, pg_temp.nb_ends, pg_temp.nb_cand, pg_temp.nb_pts, pg_temp.nb_cuts, pg_temp.nb_edges;
  return v_report;
end $$;

-- An edit to a layer a network is built from marks the network stale (statement level: one
-- update per import, not per row).
create function networks_mark_stale() returns trigger language plpgsql as $$
begin
  update networks n set stale = true
  where not n.stale
    and exists (
      select 1 from (select distinct layer_id from changed_rows) c
      where c.layer_id = any(n.line_layers) or c.layer_id = any(n.building_layers)
         or c.layer_id in (select pl.layer_id from network_point_layers pl where pl.network_id = n.id));
  return null;
end $$;
create trigger assets_networks_stale_insert after insert on assets
  referencing new table as changed_rows for each statement execute function networks_mark_stale();
create trigger assets_networks_stale_update after update on assets
  referencing new table as changed_rows for each statement execute function networks_mark_stale();
create trigger assets_networks_stale_delete after delete on assets
  referencing old table as changed_rows for each statement execute function networks_mark_stale();

-- The demo municipality's networks (gis-data/manifest.json layers). A network whose layers are
-- absent builds empty.
insert into networks (id, name_el, name_en, flow, line_layers, snap_tolerance_m, attach_radius_m, source_radius_m, building_layers, connection_max_m, invert_up_property, invert_down_property) values
  ('water', 'Δίκτυο ύδρευσης', 'Water supply', 'pressurised', '{water_pipes}', 0.5, 5, 600, '{schools,kindergartens,municipal_buildings}', 200, null, null),
  ('sewer', 'Δίκτυο αποχέτευσης', 'Sewerage', 'gravity', '{sewer_pipes}', 0.5, 5, 0, '{schools,kindergartens,municipal_buildings}', 200, 'upstream_invert_m', 'downstream_invert_m'),
  ('storm', 'Δίκτυο ομβρίων', 'Storm water', 'gravity', '{storm_pipes}', 0.5, 8, 0, '{}', 0, null, null);
insert into network_point_layers (network_id, layer_id, kind, state_property, closed_values) values
  ('water', 'water_valves', 'valve', 'normal_state', '{closed}'),
  ('water', 'hydrants', 'hydrant', null, '{closed}'),
  ('water', 'water_tanks', 'source', null, '{closed}'),
  ('sewer', 'manholes', 'manhole', null, '{closed}');

grant select, insert, update, delete on networks, network_point_layers, network_nodes, network_edges,
  network_connections, network_build_issues, network_valve_overrides to municipal_app;
