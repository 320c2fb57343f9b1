-- Imports accept every vector format a municipality is likely to hold: the non-native ones are
-- converted to FlatGeobuf by GDAL, but the row keeps the format the file arrived in.
alter table layer_imports drop constraint layer_imports_file_format_check;
alter table layer_imports add constraint layer_imports_file_format_check
  check (file_format in ('flatgeobuf', 'geojson', 'geopackage', 'shapefile', 'kml', 'kmz', 'gml', 'dxf', 'csv'));
