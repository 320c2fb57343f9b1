import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capPolygonToRing, checkArea, parseCapCircle, ringToCapPolygon } from './area.ts';

const square = [[23.62, 37.94], [23.63, 37.94], [23.63, 37.95], [23.62, 37.95], [23.62, 37.94]];

describe('checkArea', () => {
  it('accepts a closed polygon', () => {
    expect(checkArea({ type: 'Polygon', coordinates: [square] })).toMatchObject({ ok: true, vertices: 5 });
  });
  it.each([
    ['unclosed ring', [square.slice(0, 4)], 'invalid_ring'],
    ['ring with 3 positions', [[[23.62, 37.94], [23.63, 37.94], [23.62, 37.94]]], 'invalid_ring'],
    ['repeated-only points', [[[23.62, 37.94], [23.62, 37.94], [23.62, 37.94], [23.62, 37.94]]], 'invalid_ring'],
    ['zero-area ring', [[[23.62, 37.94], [23.63, 37.94], [23.64, 37.94], [23.62, 37.94]]], 'invalid_ring'],
    ['latitude out of range', [[[23.62, 97.94], [23.63, 37.94], [23.63, 37.95], [23.62, 97.94]]], 'invalid_geometry'],
  ])('refuses an %s (G4)', (_name, coordinates, code) => {
    expect(checkArea({ type: 'Polygon', coordinates })).toMatchObject({ ok: false, code });
  });
  it('refuses more vertices than allowed before looking at them (G6)', () => {
    const ring = Array.from({ length: 1001 }, () => 'not even a position');
    expect(checkArea({ type: 'Polygon', coordinates: [ring] })).toMatchObject({ ok: false, code: 'too_many_vertices' });
    expect(checkArea({ type: 'Polygon', coordinates: [square] }, 4)).toMatchObject({ ok: false, code: 'too_many_vertices' });
  });
  it('refuses other geometry types', () => {
    expect(checkArea({ type: 'Point', coordinates: [23.6, 37.9] })).toMatchObject({ ok: false, code: 'invalid_geometry' });
  });
});

describe('CAP <-> GeoJSON axis order (G9)', () => {
  const lon = fc.double({ min: -180, max: 180, noNaN: true }).map((n) => Math.round(n * 1e6) / 1e6);
  const lat = fc.double({ min: -90, max: 90, noNaN: true }).map((n) => Math.round(n * 1e6) / 1e6);
  const ring = fc.array(fc.tuple(lon, lat), { minLength: 3, maxLength: 50 }).map((ps) => [...ps, ps[0]!]);

  it('round-trips a ring exactly, swapping axes once each way', () => {
    fc.assert(
      fc.property(ring, (r) => {
        const text = ringToCapPolygon(r);
        // Outward: the first number of every pair is the latitude.
        const firstPairs = text.split(' ').map((p) => p.split(',').map(Number));
        expect(firstPairs.map(([a, b]) => [b, a])).toEqual(r.map(([x, y]) => [x === 0 ? 0 : x, y === 0 ? 0 : y]));
        expect(capPolygonToRing(text)).toEqual(r.map(([x, y]) => [x === 0 ? 0 : x, y === 0 ? 0 : y]));
      }),
    );
  });

  it('reads Piraeus in CAP order as lon 23.6, lat 37.9', () => {
    expect(capPolygonToRing('37.94,23.62 37.94,23.63 37.95,23.63 37.94,23.62')[0]).toEqual([23.62, 37.94]);
    expect(parseCapCircle('37.94,23.62 1.5')).toEqual({ lat: 37.94, lon: 23.62, radiusKm: 1.5 });
  });

  it('refuses text that is not lat,lon pairs', () => {
    expect(() => capPolygonToRing('23.62 37.94')).toThrow();
    expect(() => capPolygonToRing('95.1,23.6 37.9,23.6 37.9,23.7 95.1,23.6')).toThrow(/out of range/);
  });
});
