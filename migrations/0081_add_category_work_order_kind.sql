-- The registry a category's repairs are kept in, so that a work order opened from reports with
-- no linked asset (a pothole between two assets, rubble on a pavement) still lands in the right
-- registry, and the dialog can say why. An asset's own layer still wins when there is one.
alter table categories add column work_order_kind text
  check (work_order_kind in ('school', 'kindergarten', 'playground', 'sports_ground', 'network', 'building', 'road'));

update categories set work_order_kind = case id
  when 'street_lighting' then 'network'
  when 'water_leak' then 'network'
  when 'sewer_blockage' then 'network'
  when 'storm_drain' then 'network'
  when 'road_damage' then 'road'
  when 'sidewalks' then 'road'
  when 'abandoned_vehicle' then 'road'
  when 'waste' then 'road'
  when 'bulky_items' then 'road'
  when 'illegal_dumping' then 'road'
  when 'trees_green' then 'road'
  when 'playground_damage' then 'playground'
  when 'school_building' then 'school'
  when 'graffiti' then 'building'
end;
