import { describe, expect, it } from 'vitest';
import { sridFromCrsName, sridFromFgbCrs, sridFromGeoJsonCrs, sridFromWkt } from './crs.ts';

describe('CRS of import files', () => {
  it('maps the GeoJSON crs forms to EPSG codes', () => {
    expect(sridFromCrsName('urn:ogc:def:crs:EPSG::2100')).toEqual({ srid: 2100 });
    expect(sridFromCrsName('urn:ogc:def:crs:EPSG:6.6:2100')).toEqual({ srid: 2100 });
    expect(sridFromCrsName('EPSG:32145')).toEqual({ srid: 32145 });
    expect(sridFromCrsName('http://www.opengis.net/def/crs/EPSG/0/3857')).toEqual({ srid: 3857 });
    expect(sridFromCrsName('urn:ogc:def:crs:OGC:1.3:CRS84')).toEqual({ srid: 4326 });
    expect(sridFromCrsName('OGC:CRS84')).toEqual({ srid: 4326 });
    expect(sridFromCrsName('Greek Grid')).toHaveProperty('unknown');
    expect(sridFromGeoJsonCrs(undefined)).toEqual({ srid: 4326 });
    expect(sridFromGeoJsonCrs({ type: 'EPSG', properties: { code: 2100 } })).toEqual({ srid: 2100 });
    expect(sridFromGeoJsonCrs({ type: 'link', properties: { href: 'http://x/crs' } })).toHaveProperty('unknown');
  });

  it('reads the FlatGeobuf header CRS, WKT included', () => {
    expect(sridFromFgbCrs(null)).toBeNull();
    expect(sridFromFgbCrs({ org: 'EPSG', code: 2100, code_string: null, wkt: null })).toEqual({ srid: 2100 });
    expect(sridFromFgbCrs({ org: null, code: 32145, code_string: null, wkt: null })).toEqual({ srid: 32145 });
    expect(sridFromFgbCrs({ org: 'OGC', code: 0, code_string: 'CRS84', wkt: null })).toEqual({ srid: 4326 });
    const wkt = 'PROJCRS["GGRS87 / Greek Grid",BASEGEOGCRS["GGRS87",ID["EPSG",4121]],CONVERSION["x",ID["EPSG",19930]],ID["EPSG",2100]]';
    expect(sridFromWkt(wkt)).toBe(2100);
    expect(sridFromFgbCrs({ org: 'ESRI', code: 0, code_string: null, wkt })).toEqual({ srid: 2100 });
    expect(sridFromWkt('PROJCS["local",GEOGCS["x",AUTHORITY["EPSG","4326"]],UNIT["m",1]]')).toBeNull();
    expect(sridFromFgbCrs({ org: 'ESRI', code: 102100, code_string: null, wkt: null })).toHaveProperty('unknown');
  });
});
