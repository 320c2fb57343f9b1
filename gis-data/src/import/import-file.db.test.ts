/**
 * The import pipeline against a real PostGIS: the real layers vendored in test-fixtures/data (CRS84, EPSG:32145,
 * EPSG:2100; GeoJSON and FlatGeobuf made with ogr2ogr), each bad file of docs/reliability.md I1-I6
 * and G4-G6, and idempotency. Every failure case asserts the previous layer is untouched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geojson as fgbGeojson } from 'flatgeobuf';
import type { FeatureCollection } from 'geojson';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { projectRoot } from '../../../api/src/config.ts';
import { importLayerFile, ImportError, type ImportOptions } from './import-file.ts';

/** Real public layers vendored for the tests (test-fixtures/README.md has their licences). */
const shared = (p: string) => resolve(projectRoot, 'test-fixtures/data', p);
const fixture = (p: string) => resolve(projectRoot, 'gis-data/fixtures/import', p);

let db: TestDb;
let tmp: string;
const tmpFile = (name: string) => join(tmp, name);

function ogr(args: string[]): void {
  execFileSync('ogr2ogr', args, { stdio: 'pipe' });
}

function writeJson(name: string, fc: unknown): string {
  const p = tmpFile(name);
  writeFileSync(p, JSON.stringify(fc));
  return p;
}

const layer = (nameEn: string, group = 'reference') => ({ nameEl: nameEn, nameEn, group });

/** What a reader of the layer sees: count, a digest of every feature, and the version. */
async function snapshot(layerId: string) {
  const [s] = await db.sql<{ n: number; digest: string | null; version: number | null }[]>`
    select (select count(*)::int from assets where layer_id = ${layerId}) as n,
           (select md5(string_agg(encode(st_asbinary(geom), 'hex') || coalesce(name, '') || properties::text, ',' order by id))
              from assets where layer_id = ${layerId}) as digest,
           (select version from layers where id = ${layerId}) as version`;
  return s;
}

async function expectImportError(opts: ImportOptions, code: string): Promise<ImportError> {
  const err = await importLayerFile(db.sql, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportError);
  expect((err as ImportError).code).toBe(code);
  return err as ImportError;
}

/**
 * Max distance in metres between features of two layers, matched on external_id, or (when the
 * source has no usable id: the Montpelier GeoPackage's OBJECTID is 0 throughout and its order
 * differs) each feature against the nearest of the other layer by centroid.
 */
async function maxDistance(a: string, b: string, how: 'geom' | 'centroid' = 'geom', match: 'external_id' | 'nearest' = 'external_id') {
  await db.sql`analyze assets`;
  if (match === 'nearest') {
    const [r] = await db.sql<{ matched: number; max_m: number }[]>`
      select count(*)::int as matched, max(n.d) as max_m
        from assets x
        cross join lateral (
          select min(st_distance(st_centroid(x.geom)::geography, st_centroid(c.geom)::geography)) as d
            from (select y.geom from assets y where y.layer_id = ${b} order by y.geom <-> x.geom limit 10) c) n
       where x.layer_id = ${a}`;
    return r;
  }
  const expr = how === 'geom' ? db.sql`st_distance(x.geom::geography, y.geom::geography)` : db.sql`st_distance(st_centroid(x.geom)::geography, st_centroid(y.geom)::geography)`;
  const [r] = await db.sql<{ matched: number; max_m: number }[]>`
    select count(*)::int as matched, max(${expr}) as max_m
      from assets x join assets y on y.layer_id = ${b} and y.external_id = x.external_id
     where x.layer_id = ${a}`;
  return r;
}

const point = (lon: number, lat: number, props: Record<string, unknown> = {}) => ({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [lon, lat] } });
const square = (lon: number, lat: number, d = 0.001) => ({
  type: 'Feature',
  properties: { name: `sq ${lon},${lat}` },
  geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] },
});
const bowtie = (lon: number, lat: number, d = 0.001) => ({
  type: 'Feature',
  properties: { name: 'bowtie' },
  geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]] },
});
const points = (n: number) => Array.from({ length: n }, (_, i) => point(23.6 + i * 1e-4, 37.9, { name: `p${i}` }));

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'import-test-'));
  const gpkgVt = shared('us_vermont_montpelier_sewer/formats/montpelier_sewer_epsg32145.gpkg');
  const gpkgGr = shared('greece/piraeus_demo/formats/piraeus_demo_egsa87_epsg2100.gpkg');
  ogr(['-f', 'FlatGeobuf', tmpFile('sewer_points_32145.fgb'), gpkgVt, 'sewer_points']);
  ogr(['-f', 'FlatGeobuf', tmpFile('sewer_lines_32145.fgb'), gpkgVt, 'sewer_lines']);
  ogr(['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=NO', tmpFile('sewer_points_noindex.fgb'), gpkgVt, 'sewer_points']);
  ogr(['-f', 'FlatGeobuf', tmpFile('piraeus_bus_stops_2100.fgb'), gpkgGr, 'bus_stops_piraeus_sector']);
  ogr(['-f', 'FlatGeobuf', tmpFile('piraeus_boundary_2100.fgb'), gpkgGr, 'dimos_peiraia_boundary']);
  // GeoJSON in EPSG:2100: GDAL writes the legacy crs member "urn:ogc:def:crs:EPSG::2100".
  ogr(['-f', 'GeoJSON', tmpFile('piraeus_green_2100.geojson'), `/vsizip/${shared('greece/piraeus_demo/formats/piraeus_green_areas_egsa87_epsg2100.shp.zip')}`]);
});

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('importing the real layers', () => {
  it('imports the Trafford schools (points, CRS84 GeoJSON) at their exact coordinates', async () => {
    const file = shared('uk_trafford/trafford_schools_and_colleges.geojson');
    const r = await importLayerFile(db.sql, { layerId: 'trafford_schools', filePath: file, layer: layer('Trafford schools', 'building'), externalIdProperty: 'unique_reference_number' });
    expect(r).toMatchObject({ read: 103, loaded: 103, rejected: 0, sourceSrid: 4326, format: 'geojson' });
    const src = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection;
    const first = src.features[0] as { properties: Record<string, unknown>; geometry: { coordinates: number[] } };
    const [a] = await db.sql<{ name: string; lon: number; lat: number; geometry_type: string; feature_count: number }[]>`
      select a.name, st_x(a.geom) as lon, st_y(a.geom) as lat, l.geometry_type, l.feature_count
        from assets a join layers l on l.id = a.layer_id
       where a.layer_id = 'trafford_schools' and a.external_id = ${String(first.properties.unique_reference_number)}`;
    expect(a.name).toBe(first.properties.name);
    expect(a.lon).toBeCloseTo(first.geometry.coordinates[0], 9);
    expect(a.lat).toBeCloseTo(first.geometry.coordinates[1], 9);
    expect(a.geometry_type).toBe('point');
    expect(a.feature_count).toBe(103);
  });

  it('imports the Trafford green spaces (polygons and multipolygons)', async () => {
    const r = await importLayerFile(db.sql, { layerId: 'trafford_greenspace', filePath: shared('uk_trafford/trafford_greenspace_sites.geojson'), layer: layer('Trafford green space', 'space') });
    expect(r.read).toBe(427);
    expect(r.loaded + r.rejected).toBe(427);
    expect(r.rejected).toBe(0);
    const [l] = await db.sql<{ geometry_type: string; feature_count: number; extent: string }[]>`
      select geometry_type, feature_count, st_astext(extent) as extent from layers where id = 'trafford_greenspace'`;
    expect(l).toMatchObject({ geometry_type: 'polygon', feature_count: 427 });
    expect(l.extent).toMatch(/^POLYGON\(\(-2\./);
  });

  it('imports the Montpelier sewer network from FlatGeobuf in EPSG:32145, landing on the WGS84 originals', async () => {
    const pts = await importLayerFile(db.sql, { layerId: 'vt_manholes', filePath: tmpFile('sewer_points_32145.fgb'), layer: layer('Manholes', 'network') });
    expect(pts).toMatchObject({ read: 1059, loaded: 1059, rejected: 0, sourceSrid: 32145, format: 'flatgeobuf' });
    await importLayerFile(db.sql, { layerId: 'vt_manholes_wgs84', filePath: shared('us_vermont_montpelier_sewer/MontpelierPointFeatures.geojson'), layer: layer('Manholes (WGS84 original)') });
    const d = await maxDistance('vt_manholes', 'vt_manholes_wgs84', 'geom', 'nearest');
    expect(d.matched).toBe(1059);
    expect(d.max_m).toBeLessThan(1);

    const lines = await importLayerFile(db.sql, { layerId: 'vt_sewers', filePath: tmpFile('sewer_lines_32145.fgb'), layer: layer('Sewers', 'network') });
    expect(lines).toMatchObject({ read: 1133, loaded: 1133, sourceSrid: 32145 });
    await importLayerFile(db.sql, { layerId: 'vt_sewers_wgs84', filePath: shared('us_vermont_montpelier_sewer/MontpelierLinearFeatures.geojson'), layer: layer('Sewers (WGS84 original)') });
    const dl = await maxDistance('vt_sewers', 'vt_sewers_wgs84', 'centroid', 'nearest');
    expect(dl.matched).toBe(1133);
    expect(dl.max_m).toBeLessThan(1);
    const [t] = await db.sql<{ geometry_type: string }[]>`select geometry_type from layers where id = 'vt_sewers'`;
    expect(t.geometry_type).toBe('line');
  });

  it('imports the Piraeus layers in EPSG:2100 (FlatGeobuf from the GeoPackage, GeoJSON from the zipped Shapefile)', async () => {
    const stops = await importLayerFile(db.sql, { layerId: 'pir_bus_stops', filePath: tmpFile('piraeus_bus_stops_2100.fgb'), layer: layer('Στάσεις', 'network'), externalIdProperty: 'osm_id' });
    expect(stops).toMatchObject({ read: 874, loaded: 874, rejected: 0, sourceSrid: 2100 });
    await importLayerFile(db.sql, { layerId: 'pir_bus_stops_wgs84', filePath: shared('greece/piraeus_demo/bus_stops_piraeus_sector_osm.geojson'), layer: layer('Stops (WGS84 original)'), externalIdProperty: 'osm_id' });
    const d = await maxDistance('pir_bus_stops', 'pir_bus_stops_wgs84');
    expect(d.matched).toBe(874);
    expect(d.max_m).toBeLessThan(1);

    const green = await importLayerFile(db.sql, { layerId: 'pir_green', filePath: tmpFile('piraeus_green_2100.geojson'), layer: layer('Πράσινο', 'space'), externalIdProperty: 'FID' });
    expect(green.sourceSrid).toBe(2100);
    expect(green.read).toBe(4650);
    expect(green.rejected).toBe(0);
    expect(green.loaded).toBe(4650);
    const orig = await importLayerFile(db.sql, { layerId: 'pir_green_wgs84', filePath: shared('greece/piraeus_demo/piraeus_green_areas_landcover.geojson'), layer: layer('Green (WGS84 original)'), externalIdProperty: 'FID' });
    const dg = await maxDistance('pir_green', 'pir_green_wgs84', 'geom');
    expect(dg.matched).toBe(4650);
    expect(dg.max_m).toBeLessThan(1);
    // Raster-derived polygons: some are invalid and get repaired (differently in each CRS, as the
    // self-intersections fall differently); every other one must keep its centroid within 1 m.
    expect(green.repaired).toBeGreaterThan(0);
    const [moved] = await db.sql<{ n: number }[]>`
      select count(*)::int as n
        from assets x join assets y on y.layer_id = 'pir_green_wgs84' and y.external_id = x.external_id
       where x.layer_id = 'pir_green'
         and st_distance(st_centroid(x.geom)::geography, st_centroid(y.geom)::geography) >= 1`;
    expect(moved.n).toBeLessThanOrEqual((green.repaired ?? 0) + (orig.repaired ?? 0));

    const boundary = await importLayerFile(db.sql, { layerId: 'pir_boundary', filePath: tmpFile('piraeus_boundary_2100.fgb'), layer: layer('Όριο Δήμου', 'boundary') });
    expect(boundary).toMatchObject({ read: 1, loaded: 1, sourceSrid: 2100 });
    const [b] = await db.sql<{ inside: boolean }[]>`
      select st_contains(geom, st_setsrid(st_point(23.6470, 37.9420), 4326)) as inside from assets where layer_id = 'pir_boundary'`;
    expect(b.inside).toBe(true); // Piraeus port, Karaiskaki square
  });
});

describe('bad files fail as a whole and leave the previous layer untouched', () => {
  const target = 'bad_target';
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    await importLayerFile(db.sql, { layerId: target, filePath: tmpFile('sewer_points_32145.fgb'), layer: layer('Target', 'network') });
    before = await snapshot(target);
    expect(before.n).toBe(1059);
  });

  async function expectIntact(err: ImportError) {
    expect(await snapshot(target)).toEqual(before);
    const [row] = await db.sql<{ status: string; error: string }[]>`select status, error from layer_imports where id = ${err.report.importId ?? null}`;
    if (row) {
      expect(row.status).toBe('failed');
      expect(row.error).toContain(err.code);
    }
  }

  it('rejects wrong magic bytes', async () => {
    const zip = tmpFile('not-a-layer.fgb');
    writeFileSync(zip, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
    await expectIntact(await expectImportError({ layerId: target, filePath: zip }, 'unknown_format'));
    await expectIntact(await expectImportError({ layerId: target, filePath: zip, format: 'flatgeobuf' }, 'bad_magic'));
    const gj = tmpFile('not-geojson.geojson');
    writeFileSync(gj, '[1, 2, 3]');
    await expectIntact(await expectImportError({ layerId: target, filePath: gj, format: 'geojson' }, 'not_geojson'));
  });

  it('rejects a truncated FlatGeobuf and a truncated GeoJSON', async () => {
    const full = readFileSync(tmpFile('sewer_points_32145.fgb'));
    const cut = tmpFile('truncated.fgb');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.7)));
    const e = await expectImportError({ layerId: target, filePath: cut }, 'truncated');
    expect(e.message).toMatch(/truncated/);
    await expectIntact(e);
    // Cut inside the spatial index, and inside the header.
    writeFileSync(cut, full.subarray(0, 3000));
    await expectIntact(await expectImportError({ layerId: target, filePath: cut }, 'truncated'));
    writeFileSync(cut, full.subarray(0, 40));
    await expectIntact(await expectImportError({ layerId: target, filePath: cut }, 'truncated'));

    const gj = readFileSync(shared('uk_trafford/trafford_schools_and_colleges.geojson'));
    const gcut = tmpFile('truncated.geojson');
    writeFileSync(gcut, gj.subarray(0, Math.floor(gj.length / 2)));
    await expectIntact(await expectImportError({ layerId: target, filePath: gcut, sourceSrid: 32145 }, 'truncated'));
  });

  it('rejects a FlatGeobuf whose header feature count differs from its features', async () => {
    const bytes = Buffer.from(readFileSync(tmpFile('sewer_points_noindex.fgb')));
    const headerEnd = 12 + bytes.readUInt32LE(8);
    const count = Buffer.alloc(8);
    count.writeBigUInt64LE(1059n);
    const at = bytes.subarray(0, headerEnd).indexOf(count);
    expect(at).toBeGreaterThan(0);
    bytes.writeBigUInt64LE(1060n, at);
    const patched = tmpFile('count-1060.fgb');
    writeFileSync(patched, bytes);
    const e = await expectImportError({ layerId: target, filePath: patched }, 'feature_count_mismatch');
    expect(e.message).toContain('1060');
    expect(e.message).toContain('1059');
    await expectIntact(e);
  });

  it('rejects an unknown CRS, declared or given', async () => {
    const e = await expectImportError({ layerId: target, filePath: fixture('unknown-crs.geojson') }, 'unknown_crs');
    expect(e.message).toContain('999999');
    await expectIntact(e);
    const named = writeJson('named-crs.geojson', { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'My Local Grid' } }, features: points(3) });
    await expectIntact(await expectImportError({ layerId: target, filePath: named }, 'unknown_crs'));
    await expectIntact(await expectImportError({ layerId: target, filePath: tmpFile('sewer_points_32145.fgb'), sourceSrid: 123456 }, 'unknown_crs'));
  });

  it('rejects a file where too many features exceed the vertex cap, before any PostGIS call', async () => {
    const huge = { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: Array.from({ length: 60_000 }, (_, i) => [23.6 + i * 1e-7, 37.9]) } };
    const file = writeJson('huge.geojson', { type: 'FeatureCollection', features: [...points(50), huge, huge] });
    const e = await expectImportError({ layerId: target, filePath: file }, 'too_many_rejected');
    expect(e.report.rejectionCounts).toEqual({ too_many_vertices: 2 });
    expect(e.report.rejections?.[0]).toMatchObject({ index: 50 });
    await expectIntact(e);
  });

  it('rejects a file with too many NaN coordinates (FlatGeobuf doubles and GeoJSON literals)', async () => {
    const fc = { type: 'FeatureCollection', features: [...points(5), point(Number.NaN, 37.9, { name: 'nan' })] } as FeatureCollection;
    const fgb = tmpFile('nan.fgb');
    writeFileSync(fgb, fgbGeojson.serialize(fc, 4326));
    const e = await expectImportError({ layerId: target, filePath: fgb }, 'too_many_rejected');
    expect(e.report.rejectionCounts).toEqual({ non_finite_coordinate: 1 });
    await expectIntact(e);
    const lit = await expectImportError({ layerId: target, filePath: fixture('nan-literal.geojson') }, 'too_many_rejected');
    expect(lit.report.rejections?.[0]?.reason).toMatch(/NaN/);
    await expectIntact(lit);
  });

  it('rejects a file of mixed geometry types over the threshold, and one of the wrong type for the layer', async () => {
    const line = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[23.6, 37.9], [23.61, 37.91]] } };
    const mixed = writeJson('mixed.geojson', { type: 'FeatureCollection', features: [...points(3), line, line] });
    const e = await expectImportError({ layerId: target, filePath: mixed }, 'too_many_rejected');
    expect(e.report.rejectionCounts).toEqual({ mixed_geometry_type: 2 });
    await expectIntact(e);
    // The target holds points: a polygon file without new layer options is refused whole.
    const polys = writeJson('polys.geojson', { type: 'FeatureCollection', features: [square(23.6, 37.9), square(23.7, 37.9)] });
    await expectIntact(await expectImportError({ layerId: target, filePath: polys }, 'no_features'));
  });

  it('rejects invalid geometries that cannot be repaired, and null geometries, over the threshold', async () => {
    // A polygon collapsed to a line repairs to a lower dimension: rejected, not kept.
    const flat = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[23.6, 37.9], [23.61, 37.9], [23.62, 37.9], [23.6, 37.9]]] } };
    const unclosed = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[23.6, 37.9], [23.61, 37.9], [23.61, 37.91], [23.6, 37.91]]] } };
    const nul = { type: 'Feature', properties: {}, geometry: null };
    const file = writeJson('invalid.geojson', { type: 'FeatureCollection', features: [square(23.6, 37.9), square(23.62, 37.9), flat, unclosed, nul] });
    const e = await expectImportError({ layerId: 'bad_polys', filePath: file, layer: layer('Bad polygons', 'space') }, 'too_many_rejected');
    expect(e.report.rejectionCounts).toEqual({ invalid_geometry: 1, invalid_ring: 1, null_geometry: 1 });
    const [l] = await db.sql`select 1 from layers where id = 'bad_polys'`;
    expect(l).toBeUndefined(); // the catalogue entry is part of the swap, so it never appeared
    await expectIntact(await expectImportError({ layerId: target, filePath: file }, 'no_features'));
  });
});

describe('per-feature report under the 1% policy', () => {
  it('loads the good features and reports NaN, out-of-range and mixed-type ones', async () => {
    const line = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[23.6, 37.9], [23.61, 37.91]] } };
    const features = [...points(300)];
    features.splice(10, 0, point(Number.POSITIVE_INFINITY, 37.9)); // JSON.stringify writes null → malformed
    features.splice(20, 0, point(200, 37.9));
    features.splice(30, 0, line as never);
    const file = tmpFile('mostly-good.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }).replace('[null,37.9]', '[1e999,37.9]'));
    const r = await importLayerFile(db.sql, { layerId: 'mostly_good', filePath: file, layer: layer('Mostly good') });
    expect(r).toMatchObject({ read: 303, loaded: 300, rejected: 3 });
    expect(r.rejectionCounts).toEqual({ non_finite_coordinate: 1, coordinate_out_of_range: 1, mixed_geometry_type: 1 });
    expect(r.rejections.map((x) => x.index)).toEqual([10, 20, 30]);
    const [row] = await db.sql<{ features_rejected: number; rejection_counts: Record<string, number> }[]>`
      select features_rejected, rejection_counts from layer_imports where id = ${r.importId!}`;
    expect(row.features_rejected).toBe(3);
    expect(row.rejection_counts.coordinate_out_of_range).toBe(1);
  });

  it('repairs self-intersecting polygons with ST_MakeValid(method=structure) and reports a warning', async () => {
    const features = [...Array.from({ length: 150 }, (_, i) => square(23.6 + i * 0.002, 37.9)), bowtie(23.5, 37.9), bowtie(23.5, 37.95)];
    const file = writeJson('bowties.geojson', { type: 'FeatureCollection', features });
    const r = await importLayerFile(db.sql, { layerId: 'bowties', filePath: file, layer: layer('Bowties', 'space') });
    expect(r).toMatchObject({ read: 152, loaded: 152, rejected: 0, repaired: 2 });
    expect(r.warningCounts).toMatchObject({ invalid_geometry_repaired: 2 });
    expect(r.warnings?.[0]?.reason).toMatch(/Self-intersection/);
    const [v] = await db.sql<{ all_valid: boolean; types: string[] }[]>`
      select bool_and(st_isvalid(geom)) as all_valid, array_agg(distinct geometrytype(geom)) as types from assets where layer_id = 'bowties'`;
    expect(v.all_valid).toBe(true);
    expect(v.types.sort()).toEqual(['MULTIPOLYGON', 'POLYGON']);
  });

  it('rejects projected coordinates outside the CRS domain without failing the rest', async () => {
    const inGrid = (x: number, y: number) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [x, y] } });
    const features = [...Array.from({ length: 200 }, (_, i) => inGrid(475000 + i, 4200000)), inGrid(1e30, 1e30)];
    const file = writeJson('grid.geojson', { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2100' } }, features });
    const r = await importLayerFile(db.sql, { layerId: 'grid_points', filePath: file, layer: layer('Grid') });
    expect(r).toMatchObject({ read: 201, loaded: 200, rejected: 1, sourceSrid: 2100 });
    expect(Object.keys(r.rejectionCounts)[0]).toMatch(/transform_failed|coordinate_out_of_range/);
  });

  it('stores hostile attribute text verbatim as text, capped per field', async () => {
    const r = await importLayerFile(db.sql, { layerId: 'hostile', filePath: fixture('hostile-attributes.geojson'), layer: layer('Hostile') });
    expect(r.loaded).toBe(2);
    const [a] = await db.sql<{ name: string; external_id: string; properties: Record<string, unknown> }[]>`
      select name, external_id, properties from assets where layer_id = 'hostile' and external_id = 'x1'`;
    expect(a.name).toBe('<img src=x onerror=alert(1)>');
    expect(a.properties.website).toBe('javascript:alert(document.cookie)');
    expect(a.properties.note).toBe("<script>alert('xss')</script>");
    expect(a.properties.nul).toBe('ab');
    expect(a.properties.lone).toBe('\ufffdx');
    expect(a.properties.nested).toEqual({ deep: ['<svg onload=alert(1)>'] });
    expect(a.properties.__proto__).toBe('polluted?');

    const long = writeJson('long.geojson', { type: 'FeatureCollection', features: [point(23.6, 37.9, { name: 'long', blob: 'x'.repeat(1024 * 1024), ok: 'short' })] });
    const rl = await importLayerFile(db.sql, { layerId: 'hostile_long', filePath: long, layer: layer('Long') });
    expect(rl.warningCounts).toMatchObject({ attribute_truncated: 1 });
    const [b] = await db.sql<{ len: number; ok: string }[]>`
      select length(properties->>'blob') as len, properties->>'ok' as ok from assets where layer_id = 'hostile_long'`;
    expect(b).toEqual({ len: 10_000, ok: 'short' });
  });
});

describe('idempotency', () => {
  it('imports the same file twice as a no-op, and re-imports an older file once another replaced it', async () => {
    const a = shared('uk_trafford/trafford_libraries.geojson');
    const b = shared('uk_trafford/trafford_defibrillators.geojson');
    const first = await importLayerFile(db.sql, { layerId: 'idem', filePath: a, layer: layer('Idem') });
    expect(first.skipped).toBeUndefined();
    const s1 = await snapshot('idem');
    const again = await importLayerFile(db.sql, { layerId: 'idem', filePath: a, layer: layer('Idem') });
    expect(again).toMatchObject({ skipped: true, importId: first.importId, loaded: first.loaded });
    expect(await snapshot('idem')).toEqual(s1);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from layer_imports where layer_id = 'idem'`;
    expect(n).toBe(1);

    const other = await importLayerFile(db.sql, { layerId: 'idem', filePath: b, layer: layer('Idem') });
    expect(other.loaded).toBe(185);
    expect((await snapshot('idem')).n).toBe(185);
    const back = await importLayerFile(db.sql, { layerId: 'idem', filePath: a, layer: layer('Idem') });
    expect(back.skipped).toBeUndefined();
    expect(back.importId).toBe(first.importId);
    expect(await snapshot('idem').then((s) => s.n)).toBe(s1.n);
  });

  it('keeps asset ids stable across re-imports when features carry an external id', async () => {
    const file = shared('uk_trafford/trafford_schools_and_colleges.geojson');
    await importLayerFile(db.sql, { layerId: 'stable_ids', filePath: file, layer: layer('Stable', 'building'), externalIdProperty: 'unique_reference_number' });
    const before = await db.sql<{ id: number; external_id: string }[]>`select id, external_id from assets where layer_id = 'stable_ids' order by external_id`;
    // Same content, different bytes: a new import that must match features by external id.
    const copy = tmpFile('schools-copy.geojson');
    writeFileSync(copy, `${readFileSync(file, 'utf8')}\n`);
    const r = await importLayerFile(db.sql, { layerId: 'stable_ids', filePath: copy, externalIdProperty: 'unique_reference_number' });
    expect(r.loaded).toBe(103);
    const after = await db.sql<{ id: number; external_id: string }[]>`select id, external_id from assets where layer_id = 'stable_ids' order by external_id`;
    expect(after).toEqual(before);
  });
});

describe('loading into a segment of assets', () => {
  const parts = (layerId: string) =>
    db.sql<{ part: string; n: number }[]>`select tableoid::regclass::text as part, count(*)::int as n from assets where layer_id = ${layerId} group by 1`;
  const grid = async (layerId: string) => {
    const [g] = await db.sql<{ l14: number; l21: number; negative: number }[]>`
      select coalesce(sum(n) filter (where level = 14), 0)::int as l14, coalesce(sum(n) filter (where level = 21), 0)::int as l21,
             count(*) filter (where n < 0)::int as negative
        from asset_grid where layer_id = ${layerId}`;
    return g;
  };
  const segmentTables = async () =>
    (await db.sql<{ n: number }[]>`select count(*)::int as n from pg_class where relkind = 'r' and relname ~ '^assets_seg_[0-9]+$'`)[0]!.n;

  it('attaches the new features as a segment of assets; a re-import replaces it and applies the foreign keys', async () => {
    const a = writeJson('seg-a.geojson', { type: 'FeatureCollection', features: points(50) });
    const r1 = await importLayerFile(db.sql, { layerId: 'seg', filePath: a, layer: layer('Segment') });
    expect(r1.loaded).toBe(50);
    const p1 = await parts('seg');
    expect(p1).toEqual([{ part: expect.stringMatching(/^assets_seg_\d+$/), n: 50 }]);
    // What the statement triggers of assets keep for ordinary inserts: tile grid, count, version.
    expect(await grid('seg')).toEqual({ l14: 50, l21: 50, negative: 0 });
    const [l1] = await db.sql<{ feature_count: number; version: number }[]>`select feature_count, version from layers where id = 'seg'`;
    expect(l1!.feature_count).toBe(50);
    // The segment carries the primary key of assets and its own spatial, external id and name indexes.
    const indexes = await db.sql<{ def: string }[]>`
      select regexp_replace(indexdef, '^.* USING ', '') as def from pg_indexes where tablename = ${p1[0]!.part} order by 1`;
    expect(indexes.map((r) => r.def)).toEqual([
      'btree (id)',
      'btree (layer_id, external_id) WHERE (external_id IS NOT NULL)',
      'gin (search_key(name) gin_trgm_ops) WHERE (name IS NOT NULL)',
      'gist (geom)',
      'gist (geom_3857)',
    ]);
    // A tile query of another layer leaves the segment out (its layer check constraint).
    const plan = await db.sql<{ 'QUERY PLAN': string }[]>`explain select id from assets where layer_id = 'other' and geom_3857 && st_tileenvelope(14, 9264, 6325)`;
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).not.toContain(p1[0]!.part);

    const [{ id: referenced }] = await db.sql<{ id: number }[]>`select min(id) as id from assets where layer_id = 'seg'`;
    await db.sql`insert into network_valve_overrides (asset_id, operable) values (${referenced}, true)`;
    const b = writeJson('seg-b.geojson', { type: 'FeatureCollection', features: points(30).map((f, i) => ({ ...f, properties: { name: `q${i}` } })) });
    const r2 = await importLayerFile(db.sql, { layerId: 'seg', filePath: b, layer: layer('Segment') });
    expect(r2.loaded).toBe(30);
    const p2 = await parts('seg');
    expect(p2).toEqual([{ part: expect.stringMatching(/^assets_seg_\d+$/), n: 30 }]);
    expect(p2[0]!.part).not.toBe(p1[0]!.part);
    // The emptied segment is dropped after the swap; the cascade of the removed asset applied.
    const [{ t }] = await db.sql<{ t: string | null }[]>`select to_regclass(${p1[0]!.part})::text as t`;
    expect(t).toBeNull();
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from network_valve_overrides where asset_id = ${referenced}`;
    expect(n).toBe(0);
    expect(await grid('seg')).toEqual({ l14: 30, l21: 30, negative: 0 });
    const [l2] = await db.sql<{ feature_count: number; version: number }[]>`select feature_count, version from layers where id = 'seg'`;
    expect(l2!.feature_count).toBe(30);
    expect(l2!.version).toBeGreaterThan(l1!.version);
  });

  it('fails the swap when an inspected asset would go, leaving the layer as it was and no segment behind', async () => {
    const a = writeJson('seg-insp-a.geojson', { type: 'FeatureCollection', features: points(20) });
    await importLayerFile(db.sql, { layerId: 'seg_inspected', filePath: a, layer: layer('Inspected') });
    const [{ id }] = await db.sql<{ id: number }[]>`select min(id) as id from assets where layer_id = 'seg_inspected'`;
    await db.sql`
      insert into inspections (asset_id, kind, inspected_on, department_id, result)
      values (${id}, 'operational', current_date, (select id from departments order by id limit 1), 'pass')`;
    const before = await snapshot('seg_inspected');
    const tables = await segmentTables();
    const b = writeJson('seg-insp-b.geojson', { type: 'FeatureCollection', features: points(25).map((f, i) => ({ ...f, properties: { name: `r${i}` } })) });
    await expectImportError({ layerId: 'seg_inspected', filePath: b }, 'internal');
    expect(await snapshot('seg_inspected')).toEqual(before);
    expect(await segmentTables()).toBe(tables);
    expect(await grid('seg_inspected')).toEqual({ l14: 20, l21: 20, negative: 0 });
  });
});
