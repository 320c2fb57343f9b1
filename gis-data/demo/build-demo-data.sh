#!/bin/sh
# Rebuilds the committed demo layers (gis-data/demo/*.fgb) from their publishers' files. The
# platform never runs this (the .fgb files are committed) and never needs GDAL; whoever rebuilds
# downloads the source files into one folder first: the Piraeus boundary from
# sourcegr/Kalikratis-GeoJSON, the rest from kmarkosgis/athens-gis-repository (file names, commits
# and paths in gis-data/README.md, "How the demo files were made"). Needs GDAL >= 3.6 (ogr2ogr).
#   sh gis-data/demo/build-demo-data.sh path/to/source/folder
# Every output is EPSG:4326 FlatGeobuf with a spatial index, clipped to the Piraeus municipality
# (Kallikratis 9205) or to that boundary buffered by 150 m (so stations and motorways that sit on the
# boundary line are kept), with only the attributes an operator needs and OSM blanks (" ") as NULL.
set -eu
SRC="${1:?usage: build-demo-data.sh <folder with the source files>}"
OUT="$(dirname "$0")"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
rm -f "$OUT"/piraeus_*.fgb
FGB="-f FlatGeobuf -lco SPATIAL_INDEX=YES -t_srs EPSG:4326"

# 1. The municipality boundary (the land: the generator keeps synthetic assets inside it).
ogr2ogr $FGB -nlt MULTIPOLYGON -nln piraeus_boundary "$OUT/piraeus_boundary.fgb" \
  "$SRC/dimos_peiraia_boundary_kallikratis_9205.geojson" \
  -dialect SQLite -sql "select KWD_YPES as ypes_code, 'Δήμος Πειραιώς' as name_el, 'Municipality of Piraeus' as name_en, NAME as name_genitive, geometry from kallikratis_municipalities_greece where KWD_YPES = '9205'"

# The clip masks: the boundary itself, and the boundary buffered by 150 m in EGSA87 (EPSG:2100).
ogr2ogr -f GeoJSON "$TMP/clip0.geojson" "$OUT/piraeus_boundary.fgb"
ogr2ogr -f GeoJSON "$TMP/clip150.geojson" "$OUT/piraeus_boundary.fgb" -dialect SQLite \
  -sql "select ST_Transform(ST_Buffer(ST_Transform(geometry, 2100), 150), 4326) as geometry from piraeus_boundary"

# 2. Regional units of the Piraeus sector that intersect the municipality, with 2021 census population
#    (joined by the shared FID of the two files of the same repository).
ogr2ogr -f GPKG "$TMP/units.gpkg" "$SRC/piraeus_sector_municipalities_and_units.geojson" -nln units -nlt PROMOTE_TO_MULTI
ogr2ogr -f GPKG -update "$TMP/units.gpkg" "$SRC/attica_municipalities_population_2021.geojson" -nln pop -nlt PROMOTE_TO_MULTI
ogr2ogr -f GPKG -update "$TMP/units.gpkg" "$TMP/clip0.geojson" -nln clip
ogr2ogr $FGB -nlt MULTIPOLYGON -nln piraeus_regional_units "$OUT/piraeus_regional_units.fgb" "$TMP/units.gpkg" \
  -dialect SQLite -sql "select 'attica_piraeus_sector_' || u.FID as code, u.name as name, u.SectionNam as sector, p.Population as population_2021,
    case when u.name like 'ΔΗΜΟΣ %' then 'municipality' else 'district' end as level, u.geom as geometry
    from units u left join pop p on p.FID = u.FID, clip c where ST_Intersects(u.geom, c.geom) order by u.FID"

# 3. Green areas (raster-derived land cover), clipped to the municipality itself in SpatiaLite so that only
#    the polygonal part of each intersection is kept; 1 m simplification drops the collinear stair-step
#    vertices of the raster outline.
ogr2ogr -f GPKG -update "$TMP/units.gpkg" "$SRC/piraeus_green_areas_landcover.geojson" -nln green -nlt PROMOTE_TO_MULTI
ogr2ogr $FGB -nlt MULTIPOLYGON -nln piraeus_green_areas "$OUT/piraeus_green_areas.fgb" "$TMP/units.gpkg" \
  -dialect SQLite -sql "select * from (select g.Id as source_id, g.gridcode as gridcode, g.Type as cover_type,
      CastToMultiPolygon(CollectionExtract(ST_Intersection(MakeValid(SimplifyPreserveTopology(g.geom, 0.00001)), c.geom), 3)) as geometry
      from green g, clip c where ST_Intersects(g.geom, c.geom)) where geometry is not null and ST_Area(geometry) > 0 order by source_id"

# 4. Public transport stops and stations, and motorways: boundary + 150 m.
ogr2ogr $FGB -nlt POINT -clipsrc "$TMP/clip150.geojson" -nln piraeus_bus_stops "$OUT/piraeus_bus_stops.fgb" \
  "$SRC/bus_stops_piraeus_sector_osm.geojson" \
  -dialect SQLite -sql "select osm_id, nullif(trim(name), '') as name, geometry from kmarkos_AthensBusStops"
ogr2ogr $FGB -nlt POINT -clipsrc "$TMP/clip150.geojson" -nln piraeus_metro_stations "$OUT/piraeus_metro_stations.fgb" \
  "$SRC/attica_metro_stations_lines123.geojson" \
  -dialect SQLite -sql "select ID as station_id, GNAME as name, ENAME as name_en, metroline as metro_line, geometry from attica_metro_stations_lines123"
ogr2ogr $FGB -nlt POINT -clipsrc "$TMP/clip150.geojson" -nln piraeus_tram_stops "$OUT/piraeus_tram_stops.fgb" \
  "$SRC/attica_tram_stops_osm.geojson" \
  -dialect SQLite -sql "select osm_id, nullif(trim(name), '') as name, nullif(trim(name_en), '') as name_en, nullif(trim(operator), '') as operator, nullif(trim(railway), '') as railway, geometry from attica_tram_stops_osm"
ogr2ogr $FGB -nlt POINT -clipsrc "$TMP/clip150.geojson" -nln piraeus_train_stations "$OUT/piraeus_train_stations.fgb" \
  "$SRC/attica_train_stations_osm.geojson" \
  -dialect SQLite -sql "select osm_id, nullif(trim(name), '') as name, nullif(trim(name_en), '') as name_en, nullif(trim(operator), '') as operator, nullif(trim(railway), '') as railway, geometry from attica_train_stations_osm"
ogr2ogr $FGB -nlt MULTILINESTRING -clipsrc "$TMP/clip150.geojson" -nln piraeus_highways "$OUT/piraeus_highways.fgb" \
  "$SRC/attica_highways_osm.geojson" \
  -dialect SQLite -sql "select osm_id, nullif(trim(name), '') as name, nullif(trim(name_en), '') as name_en, nullif(trim(highway), '') as highway,
    nullif(trim(oneway), '') as oneway, nullif(trim(surface), '') as surface, nullif(trim(bridge), '') as bridge, nullif(trim(tunnel), '') as tunnel,
    nullif(trim(operator), '') as operator, geometry from attica_highways_osm"

# 5. The coastline (for the demo coastal flood zone): the municipality's boundary where no other
#    Kallikratis municipality lies within 50 m (EGSA87 metres), i.e. where the land meets the sea.
ogr2ogr -f GPKG "$TMP/coast.gpkg" "$SRC/../kallikratis_municipalities_greece_simplified.fgb" -nln muni -nlt PROMOTE_TO_MULTI
ogr2ogr -f GPKG -update "$TMP/coast.gpkg" "$SRC/dimos_peiraia_boundary_kallikratis_9205.geojson" -nln pir -nlt PROMOTE_TO_MULTI
ogr2ogr $FGB -nlt MULTILINESTRING -nln coastline "$OUT/coastline.fgb" "$TMP/coast.gpkg" \
  -dialect SQLite -sql "select 'Coastline of the Municipality of Piraeus: its Kallikratis boundary where no other municipality lies within 50 m' as description,
    ST_Transform(ST_Difference(ST_Transform(ST_Boundary(p.geom), 2100), ST_Buffer(ST_Transform((select ST_Union(m.geom) from muni m
      where m.KWD_YPES <> '9205' and m.KWD_YPES is not null and ST_Distance(m.geom, p.geom) < 0.02), 2100), 50)), 4326) as geometry from pir p"
# Basemap land (the offline style's land and sea, and the names of the neighbouring municipalities):
# every Kallikratis municipality within ~25 km of Piraeus, with a label point inside each.
KAL="${KAL:-$SRC/../kallikratis_municipalities_greece_simplified.fgb}"
rm -f "$OUT/attica_land.fgb"
ogr2ogr $FGB -nlt MULTIPOLYGON -nln attica_land "$OUT/attica_land.fgb" "$KAL" -spat 23.40 37.80 23.90 38.10 \
  -dialect SQLite -sql "select KWD_YPES as ypes_code, NAME as name_genitive, ST_X(ST_PointOnSurface(geometry)) as label_lon, ST_Y(ST_PointOnSurface(geometry)) as label_lat, geometry from kallikratis_municipalities_greece where KWD_YPES is not null"
