import { describe, expect, it } from 'vitest';
import { GeoJsonFormatError, readGeoJsonFeatures, GeoJsonScanner, type RawFeature } from './geojson-stream.ts';

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(text: string, size = 1 << 20, maxFeatureBytes?: number) {
  const scanner = new GeoJsonScanner(maxFeatureBytes);
  const out: RawFeature[] = [];
  for await (const f of readGeoJsonFeatures(chunked(text, size), scanner)) out.push(f);
  return { features: out, members: scanner.members };
}

async function errorOf(text: string): Promise<string> {
  try {
    await readAll(text);
  } catch (err) {
    if (err instanceof GeoJsonFormatError) return err.code;
    throw err;
  }
  return 'none';
}

const tricky = JSON.stringify({
  type: 'FeatureCollection',
  name: 'with "quotes" and {braces} [brackets] \\ backslashes',
  features: [
    { type: 'Feature', properties: { s: 'a "quoted" } ] string \\', greek: 'Πειραιάς ✓ 𝄞' }, geometry: { type: 'Point', coordinates: [23.6, 37.9] } },
    { type: 'Feature', properties: null, geometry: { type: 'LineString', coordinates: [[1, 2], [3, 4]] } },
  ],
  crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2100' } },
});

describe('readGeoJsonFeatures', () => {
  it('cuts out each feature whatever the chunk boundaries, multi-byte characters included', async () => {
    const expected = (JSON.parse(tricky) as { features: unknown[] }).features;
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const { features, members } = await readAll(`\ufeff ${tricky}\n`, size);
      expect(features.map((f) => ('value' in f ? f.value : f))).toEqual(expected);
      expect(features.map((f) => f.index)).toEqual([0, 1]);
      // A crs member after the features is still seen, once the document ends.
      expect(members.crs).toEqual({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2100' } });
      expect(members.name).toBe('with "quotes" and {braces} [brackets] \\ backslashes');
    }
  });

  it('reports a feature that is not JSON (a NaN literal) without failing the document', async () => {
    const { features } = await readAll('{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,1]}},{"type":"Feature"}]}');
    expect(features[0]).toMatchObject({ index: 0, error: 'malformed_feature' });
    expect(features[0]!.error && features[0]).toMatchObject({ detail: expect.stringMatching(/NaN/) });
    expect(features[1]).toEqual({ index: 1, value: { type: 'Feature' } });
  });

  it('skips a feature over the size cap without holding it', async () => {
    const big = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { x: 'y'.repeat(5000) } }, { type: 'Feature' }] });
    const { features } = await readAll(big, 100, 1000);
    expect(features[0]).toMatchObject({ index: 0, error: 'feature_too_large' });
    expect(features[1]).toEqual({ index: 1, value: { type: 'Feature' } });
  });

  it('fails a document that is truncated, not JSON, not a FeatureCollection or has trailing data', async () => {
    expect(await errorOf(tricky.slice(0, tricky.length - 5))).toBe('truncated');
    expect(await errorOf(tricky.slice(0, 60))).toBe('truncated');
    expect(await errorOf('')).toBe('not_geojson');
    expect(await errorOf('PK\u0003\u0004')).toBe('not_geojson');
    expect(await errorOf('[{"type":"Feature"}]')).toBe('not_geojson');
    expect(await errorOf('{"type":"Feature","geometry":null}')).toBe('not_feature_collection');
    expect(await errorOf('{"type":"Topology","features":[]}')).toBe('not_feature_collection');
    expect(await errorOf('{"features":{}}')).toBe('not_feature_collection');
    expect(await errorOf(`${tricky} {}`)).toBe('malformed_json');
    expect(await errorOf('{"type" "FeatureCollection"}')).toBe('malformed_json');
  });
});
