-- Every GiST index on assets costs at import time (measured: a 100 k-feature merge into a 300 k-row
-- table took 70 s with two (layer_id, geometry) composites and 9.8 s with none). Tiles need the
-- (layer_id, geom_3857) composite; bbox and nearest-asset queries are served by the plain geometry
-- index with a layer filter, so the (layer_id, geom) composite goes.
drop index if exists assets_layer_geom;
