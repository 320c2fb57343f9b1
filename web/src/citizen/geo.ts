/**
 * Client-side geometry for the pin: is it inside the municipality? The API checks again with
 * PostGIS (ST_Covers); this only saves the citizen a round trip and explains the problem at once.
 */

type Ring = number[][];

/** Even-odd ray casting on one ring. */
function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(x: number, y: number, rings: Ring[]): boolean {
  if (!rings[0] || !inRing(x, y, rings[0])) return false;
  for (const hole of rings.slice(1)) if (inRing(x, y, hole)) return false;
  return true;
}

/**
 * True when [lon, lat] lies in any polygon of the collection. With no polygon at all (boundary
 * not loaded) the answer is true: the server decides.
 */
export function pointInAreas(lon: number, lat: number, areas: GeoJSON.FeatureCollection | null): boolean {
  const polys: Ring[][] = [];
  for (const f of areas?.features ?? []) {
    const g = f.geometry;
    if (g?.type === 'Polygon') polys.push(g.coordinates);
    else if (g?.type === 'MultiPolygon') polys.push(...g.coordinates);
  }
  if (polys.length === 0) return true;
  return polys.some((p) => inPolygon(lon, lat, p));
}

/** Metres between two points (haversine; short distances on a phone screen). */
export function distanceM(a: [number, number], b: [number, number]): number {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(s));
}
