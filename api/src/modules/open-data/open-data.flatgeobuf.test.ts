import { describe, expect, it } from 'vitest';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { FeatureCollection } from 'geojson';
import { FgbFeatureWriter, fgbHeader, WkbError, type FgbColumn } from './open-data.flatgeobuf.ts';

/** Little-endian 2D WKB, built by hand so the test does not depend on the code under test. */
function wkb(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = 1;
  head.writeUInt32LE(type, 1);
  return Buffer.concat([head, body]);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const coords = (pts: number[][]) => {
  const b = Buffer.alloc(pts.length * 16);
  pts.forEach(([x, y], i) => {
    b.writeDoubleLE(x!, i * 16);
    b.writeDoubleLE(y!, i * 16 + 8);
  });
  return b;
};
const point = (x: number, y: number) => wkb(1, coords([[x, y]]));
const line = (pts: number[][]) => wkb(2, Buffer.concat([u32(pts.length), coords(pts)]));
const polygon = (rings: number[][][]) => wkb(3, Buffer.concat([u32(rings.length), ...rings.flatMap((r) => [u32(r.length), coords(r)])]));
const multi = (type: number, parts: Buffer[]) => wkb(type, Buffer.concat([u32(parts.length), ...parts]));

const columns: FgbColumn[] = [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
  { name: 'diameter', type: 'double' },
  { name: 'active', type: 'bool' },
  { name: 'installed', type: 'datetime' },
];

async function readBack(file: Buffer): Promise<FeatureCollection> {
  const features = [];
  for await (const f of deserialize(new Uint8Array(file))) features.push(f);
  return { type: 'FeatureCollection', features } as FeatureCollection;
}

describe('streaming FlatGeobuf writer', () => {
  it('writes every geometry type and property type so the reference reader reads them back', async () => {
    const square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];
    const hole = [[1, 1], [2, 1], [2, 2], [1, 1]];
    const geoms = [
      point(23.65, 37.94),
      line([[23.6, 37.9], [23.61, 37.91], [23.62, 37.95]]),
      polygon([square, hole]),
      multi(4, [point(1, 2), point(3, 4)]),
      multi(5, [line([[0, 0], [1, 1]]), line([[2, 2], [3, 3], [4, 5]])]),
      multi(6, [polygon([square]), polygon([square, hole])]),
    ];
    const w = new FgbFeatureWriter(columns, 64); // tiny start: forces the buffer to grow
    geoms.forEach((g, i) => w.write(g, [i + 1, i % 2 ? `Όνομα ${i}` : null, i * 1.5, i % 2 === 0, new Date(Date.UTC(2020, 0, i + 1))]));
    const file = Buffer.concat([fgbHeader({ name: 'test_layer', columns }), w.take()]);
    const fc = await readBack(file);
    expect(fc.features.map((f) => f.geometry.type)).toEqual(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']);
    expect(fc.features[0]!.geometry).toEqual({ type: 'Point', coordinates: [23.65, 37.94] });
    expect(fc.features[2]!.geometry).toEqual({ type: 'Polygon', coordinates: [square, hole] });
    expect(fc.features[4]!.geometry).toEqual({ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 5]]] });
    expect(fc.features[5]!.geometry).toEqual({ type: 'MultiPolygon', coordinates: [[square], [square, hole]] });
    expect(fc.features[1]!.properties).toMatchObject({ id: 2, name: 'Όνομα 1', diameter: 1.5, active: false });
    expect(fc.features[0]!.properties).not.toHaveProperty('name');
    expect(fc.features[2]!.properties?.installed).toBe('2020-01-03T00:00:00.000Z');
  });

  it('keeps doubles 8-aligned from the size prefix, as the flatbuffers builder does', () => {
    const w = new FgbFeatureWriter([{ name: 'name', type: 'string' }]);
    w.write(line([[1, 2], [3, 4]]), ['abc']);
    w.write(point(5, 6), ['a much longer name that shifts everything']);
    const buf = w.take();
    const first = buf.readUInt32LE(0) + 4;
    expect(first % 8).toBe(0);
    // The second feature's x (5.0) sits at an offset that is a multiple of 8 from its prefix.
    const second = buf.subarray(first);
    let found = -1;
    for (let i = 0; i + 8 <= second.length; i++) if (second.readDoubleLE(i) === 5 && second.readDoubleLE(i + 8) === 6) found = i;
    expect(found % 8).toBe(0);
  });

  it('rejects WKB it cannot lay out', () => {
    const w = new FgbFeatureWriter([]);
    expect(() => w.write(Buffer.from([0, 0, 0, 0, 1]), [])).toThrow(WkbError);
    expect(() => w.write(line([[1, 2], [3, 4]]).subarray(0, 20), [])).toThrow(WkbError);
  });
});
