import { describe, expect, it } from 'vitest';
import { csvHasCoordinates, sniffFormat } from './formats.ts';
import { parseLayerList, pickLayer, GdalError } from './gdal.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('sniffFormat', () => {
  it('recognises each format by its first bytes', () => {
    expect(sniffFormat(Uint8Array.from([0x66, 0x67, 0x62, 3, 0x66, 0x67, 0x62, 1]))).toEqual({ format: 'flatgeobuf' });
    expect(sniffFormat(bytes('\ufeff  {"type":"FeatureCollection"'))).toEqual({ format: 'geojson' });
    expect(sniffFormat(bytes('SQLite format 3\u0000\u0010\u0000'))).toEqual({ format: 'geopackage' });
    expect(sniffFormat(bytes('<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'))).toEqual({ format: 'kml' });
    expect(sniffFormat(bytes('<?xml version="1.0"?><ogr:FeatureCollection xmlns:gml="http://www.opengis.net/gml">'))).toEqual({ format: 'gml' });
    expect(sniffFormat(bytes('  0\r\nSECTION\r\n  2\r\nHEADER'))).toEqual({ format: 'dxf' });
    expect(sniffFormat(bytes('Name;Longitude;Latitude\nA;23.6;37.9\n'))).toEqual({ format: 'csv' });
    expect(sniffFormat(bytes('id,WKT\n1,POINT (1 2)\n'))).toEqual({ format: 'csv' });
  });

  it('tells a zipped Shapefile from a KMZ by the entry names', () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
    expect(sniffFormat(zip, ['roads.shp', 'roads.dbf', 'roads.shx', 'roads.prj', 'roads.cpg'])).toEqual({ format: 'shapefile' });
    expect(sniffFormat(zip, ['doc.kml', 'files/icon.png'])).toEqual({ format: 'kmz' });
    expect(sniffFormat(zip, ['__MACOSX/._roads.shp', 'readme.txt'])).toMatchObject({ error: 'unsupported_format' });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(sniffFormat(bytes('name,street\nA,B\n'))).toMatchObject({ error: 'no_coordinates' });
    expect(sniffFormat(bytes('<html><body>'))).toMatchObject({ error: 'unsupported_format' });
    expect(sniffFormat(bytes('%PDF-1.7'))).toMatchObject({ error: 'unsupported_format' });
    expect(sniffFormat(new Uint8Array())).toMatchObject({ error: 'unsupported_format' });
  });

  it('finds coordinate columns whatever their case and quoting', () => {
    expect(csvHasCoordinates('"X"\t"Y"\tname')).toBe(true);
    expect(csvHasCoordinates('easting,northing')).toBe(true);
    expect(csvHasCoordinates('lon,name')).toBe(false);
  });
});

describe('source layers', () => {
  it('parses ogrinfo layer lines, names with spaces and parentheses included', () => {
    expect(parseLayerList("INFO: Open of `x'\n      using driver `GPKG' successful.\n1: sewer_lines (Line String)\n2: my layer (2024) (Point)\n3: entities\n")).toEqual([
      { name: 'sewer_lines', geometry: 'Line String' },
      { name: 'my layer (2024)', geometry: 'Point' },
      { name: 'entities', geometry: null },
    ]);
  });

  it('takes the only layer, asks when there are several, refuses an unknown one', () => {
    const one = [{ name: 'a', geometry: 'Point' }];
    const two = [...one, { name: 'b', geometry: 'Point' }];
    expect(pickLayer(one, undefined, 'geopackage')).toBe('a');
    expect(pickLayer(two, 'b', 'geopackage')).toBe('b');
    expect(() => pickLayer(two, undefined, 'geopackage')).toThrow(GdalError);
    expect(() => pickLayer(two, 'c', 'geopackage')).toThrow(/its layers: a, b/);
    expect(() => pickLayer([], undefined, 'kml')).toThrow(/no vector layer/);
  });
});
