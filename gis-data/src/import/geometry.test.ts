import { describe, expect, it } from 'vitest';
import { encodeGeometry } from './geometry.ts';

const ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];

describe('encodeGeometry', () => {
  it('writes little-endian 2D WKB, dropping Z', () => {
    const r = encodeGeometry({ type: 'Point', coordinates: [1, 2, 99] });
    expect(r).toEqual({ ok: true, family: 'point', vertices: 1, wkbHex: '0101000000000000000000f03f0000000000000040' });
    const poly = encodeGeometry({ type: 'MultiPolygon', coordinates: [[ring], [ring, ring]] });
    expect(poly.ok && poly.family).toBe('polygon');
    // 9 (multi header) + 2 polygon headers (9) + 3 rings × (4 + 5 × 16)
    expect(poly.ok && poly.wkbHex.length / 2).toBe(9 + 2 * 9 + 3 * (4 + 80));
    expect(encodeGeometry({ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]]] })).toMatchObject({ ok: true, family: 'line', vertices: 2 });
  });

  it('rejects what must never reach PostGIS, with a reason', () => {
    const reason = (g: unknown, max?: number) => {
      const r = encodeGeometry(g, max);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(null)).toBe('null_geometry');
    expect(reason({ type: 'GeometryCollection', geometries: [] })).toBe('unsupported_geometry_type');
    expect(reason({ type: 'Circle', coordinates: [0, 0] })).toBe('unsupported_geometry_type');
    expect(reason({ type: 'Point', coordinates: [Number.NaN, 1] })).toBe('non_finite_coordinate');
    expect(reason({ type: 'Point', coordinates: [Number.POSITIVE_INFINITY, 1] })).toBe('non_finite_coordinate');
    expect(reason({ type: 'Point', coordinates: ['23.7', 1] })).toBe('malformed_geometry');
    expect(reason({ type: 'Point', coordinates: [1] })).toBe('malformed_geometry');
    expect(reason({ type: 'Point', coordinates: [] })).toBe('empty_geometry');
    expect(reason({ type: 'LineString', coordinates: [[0, 0]] })).toBe('invalid_linestring');
    expect(reason({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] })).toBe('invalid_ring');
    expect(reason({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] })).toBe('invalid_ring');
    expect(reason({ type: 'MultiPolygon', coordinates: [] })).toBe('empty_geometry');
    expect(reason({ type: 'Polygon', coordinates: 'nope' })).toBe('malformed_geometry');
    const line = { type: 'LineString', coordinates: Array.from({ length: 50_001 }, (_, i) => [i, 0]) };
    expect(reason(line)).toBe('too_many_vertices');
    expect(reason(line, 60_000)).toBe('ok');
  });
});
