/**
 * Per-feature geometry checks and WKB encoding, done in Node before anything reaches PostGIS
 * (docs/reliability.md G4, G6, I4): a 10-million-vertex polygon or a NaN coordinate is rejected
 * here in O(vertices) without a GEOS call, and what survives is written as hex WKB for COPY.
 * No I/O.
 */

/** The three geometry families a layer can hold; Multi* belong to the family of their single type. */
export type Family = 'point' | 'line' | 'polygon';

export const GEOMETRY_FAMILY: Record<string, Family> = {
  Point: 'point',
  MultiPoint: 'point',
  LineString: 'line',
  MultiLineString: 'line',
  Polygon: 'polygon',
  MultiPolygon: 'polygon',
};

/** Vertex cap per imported feature (docs/reliability.md G6). */
export const MAX_VERTICES = 50_000;

export type GeometryRejection =
  | 'null_geometry'
  | 'unsupported_geometry_type'
  | 'malformed_geometry'
  | 'empty_geometry'
  | 'non_finite_coordinate'
  | 'too_many_vertices'
  | 'invalid_linestring'
  | 'invalid_ring';

export type EncodedGeometry =
  | { ok: true; family: Family; wkbHex: string; vertices: number }
  | { ok: false; reason: GeometryRejection; detail: string };

const WKB_TYPE: Record<string, number> = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6 };

class Reject extends Error {
  readonly reason: GeometryRejection;
  constructor(reason: GeometryRejection, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

/** Checks one GeoJSON geometry object and encodes it as 2D little-endian WKB (hex). Z/M are dropped. */
export function encodeGeometry(geometry: unknown, maxVertices = MAX_VERTICES): EncodedGeometry {
  try {
    if (geometry == null) throw new Reject('null_geometry', 'feature has no geometry');
    if (typeof geometry !== 'object') throw new Reject('malformed_geometry', 'geometry is not an object');
    const g = geometry as { type?: unknown; coordinates?: unknown };
    const type = typeof g.type === 'string' ? g.type : '';
    const family = GEOMETRY_FAMILY[type];
    if (!family) throw new Reject('unsupported_geometry_type', `geometry type ${JSON.stringify(String(g.type)).slice(0, 40)} is not supported`);
    // First pass: shape, finiteness and vertex count, without allocating anything.
    const counter = { n: 0, max: maxVertices };
    const size = measure(type, g.coordinates, counter);
    const w = new WkbWriter(size);
    write(type, g.coordinates, w);
    return { ok: true, family, wkbHex: w.hex(), vertices: counter.n };
  } catch (err) {
    if (err instanceof Reject) return { ok: false, reason: err.reason, detail: err.message };
    throw err;
  }
}

interface Counter {
  n: number;
  max: number;
}

function checkPosition(p: unknown, c: Counter): void {
  if (!Array.isArray(p) || p.length < 2) throw new Reject('malformed_geometry', 'a position must be an array of at least two numbers');
  const x = p[0];
  const y = p[1];
  if (typeof x !== 'number' || typeof y !== 'number') throw new Reject('malformed_geometry', 'a coordinate is not a number');
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Reject('non_finite_coordinate', 'a coordinate is NaN or infinite');
  if (++c.n > c.max) throw new Reject('too_many_vertices', `more than ${c.max} vertices`);
}

function checkArray(a: unknown, what: string): unknown[] {
  if (!Array.isArray(a)) throw new Reject('malformed_geometry', `${what} must be an array`);
  return a;
}

/** Validates and returns the WKB byte length (endian byte + type + payload). */
function measure(type: string, coords: unknown, c: Counter): number {
  switch (type) {
    case 'Point': {
      const p = checkArray(coords, 'Point coordinates');
      if (p.length === 0) throw new Reject('empty_geometry', 'empty point');
      checkPosition(p, c);
      return 5 + 16;
    }
    case 'LineString': {
      const line = checkArray(coords, 'LineString coordinates');
      if (line.length < 2) throw new Reject('invalid_linestring', 'a line needs at least two positions');
      for (const p of line) checkPosition(p, c);
      return 9 + 16 * line.length;
    }
    case 'Polygon': {
      const rings = checkArray(coords, 'Polygon coordinates');
      if (rings.length === 0) throw new Reject('empty_geometry', 'polygon without rings');
      let size = 9;
      for (const r of rings) {
        const ring = checkArray(r, 'a ring');
        if (ring.length < 4) throw new Reject('invalid_ring', 'a ring needs at least four positions');
        for (const p of ring) checkPosition(p, c);
        const a = ring[0] as number[];
        const b = ring[ring.length - 1] as number[];
        if (a[0] !== b[0] || a[1] !== b[1]) throw new Reject('invalid_ring', 'a ring is not closed');
        size += 4 + 16 * ring.length;
      }
      return size;
    }
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon': {
      const parts = checkArray(coords, `${type} coordinates`);
      if (parts.length === 0) throw new Reject('empty_geometry', `empty ${type}`);
      const single = type.slice(5);
      let size = 9;
      for (const part of parts) size += measure(single, part, c);
      return size;
    }
    default:
      throw new Reject('unsupported_geometry_type', `geometry type ${type} is not supported`);
  }
}

function write(type: string, coords: unknown, w: WkbWriter): void {
  w.header(WKB_TYPE[type]);
  switch (type) {
    case 'Point': {
      const p = coords as number[];
      w.xy(p[0], p[1]);
      return;
    }
    case 'LineString': {
      const line = coords as number[][];
      w.uint32(line.length);
      for (const p of line) w.xy(p[0], p[1]);
      return;
    }
    case 'Polygon': {
      const rings = coords as number[][][];
      w.uint32(rings.length);
      for (const ring of rings) {
        w.uint32(ring.length);
        for (const p of ring) w.xy(p[0], p[1]);
      }
      return;
    }
    default: {
      const parts = coords as unknown[];
      w.uint32(parts.length);
      const single = type.slice(5);
      for (const part of parts) write(single, part, w);
    }
  }
}

class WkbWriter {
  private readonly buf: Buffer;
  private o = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  header(type: number): void {
    this.buf[this.o] = 1; // little endian
    this.buf.writeUInt32LE(type, this.o + 1);
    this.o += 5;
  }
  uint32(n: number): void {
    this.buf.writeUInt32LE(n, this.o);
    this.o += 4;
  }
  xy(x: number, y: number): void {
    this.buf.writeDoubleLE(x, this.o);
    this.buf.writeDoubleLE(y, this.o + 8);
    this.o += 16;
  }
  hex(): string {
    return this.buf.toString('hex', 0, this.o);
  }
}
