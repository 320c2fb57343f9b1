-- Deleting a layer cascades to its assets; the statement trigger then saw the removed rows of a
-- layer that no longer exists and tried to subtract them from its (already cascaded) grid cells,
-- which broke the foreign key. Removed rows of deleted layers are skipped: their grid went with them.
create or replace function assets_grid_maintain() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    insert into asset_grid as g (layer_id, level, cx, cy, n, sx, sy)
    select f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level), -sum(f.n), -sum(f.sx), -sum(f.sy)
      from (select c.layer_id, c.cx, c.cy, count(*)::int as n, sum(c.mx) as sx, sum(c.my) as sy
              from (select o.layer_id, m.mx, m.my,
                           least(greatest(floor((m.mx + 20037508.342789244) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cx,
                           least(greatest(floor((20037508.342789244 - m.my) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cy
                      from grid_old o
                      cross join lateral (select (st_xmin(o.geom_3857) + st_xmax(o.geom_3857)) / 2 as mx,
                                                 (st_ymin(o.geom_3857) + st_ymax(o.geom_3857)) / 2 as my) m
                     -- a layer deleted with its assets (on delete cascade) has no grid to keep
                     where exists (select 1 from layers x where x.id = o.layer_id)) c
             group by c.layer_id, c.cx, c.cy) f
      cross join (values (14), (16), (18), (20), (21)) l(level)
     group by f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level)
    on conflict (layer_id, level, cx, cy) do update
      set n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into asset_grid as g (layer_id, level, cx, cy, n, sx, sy)
    select f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level), sum(f.n), sum(f.sx), sum(f.sy)
      from (select c.layer_id, c.cx, c.cy, count(*)::int as n, sum(c.mx) as sx, sum(c.my) as sy
              from (select w.layer_id, m.mx, m.my,
                           least(greatest(floor((m.mx + 20037508.342789244) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cx,
                           least(greatest(floor((20037508.342789244 - m.my) / (40075016.68557849 / 2097152))::int, 0), 2097151) as cy
                      from grid_new w
                      cross join lateral (select (st_xmin(w.geom_3857) + st_xmax(w.geom_3857)) / 2 as mx,
                                                 (st_ymin(w.geom_3857) + st_ymax(w.geom_3857)) / 2 as my) m) c
             group by c.layer_id, c.cx, c.cy) f
      cross join (values (14), (16), (18), (20), (21)) l(level)
     group by f.layer_id, l.level, f.cx >> (21 - l.level), f.cy >> (21 - l.level)
    on conflict (layer_id, level, cx, cy) do update
      set n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;
  end if;
  return null;
end $$;
