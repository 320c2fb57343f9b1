-- Network traces, one set-returning function per question, over network_nodes / network_edges
-- (0060). All of them answer with rows of the same shape:
--   role        what the row is: status | valve_to_close | source_to_shut | isolated_edge |
--               unsupplied_edge | edge | node | connection | building
--   element     node | edge | connection | asset | trace
--   id          network_nodes.id, network_edges.id or network_connections.id (null for asset/status)
--   asset_id    the mapped asset behind it (valve, pipe, building), when there is one
--   depth       breadth-first steps from the start (flow traces), null otherwise
--   detail      status rows: ok | disconnected | truncated | no_sources | unknown_edge | not_gravity;
--               nodes: their kind; buildings: their layer id
-- Every trace returns exactly one status row, so "nothing found" and "could not trace" differ.
--
-- Local walks (the isolated area, upstream, downstream) are a breadth-first flood with a visited set
-- (network_flood): a recursive CTE cannot keep one on a looped network without enumerating paths.
-- Whole-network reachability (what the sources still feed) is one pgRouting connected-components
-- pass (network_supplied_edges), linear in the network's size.

/**
 * Breadth-first flood from p_start over the edges of the graph.
 * p_direction: both | down (source -> target) | up (target -> source).
 * p_block: which nodes are reached but not passed:
 *   none   - nothing;
 *   closed - closed valves;
 *   valves - closed valves and operable open valves (an inoperable open valve lets the flood on).
 * p_extra: further nodes reached but not passed (valves being closed, failed sources).
 * Returns every reached node with its depth and whether it stopped the flood; when p_max_depth
 * cut the flood short one extra row with a null node_id says so.
 */
create function network_flood(p_start bigint[], p_direction text, p_block text, p_extra bigint[], p_max_depth int)
returns table (node_id bigint, depth int, stopped boolean) language plpgsql as $$
declare
  v_frontier bigint[];
  v_depth int := 0;
begin
  if p_direction not in ('both', 'down', 'up') or p_block not in ('none', 'closed', 'valves') then
    raise exception 'bad flood arguments % %', p_direction, p_block using errcode = 'invalid_parameter_value';
  end if;
  drop table if exists pg_temp.network_flood_seen;
  create temp table network_flood_seen (node_id bigint primary key, depth int not null, stopped boolean not null) on commit drop;

  insert into network_flood_seen (node_id, depth, stopped)
  select n.id, 0,
         (p_block <> 'none' and n.kind = 'valve' and (n.valve_state = 'closed' or (p_block = 'valves' and n.operable)))
         or n.id = any(coalesce(p_extra, '{}'))
  from network_nodes n where n.id = any(p_start)
  on conflict do nothing;
  select coalesce(array_agg(s.node_id) filter (where not s.stopped), '{}') into v_frontier from network_flood_seen s;

  while cardinality(v_frontier) > 0 and v_depth < p_max_depth loop
    v_depth := v_depth + 1;
    with nb as (
      select e.target as nid from network_edges e where p_direction <> 'up' and e.source = any(v_frontier)
      union
      select e.source from network_edges e where p_direction <> 'down' and e.target = any(v_frontier)
    ), ins as (
      insert into network_flood_seen (node_id, depth, stopped)
      select n.id, v_depth,
             (p_block <> 'none' and n.kind = 'valve' and (n.valve_state = 'closed' or (p_block = 'valves' and n.operable)))
             or n.id = any(coalesce(p_extra, '{}'))
      from nb join network_nodes n on n.id = nb.nid
      on conflict do nothing
      returning network_flood_seen.node_id, network_flood_seen.stopped
    )
    select coalesce(array_agg(ins.node_id) filter (where not ins.stopped), '{}') into v_frontier from ins;
  end loop;

  return query select s.node_id, s.depth, s.stopped from network_flood_seen s;
  if cardinality(v_frontier) > 0 then
    return query select null::bigint, v_depth, true;
  end if;
  drop table if exists pg_temp.network_flood_seen;
end $$;

/** Edges reached by a flood: those with an end the flood passed through. */
create function network_flood_edges(p_passed bigint[]) returns table (edge_id bigint) language sql stable as $$
  select e.id from network_edges e where e.source = any(p_passed)
  union
  select e.id from network_edges e where e.target = any(p_passed)
$$;

/**
 * The edges a network's sources supply when closed valves, p_blocked nodes and p_failed sources
 * pass nothing. Whole-network reachability is one pgRouting connected-components call (C, one pass)
 * instead of a flood: every edge end at a node that passes nothing gets a private vertex id of its
 * own, so the component of a source is exactly what it feeds.
 */
create function network_supplied_edges(p_network text, p_blocked bigint[], p_failed bigint[])
returns table (edge_id bigint) language plpgsql stable as $$
declare
  v_stop bigint[];
  v_edges text;
begin
  -- Closed valves are few (a few per cent of valves); an array test per edge beats a join here,
  -- because pgRouting plans the edge query on its own.
  select coalesce(array_agg(n.id), '{}') || coalesce(p_blocked, '{}') || coalesce(p_failed, '{}') into v_stop
  from network_nodes n where n.network_id = p_network and n.kind = 'valve' and n.valve_state = 'closed';
  v_edges := format($q$
    select e.id,
           case when e.source = any(%1$L::bigint[]) then (1::bigint << 50) + 2 * e.id else e.source end as source,
           case when e.target = any(%1$L::bigint[]) then (1::bigint << 50) + 2 * e.id + 1 else e.target end as target,
           1::float8 as cost, 1::float8 as reverse_cost
    from network_edges e
    where e.network_id = %2$L$q$, v_stop, p_network);
  return query
  with c as materialized (
    select cc.component, cc.node from pgr_connectedComponents(v_edges) cc
  ), fed as (
    select distinct c.component from c
    join network_nodes n on n.id = c.node
    where n.kind = 'source' and not (n.id = any(v_stop))
  ), live as (
    select c.node from c join fed using (component)
  )
  select e.id from network_edges e where e.network_id = p_network and (e.source in (select node from live) or e.target in (select node from live));
end $$;

/** Connections on the given edges and the buildings behind them, as trace rows. */
create function network_affected_buildings(p_edges bigint[])
returns table (role text, element text, id bigint, asset_id bigint, depth int, detail text) language sql stable as $$
  select 'connection', 'connection', c.id, c.building_asset_id, null::int, case when c.synthetic then 'synthetic' else 'recorded' end
  from network_connections c where c.edge_id = any(p_edges)
  union all
  select distinct 'building', 'asset', null::bigint, a.id, null::int, a.layer_id
  from network_connections c join assets a on a.id = c.building_asset_id
  where c.edge_id = any(p_edges)
$$;

/**
 * Valve isolation for a break on edge p_edge (the mincut of QWAT / Giswater):
 *  - the flood from the break stops at closed valves and at operable open valves; an inoperable
 *    valve is walked through, widening the area to the next valves;
 *  - of the open valves it stopped at, valve_to_close lists only those whose other side still
 *    reaches a source (closing a valve onto a dead end changes nothing), so closing all of them
 *    cuts the break off every source and none is redundant;
 *  - source_to_shut: a tank or pump inside the isolated area;
 *  - isolated_edge: the pipes of the isolated area; unsupplied_edge: pipes outside it that had
 *    supply before and lose it once the valves are closed; then their connections and buildings.
 * Status: ok; disconnected (the broken pipe had no supply to begin with); truncated (the flood of
 * the isolated area hit p_max_depth: a network with too few valves); unknown_edge.
 */
create function network_trace_isolation(p_edge bigint, p_max_depth int default 100000)
returns table (role text, element text, id bigint, asset_id bigint, depth int, detail text) language plpgsql as $$
declare
  v_edge network_edges%rowtype;
  v_before bigint[];
  v_after bigint[];
  v_seg bigint[];
  v_stops bigint[];
  v_seg_sources bigint[];
  v_candidates bigint[];
  v_needed bigint[];
  v_seg_edges bigint[];
  v_lost bigint[];
  v_truncated boolean;
  v_disconnected boolean;
begin
  select * into v_edge from network_edges e where e.id = p_edge;
  if not found then
    return query select 'status', 'trace', null::bigint, null::bigint, null::int, 'unknown_edge';
    return;
  end if;

  -- Supply before the break.
  select coalesce(array_agg(x.edge_id), '{}') into v_before from network_supplied_edges(v_edge.network_id, '{}', '{}') x;
  v_disconnected := not (p_edge = any(v_before));

  -- The isolated area: a bounded flood from the break to the valves around it.
  select coalesce(array_agg(f.node_id) filter (where not f.stopped and f.node_id is not null), '{}'),
         coalesce(array_agg(f.node_id) filter (where f.stopped and f.node_id is not null), '{}'),
         coalesce(bool_or(f.node_id is null), false)
    into v_seg, v_stops, v_truncated
  from network_flood(array[v_edge.source, v_edge.target], 'both', 'valves', '{}', p_max_depth) f;
  select coalesce(array_agg(n.id), '{}') into v_seg_sources from network_nodes n where n.id = any(v_seg) and n.kind = 'source';
  select coalesce(array_agg(n.id), '{}') into v_candidates
  from network_nodes n where n.id = any(v_stops) and n.kind = 'valve' and n.valve_state = 'open';
  select coalesce(array_agg(x.edge_id), '{}') || array[p_edge] into v_seg_edges from network_flood_edges(v_seg) x;

  -- Supply once every candidate is closed and the sources inside are shut.
  select coalesce(array_agg(x.edge_id), '{}') into v_after from network_supplied_edges(v_edge.network_id, v_candidates, v_seg_sources) x;

  -- A candidate is needed when a pipe on its far side is still supplied.
  select coalesce(array_agg(distinct v.id), '{}') into v_needed
  from unnest(v_candidates) v(id)
  join network_edges e on (e.source = v.id or e.target = v.id)
  where not (e.id = any(v_seg_edges)) and e.id = any(v_after);

  select coalesce(array_agg(b.edge_id), '{}') into v_lost
  from (select unnest(v_before) as edge_id except select unnest(v_after) except select unnest(v_seg_edges)) b;

  return query select 'status', 'trace', null::bigint, null::bigint, null::int,
    case when v_truncated then 'truncated' when v_disconnected then 'disconnected' else 'ok' end;
  return query select 'valve_to_close', 'node', n.id, n.asset_id, null::int, n.kind from network_nodes n where n.id = any(v_needed);
  return query select 'source_to_shut', 'node', n.id, n.asset_id, null::int, n.kind from network_nodes n where n.id = any(v_seg_sources);
  return query select 'isolated_edge', 'edge', e.id, e.asset_id, null::int, e.kind from network_edges e where e.id = any(v_seg_edges);
  return query select 'unsupplied_edge', 'edge', e.id, e.asset_id, null::int, e.kind from network_edges e where e.id = any(v_lost);
  return query select * from network_affected_buildings(v_seg_edges || v_lost);
end $$;

/**
 * Connectivity from sources. Without p_failed: the pipes no source reaches (through open valves).
 * With p_failed (source node ids): the pipes that had supply and lose it when those fail.
 * Rows: status (ok | no_sources), unsupplied_edge, connection, building. Whole-network questions
 * have no depth to cap: the components pass is linear in the network's size.
 */
create function network_trace_supply(p_network text, p_failed bigint[] default '{}')
returns table (role text, element text, id bigint, asset_id bigint, depth int, detail text) language plpgsql as $$
declare
  v_before bigint[];
  v_after bigint[];
  v_lost bigint[];
begin
  if not exists (select 1 from network_nodes n where n.network_id = p_network and n.kind = 'source') then
    return query select 'status', 'trace', null::bigint, null::bigint, null::int, 'no_sources';
    return;
  end if;
  select coalesce(array_agg(x.edge_id), '{}') into v_before from network_supplied_edges(p_network, '{}', '{}') x;
  if cardinality(coalesce(p_failed, '{}')) = 0 then
    select coalesce(array_agg(e.id), '{}') into v_lost
    from network_edges e where e.network_id = p_network and not (e.id = any(v_before));
  else
    select coalesce(array_agg(x.edge_id), '{}') into v_after from network_supplied_edges(p_network, '{}', p_failed) x;
    select coalesce(array_agg(b.edge_id), '{}') into v_lost
    from (select unnest(v_before) as edge_id except select unnest(v_after)) b;
  end if;
  return query select 'status', 'trace', null::bigint, null::bigint, null::int, 'ok';
  return query select 'unsupplied_edge', 'edge', e.id, e.asset_id, null::int, e.kind from network_edges e where e.id = any(v_lost);
  return query select * from network_affected_buildings(v_lost);
end $$;

/**
 * Upstream or downstream of an edge on a gravity network (where can this overflow come from,
 * which manholes and outfalls will it reach). Edges are stored in flow direction, so downstream
 * follows source -> target from the edge's target and upstream target -> source from its source.
 * Rows: status (ok | truncated | not_gravity | unknown_edge), edge (with depth), node (detail =
 * kind: manhole, outfall, end, junction).
 */
create function network_trace_flow(p_edge bigint, p_direction text, p_max_depth int default 100000)
returns table (role text, element text, id bigint, asset_id bigint, depth int, detail text) language plpgsql as $$
declare
  v_edge network_edges%rowtype;
  v_flow text;
  v_truncated boolean;
begin
  if p_direction not in ('upstream', 'downstream') then
    raise exception 'direction must be upstream or downstream, not %', p_direction using errcode = 'invalid_parameter_value';
  end if;
  select * into v_edge from network_edges e where e.id = p_edge;
  if not found then
    return query select 'status', 'trace', null::bigint, null::bigint, null::int, 'unknown_edge';
    return;
  end if;
  select n.flow into v_flow from networks n where n.id = v_edge.network_id;
  if v_flow <> 'gravity' then
    return query select 'status', 'trace', null::bigint, null::bigint, null::int, 'not_gravity';
    return;
  end if;

  create temp table if not exists network_flow_reached (node_id bigint primary key, depth int) on commit drop;
  truncate network_flow_reached;
  insert into network_flow_reached
  select f.node_id, f.depth
  from network_flood(array[case when p_direction = 'downstream' then v_edge.target else v_edge.source end],
                     case when p_direction = 'downstream' then 'down' else 'up' end, 'none', '{}', p_max_depth) f
  where f.node_id is not null;
  v_truncated := exists (select 1 from network_flow_reached r where r.depth >= p_max_depth)
    and exists (
      select 1 from network_flow_reached r join network_edges e
        on (p_direction = 'downstream' and e.source = r.node_id) or (p_direction = 'upstream' and e.target = r.node_id)
      where r.depth >= p_max_depth);

  return query select 'status', 'trace', null::bigint, null::bigint, null::int, case when v_truncated then 'truncated' else 'ok' end;
  return query select 'edge', 'edge', v_edge.id, v_edge.asset_id, 0, v_edge.kind;
  return query
    select 'edge', 'edge', e.id, e.asset_id, r.depth + 1, e.kind
    from network_flow_reached r
    join network_edges e on (p_direction = 'downstream' and e.source = r.node_id) or (p_direction = 'upstream' and e.target = r.node_id)
    where e.id <> v_edge.id and r.depth < p_max_depth;
  return query
    select 'node', 'node', n.id, n.asset_id, r.depth, n.kind
    from network_flow_reached r join network_nodes n on n.id = r.node_id;
  drop table if exists pg_temp.network_flow_reached;
end $$;
