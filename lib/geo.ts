/** Geometry helpers shared by api, workers and web. No I/O. */
export const SRID = 4326;

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/**
 * Parses `minLon,minLat,maxLon,maxLat` (the OGC API and our bbox parameter).
 * Returns an error reason instead of throwing, so routes can answer 400 with it.
 */
export function parseBbox(text: string | undefined | null): { bbox: BBox } | { error: string } {
  if (text == null || text === '') return { error: 'bbox is required' };
  const parts = text.split(',');
  if (parts.length !== 4) return { error: 'bbox must be minLon,minLat,maxLon,maxLat' };
  const nums = parts.map((p) => (/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
  if (nums.some((n) => !Number.isFinite(n))) return { error: 'bbox values must be finite numbers' };
  const [minLon, minLat, maxLon, maxLat] = nums as BBox;
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) return { error: 'bbox outside [-180,-90,180,90]' };
  if (minLon > maxLon || minLat > maxLat) return { error: 'bbox is inverted (min greater than max)' };
  return { bbox: [minLon, minLat, maxLon, maxLat] };
}

/** Web Mercator tile range check: z in [0, maxZoom], x and y in [0, 2^z). */
export function isValidTile(z: number, x: number, y: number, maxZoom = 22): boolean {
  if (![z, x, y].every(Number.isInteger)) return false;
  if (z < 0 || z > maxZoom) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}
