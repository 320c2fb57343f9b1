-- The public read model: an allowlist of non-personal columns. Sensitive categories show only the
-- coarsened point (public_geom) and no description, address or asset link, since each of those
-- would give the exact place away. Held-back, hidden reports do not exist here at all.
create view public_incidents as
select
  i.id,
  i.public_id,
  i.protocol_number as number,
  i.category_id,
  c.service_code,
  c.name_el as category_name_el,
  c.name_en as category_name_en,
  c.sensitive,
  i.department_id,
  i.status,
  s.open,
  case when c.sensitive then null else i.description end as description,
  case when c.sensitive then null else i.address end as address,
  case when c.sensitive then null else i.asset_layer_id end as asset_layer_id,
  case when c.sensitive then null else i.asset_id end as asset_id,
  case when c.sensitive then null else i.asset_distance_m end as asset_distance_m,
  i.public_geom as geom,
  i.public_geom_3857 as geom_3857,
  i.support_count,
  i.created_at,
  i.updated_at,
  i.sla_due_at
from incidents i
join categories c on c.id = i.category_id
join incident_statuses s on s.status = i.status
where not i.hidden and not i.needs_moderation;

create view public_incident_events as
select e.id, e.incident_id, e.kind, e.from_status, e.to_status, e.note, e.created_at
from incident_events e
where e.public;
