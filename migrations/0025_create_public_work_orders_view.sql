-- The public read model of the repair registries (docs/reliability.md rule 1: allowlisted columns).
-- Not here, on purpose: crew and every user id (personal data), description and materials
-- (free text written for staff), photos (not yet reviewed for faces and plates), costs (an
-- estimate published before a tender tells bidders the budget; spending is published through
-- the municipality's procurement channels, not this map) and internal statuses (planned,
-- cancelled). The location is exact for assets of public layers; for assets of non-public
-- layers (critical networks) and for work on sensitive-category incidents it is the centre of
-- its 0.002 degree grid cell (about 200 m), and the asset itself is not named.
create view public_work_orders as
select
  w.id,
  w.kind,
  w.status,
  s.name_el as status_name_el,
  s.name_en as status_name_en,
  d.name_el as department_name_el,
  d.name_en as department_name_en,
  case when exact.ok then w.asset_id end as asset_id,
  case when exact.ok then a.name end as asset_name,
  case when exact.ok then a.layer_id end as layer_id,
  w.planned_start,
  w.planned_end,
  w.started_at::date as started_on,
  w.finished_at::date as finished_on,
  w.updated_at,
  case when exact.ok then w.location else st_snaptogrid(w.location, 0.001, 0.001, 0.002, 0.002) end as geom
from work_orders w
join work_order_statuses s on s.id = w.status and s.public
join departments d on d.id = w.department_id
left join assets a on a.id = w.asset_id
left join layers l on l.id = a.layer_id
cross join lateral (
  select (a.id is null or l.is_public)
     and not exists (
       select 1
       from work_order_incidents wi
       join incidents i on i.id = wi.incident_id
       join categories c on c.id = i.category_id
       where wi.work_order_id = w.id and c.sensitive
     ) as ok
) exact;
