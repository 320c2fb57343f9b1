/**
 * Areas drawn by staff or citizens (alert areas, exposure queries, subscriptions) and CAP's own
 * text forms of them. Everything here runs before any GEOS call, so a hostile polygon (an unclosed
 * ring, a million vertices) is refused cheaply with a machine-readable code (RELIABILITY G4, G6);
 * self-intersections are found afterwards by PostGIS (ST_IsValidReason, G5).
 *
 * Axis order: GeoJSON positions are [lon, lat]; CAP 1.2 polygons and circles are "lat,lon". The
 * conversions below are the only place where axes swap (G9: exactly once per direction).
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type AreaGeometry = Polygon | MultiPolygon;

export type AreaCheck = { ok: true; geometry: AreaGeometry; vertices: number } | { ok: false; code: string; message: string };

/** Citizen and staff drawn areas: at most this many vertices in all (G6). @default 1000 */
export const MAX_DRAWN_VERTICES = 1000;
/** CAP polygons we emit: at most this many vertices each, closing point included. */
export const MAX_CAP_VERTICES = 100;

const fail = (code: string, message: string): AreaCheck => ({ ok: false, code, message });

function isPosition(p: unknown): p is Position {
  return Array.isArray(p) && p.length >= 2 && p.length <= 3 && p.every((n) => typeof n === 'number' && Number.isFinite(n)) && Math.abs(p[0] as number) <= 180 && Math.abs(p[1] as number) <= 90;
}

/** Checks a GeoJSON Polygon or MultiPolygon's structure; counts vertices before looking at rings. */
export function checkArea(g: unknown, maxVertices = MAX_DRAWN_VERTICES): AreaCheck {
  if (!g || typeof g !== 'object') return fail('invalid_geometry', 'the area must be a GeoJSON Polygon or MultiPolygon');
  const geom = g as { type?: unknown; coordinates?: unknown };
  if (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon') return fail('invalid_geometry', 'the area must be a GeoJSON Polygon or MultiPolygon');
  if (!Array.isArray(geom.coordinates)) return fail('invalid_geometry', 'coordinates missing');
  const polygons = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as unknown[];
  // Count first, without walking into rings we would refuse anyway (G6: before any GEOS call).
  let vertices = 0;
  for (const poly of polygons) {
    if (!Array.isArray(poly) || poly.length === 0) return fail('invalid_ring', 'a polygon needs at least one ring');
    for (const ring of poly) {
      if (!Array.isArray(ring)) return fail('invalid_ring', 'a ring must be an array of positions');
      vertices += ring.length;
      if (vertices > maxVertices) return fail('too_many_vertices', `the area has more than ${maxVertices} vertices`);
    }
  }
  if (polygons.length === 0) return fail('invalid_ring', 'the area has no polygon');
  for (const poly of polygons as unknown[][]) {
    for (const ring of poly as unknown[][]) {
      if (!ring.every(isPosition)) return fail('invalid_geometry', 'every position must be [longitude, latitude] in degrees');
      const r = ring as Position[];
      if (r.length < 4) return fail('invalid_ring', 'a ring needs at least 4 positions (closed triangle)');
      const first = r[0]!;
      const last = r[r.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) return fail('invalid_ring', 'a ring must be closed (first position = last)');
      const distinct = new Set(r.map((p) => `${p[0]},${p[1]}`));
      if (distinct.size < 3) return fail('invalid_ring', 'a ring needs at least 3 distinct positions');
      if (Math.abs(ringArea(r)) === 0) return fail('invalid_ring', 'a ring encloses no area');
    }
  }
  return { ok: true, geometry: geom as AreaGeometry, vertices };
}

/** Shoelace area in square degrees: only its sign and zero-ness are used. */
function ringArea(r: Position[]): number {
  let a = 0;
  for (let i = 0; i < r.length - 1; i++) a += r[i]![0]! * r[i + 1]![1]! - r[i + 1]![0]! * r[i]![1]!;
  return a / 2;
}

/** One GeoJSON ring -> CAP <polygon> text ("lat,lon lat,lon ..."): the one swap outward. */
export function ringToCapPolygon(ring: Position[]): string {
  return ring.map((p) => `${fmt(p[1]!)},${fmt(p[0]!)}`).join(' ');
}

/** CAP <polygon> text -> a GeoJSON ring ([lon, lat] positions): the one swap inward. Throws on bad text. */
export function capPolygonToRing(text: string): Position[] {
  const pairs = text.trim().split(/\s+/);
  const ring = pairs.map((pair) => {
    const m = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(pair);
    if (!m) throw new Error(`not a lat,lon pair: ${pair.slice(0, 40)}`);
    const lat = Number(m[1]);
    const lon = Number(m[2]);
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new Error(`out of range: ${pair.slice(0, 40)}`);
    return [lon, lat];
  });
  if (ring.length < 4) throw new Error('a CAP polygon needs at least 4 pairs');
  return ring;
}

/** CAP <circle> text "lat,lon radiusKm". Throws on bad text. */
export function parseCapCircle(text: string): { lat: number; lon: number; radiusKm: number } {
  const m = /^\s*(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) throw new Error('a CAP circle is "lat,lon radius"');
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new Error('circle centre out of range');
  return { lat, lon, radiusKm: Number(m[3]) };
}

export function capCircleText(c: { lat: number; lon: number; radiusKm: number }): string {
  return `${fmt(c.lat)},${fmt(c.lon)} ${fmt(c.radiusKm)}`;
}

/** Six decimals (about 0.1 m) without trailing zeros: CAP's decimal degrees. */
function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}
