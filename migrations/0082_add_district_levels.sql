-- Districts are the municipality's own communities. The units of neighbouring municipalities
-- (loaded with the regional sector) are kept for the map, to name what lies across the border,
-- but as `neighbour`: they are not districts of this municipality, so no report, filter or
-- statistic may fall into them. Generated communities (no official polygons bundled) are flagged.
alter table districts drop constraint districts_level_check;
alter table districts add constraint districts_level_check check (level in ('municipality', 'district', 'neighbour'));
alter table districts add column synthetic boolean not null default false;

-- A "district" lying mostly outside every municipality row is a neighbour.
update districts d set level = 'neighbour'
where d.level = 'district'
  and not exists (
    select 1 from districts m
    where m.level = 'municipality' and m.code <> d.code
      and st_area(st_intersection(m.geom, d.geom)) > 0.5 * st_area(d.geom));

update incidents i set district_code = (
  select d.code from districts d where d.level = 'district' and st_covers(d.geom, i.geom) order by d.code limit 1)
where i.district_code is distinct from (
  select d.code from districts d where d.level = 'district' and st_covers(d.geom, i.geom) order by d.code limit 1);
