import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { csvCell, csvHeader, csvRow, geojsonFeature } from './open-data.encode.ts';
import { pickItemFormat } from './open-data.routes.ts';
import type { AttributeColumn } from './open-data.sql.ts';

const columns: AttributeColumn[] = [
  { key: 'diameter', type: 'double' },
  { key: 'note', type: 'string' },
];
// id, external_id, name, condition, criticality, install_date, diameter, note, geometry
const row = [12, 'V-1', 'Valve, "main"', 'good', 3, '2020-05-01', 110, '=1+1', 'POINT(23.6 37.9)'];

describe('CSV', () => {
  it('quotes per RFC 4180 and neutralises formula-looking text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    for (const f of ['=SUM(A1)', '+1', '-2+3', '@cmd', '\tx', '\rx']) expect(csvCell(f).replace(/^"/, '').startsWith(`'`)).toBe(true);
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell(-5)).toBe('-5'); // a number is data, not a formula
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(['a'])).toBe('"[""a""]"');
  });

  it('writes a WKT column first, then the fixed columns and the attributes', () => {
    expect(csvHeader(columns)).toBe('WKT,id,external_id,name,condition,criticality,install_date,diameter,note\r\n');
    expect(csvRow(row, columns)).toBe(`"POINT(23.6 37.9)",12,V-1,"Valve, ""main""",good,3,2020-05-01,110,'=1+1\r\n`);
  });
});

describe('GeoJSON features', () => {
  it('embed the geometry text and carry the fixed columns and attributes as properties', () => {
    const r = [...row.slice(0, 8), '{"type":"Point","coordinates":[23.6,37.9]}'];
    expect(JSON.parse(geojsonFeature(r, columns))).toEqual({
      type: 'Feature',
      id: 12,
      geometry: { type: 'Point', coordinates: [23.6, 37.9] },
      properties: { external_id: 'V-1', name: 'Valve, "main"', condition: 'good', criticality: 3, install_date: '2020-05-01', diameter: 110, note: '=1+1' },
    });
  });
});

describe('format negotiation', () => {
  it('prefers f= over Accept and defaults to GeoJSON', () => {
    expect(pickItemFormat(undefined, undefined)).toBe('json');
    expect(pickItemFormat(undefined, 'application/geo+json')).toBe('json');
    expect(pickItemFormat(undefined, 'application/flatgeobuf')).toBe('fgb');
    expect(pickItemFormat(undefined, 'text/csv;q=0.9, */*;q=0.1')).toBe('csv');
    expect(pickItemFormat('csv', 'application/flatgeobuf')).toBe('csv');
    expect(pickItemFormat('FGB', undefined)).toBe('fgb');
    expect(pickItemFormat('geojson', undefined)).toBe('json');
    expect(() => pickItemFormat('shp', undefined)).toThrow(AppError);
  });
});
