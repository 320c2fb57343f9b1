/**
 * Every format the README lists, imported from real files into a real PostGIS: the vendored
 * sources (test-fixtures/formats, test-fixtures/data) are converted with ogr2ogr in set-up into
 * the formats a municipality holds, then imported by the same pipeline, by CLI-style call and by
 * upload. Coordinates are checked against the WGS84 originals, attributes against their text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/src/app.ts';
import { loadConfig, projectRoot } from '../../../api/src/config.ts';
import { silentLogger } from '../../../api/src/logger.ts';
import { call, createStaffUser, signIn, type TestApp } from '../../../api/src/modules/auth/auth.test-helpers.ts';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { detectFormat, ImportError, importLayerFile, type ImportOptions } from './import-file.ts';
import { runStoredImport } from './run-import.ts';

const data = (p: string) => resolve(projectRoot, 'test-fixtures/data', p);
const formats = (p: string) => resolve(projectRoot, 'test-fixtures/formats', p);

let db: TestDb;
let tmp: string;
const out = (name: string) => join(tmp, name);
const ogr = (args: string[]) => execFileSync('ogr2ogr', args, { stdio: 'pipe' });
const layer = (nameEn: string, group = 'reference') => ({ nameEl: nameEn, nameEn, group });

const LIBRARIES = data('uk_trafford/trafford_libraries.geojson');
const GPKG_TWO_LAYERS = data('us_vermont_montpelier_sewer/formats/montpelier_sewer_epsg32145.gpkg');
const SHP_CP1253 = formats('bus_stops_cp1253_egsa87.shp.zip');

/** Altrincham Library in the CRS84 original. */
const ALTRINCHAM = [-2.35215660053423, 53.3870546821044] as const;

async function distanceToAltrincham(layerId: string): Promise<number> {
  const [r] = await db.sql<{ m: number }[]>`
    select st_distance(geom::geography, st_setsrid(st_makepoint(${ALTRINCHAM[0]}, ${ALTRINCHAM[1]}), 4326)::geography) as m
      from assets where layer_id = ${layerId} and name = 'Altrincham Library'`;
  return r!.m;
}

async function count(layerId: string): Promise<number> {
  const [r] = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = ${layerId}`;
  return r!.n;
}

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'import-formats-'));
  // The 13 Trafford libraries in every single-file format, some in the British National Grid.
  ogr(['-f', 'KML', out('libraries.kml'), LIBRARIES]);
  ogr(['-f', 'LIBKML', out('libraries.kmz'), LIBRARIES]);
  ogr(['-f', 'GML', '-t_srs', 'EPSG:27700', out('libraries_27700.gml'), LIBRARIES]);
  ogr(['-f', 'FlatGeobuf', '-t_srs', 'EPSG:27700', out('libraries_27700.fgb'), LIBRARIES]);
  ogr(['-f', 'GeoJSON', out('libraries.geojson'), LIBRARIES]);
  // European spreadsheets write semicolons, with longitude/latitude headers.
  ogr(['-f', 'CSV', '-lco', 'GEOMETRY=AS_XY', '-lco', 'SEPARATOR=SEMICOLON', out('libraries_xy.csv'), LIBRARIES]);
  writeFileSync(out('libraries.csv'), readFileSync(out('libraries_xy.csv'), 'utf8').replace(/^X;Y;/, 'longitude;latitude;'));
  ogr(['-f', 'CSV', '-lco', 'GEOMETRY=AS_XY', '-t_srs', 'EPSG:27700', out('libraries_27700.csv'), LIBRARIES]);
  // DXF carries no CRS: lines of the Montpelier sewer in the Vermont State Plane, read with --srid.
  ogr(['-f', 'DXF', '-limit', '60', out('sewer_lines_32145.dxf'), GPKG_TWO_LAYERS, 'sewer_lines']);
  // The same file under a name that says nothing: recognised by its bytes.
  writeFileSync(out('upload.bin'), readFileSync(GPKG_TWO_LAYERS));
});

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('format recognition by bytes', () => {
  it('names every format from its content, whatever the file is called', async () => {
    expect(await detectFormat(out('libraries.kml'))).toBe('kml');
    expect(await detectFormat(out('libraries.kmz'))).toBe('kmz');
    expect(await detectFormat(out('libraries_27700.gml'))).toBe('gml');
    expect(await detectFormat(out('libraries_27700.fgb'))).toBe('flatgeobuf');
    expect(await detectFormat(out('libraries.geojson'))).toBe('geojson');
    expect(await detectFormat(out('libraries.csv'))).toBe('csv');
    expect(await detectFormat(out('sewer_lines_32145.dxf'))).toBe('dxf');
    expect(await detectFormat(out('upload.bin'))).toBe('geopackage');
    expect(await detectFormat(SHP_CP1253)).toBe('shapefile');
  });
});

describe('every listed format imports through GDAL into the same pipeline', () => {
  const cases: [string, string, Partial<ImportOptions>, string][] = [
    ['kml', 'libraries.kml', {}, 'kml'],
    ['kmz', 'libraries.kmz', {}, 'kmz'],
    ['gml_27700', 'libraries_27700.gml', {}, 'gml'],
    ['fgb_27700', 'libraries_27700.fgb', {}, 'flatgeobuf'],
    ['geojson', 'libraries.geojson', {}, 'geojson'],
    ['csv_semicolon', 'libraries.csv', {}, 'csv'],
    ['csv_27700', 'libraries_27700.csv', { sourceSrid: 27700 }, 'csv'],
  ];
  for (const [id, file, extra, format] of cases) {
    it(`imports the 13 Trafford libraries from ${file} at their original coordinates`, async () => {
      const report = await importLayerFile(db.sql, { layerId: `lib_${id}`, filePath: out(file), layer: layer(`Libraries ${id}`), ...extra });
      expect(report.format).toBe(format);
      expect(report.loaded).toBe(13);
      expect(report.rejected).toBe(0);
      expect(await count(`lib_${id}`)).toBe(13);
      // Less than 1 m from the original after GDAL, the staging reprojection and back.
      expect(await distanceToAltrincham(`lib_${id}`)).toBeLessThan(1);
      const [row] = await db.sql<{ postcode: string }[]>`select properties->>'Postcode' as postcode from assets where layer_id = ${`lib_${id}`} and name = 'Altrincham Library'`;
      if (format !== 'kml' && format !== 'kmz') expect(row!.postcode).toBe('WA14 1AH');
    });
  }

  it('reads a zipped Shapefile in EPSG:2100 through its .prj and its CP1253 .cpg', async () => {
    const report = await importLayerFile(db.sql, { layerId: 'bus_stops_shp', filePath: SHP_CP1253, layer: layer('Bus stops') });
    expect(report).toMatchObject({ format: 'shapefile', sourceSrid: 2100, loaded: 40, rejected: 0, sourceLayer: 'bus_stops_cp1253' });
    // Greek names decoded from Windows-1253, not mojibake; the point lands in Piraeus (lon 23.6, lat 37.9).
    const [r] = await db.sql<{ name: string; x: number; y: number }[]>`
      select name, st_x(geom) as x, st_y(geom) as y from assets where layer_id = 'bus_stops_shp' and name = 'ΠΑΠΑΣΤΡΑΤΟΣ'`;
    expect(r).toBeDefined();
    expect(r!.x).toBeGreaterThan(23.5);
    expect(r!.x).toBeLessThan(23.8);
    expect(r!.y).toBeGreaterThan(37.8);
    expect(r!.y).toBeLessThan(38.1);
    const [bad] = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = 'bus_stops_shp' and name ~ '[ÐÓÔÑÏ]'`;
    expect(bad!.n).toBe(0);
  });

  it('asks which layer of a two-layer GeoPackage to read, then reads the one picked in EPSG:32145', async () => {
    const err = await importLayerFile(db.sql, { layerId: 'sewer_gpkg', filePath: out('upload.bin'), layer: layer('Sewer', 'network') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('source_layer_required');
    expect((err as ImportError).report.sourceLayers).toEqual(['sewer_lines', 'sewer_points']);
    expect(await count('sewer_gpkg')).toBe(0);

    const missing = await importLayerFile(db.sql, { layerId: 'sewer_gpkg', filePath: out('upload.bin'), sourceLayer: 'manholes', layer: layer('Sewer', 'network') }).catch((e: unknown) => e);
    expect((missing as ImportError).code).toBe('unknown_source_layer');

    const report = await importLayerFile(db.sql, { layerId: 'sewer_gpkg', filePath: out('upload.bin'), sourceLayer: 'sewer_points', layer: layer('Sewer', 'network') });
    expect(report).toMatchObject({ format: 'geopackage', sourceSrid: 32145, loaded: 1059, sourceLayer: 'sewer_points' });
    // Every 100th point of the WGS84 original has an imported point within half a metre.
    const original = JSON.parse(readFileSync(data('us_vermont_montpelier_sewer/MontpelierPointFeatures.geojson'), 'utf8')) as { features: { geometry: { coordinates: [number, number] } }[] };
    for (const f of original.features.filter((_, i) => i % 100 === 0)) {
      const [r] = await db.sql<{ m: number }[]>`
        select min(st_distance(geom::geography, st_setsrid(st_makepoint(${f.geometry.coordinates[0]}, ${f.geometry.coordinates[1]}), 4326)::geography)) as m
          from assets where layer_id = 'sewer_gpkg'`;
      expect(r!.m).toBeLessThan(0.5);
    }
  });

  it('reads a DXF (no CRS) with the CRS given, and refuses a CSV without coordinates', async () => {
    const report = await importLayerFile(db.sql, { layerId: 'sewer_dxf', filePath: out('sewer_lines_32145.dxf'), sourceSrid: 32145, layer: layer('Sewer lines', 'network') });
    expect(report).toMatchObject({ format: 'dxf', sourceSrid: 32145, loaded: 60, rejected: 0 });
    const [r] = await db.sql<{ x: number; y: number; t: string }[]>`
      select st_x(st_centroid(st_collect(geom))) as x, st_y(st_centroid(st_collect(geom))) as y, min(geometrytype(geom)) as t from assets where layer_id = 'sewer_dxf'`;
    // Montpelier, Vermont.
    expect(r!.x).toBeCloseTo(-72.57, 1);
    expect(r!.y).toBeCloseTo(44.26, 1);
    expect(r!.t).toMatch(/LINESTRING/);

    writeFileSync(out('no_xy.csv'), 'name,street\nA,B\n');
    const err = await importLayerFile(db.sql, { layerId: 'no_xy', filePath: out('no_xy.csv'), layer: layer('No xy') }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('no_coordinates');
  });
});

describe('upload of a non-native format', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    const config = loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://localhost:8080', dataDir: out('data') });
    app = createApp({ sql: db.sql, config, logger: silentLogger, boss: null });
    const a = await createStaffUser(db.sql, { email: 'formats-admin@example.test', role: 'admin' });
    admin = await signIn(app, a.email, a.password);
  });

  function form(path: string, fields: Record<string, string>): FormData {
    const f = new FormData();
    f.set('file', new Blob([readFileSync(path)]), 'whatever.dat');
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  }

  it('answers a two-layer GeoPackage with its layers, then stores the pick for the job', async () => {
    const fields = { layer: 'sewer_upload', name_el: 'Αποχέτευση', name_en: 'Sewer', group: 'network' };
    const ask = await call(app, 'POST', '/api/imports', { cookie: admin, body: form(GPKG_TWO_LAYERS, fields) });
    expect(ask.status).toBe(422);
    const body = (await ask.json()) as { error: { code: string; details: { layers: string[] } } };
    expect(body.error.code).toBe('source_layer_required');
    expect(body.error.details.layers).toEqual(['sewer_lines', 'sewer_points']);

    const res = await call(app, 'POST', '/api/imports', { cookie: admin, body: form(GPKG_TWO_LAYERS, { ...fields, source_layer: 'sewer_lines' }) });
    expect(res.status).toBe(202);
    const queued = (await res.json()) as { id: string; format: string };
    expect(queued.format).toBe('geopackage');
    // The job body (what the worker runs): the stored format and pick, nothing sniffed again.
    const result = await runStoredImport(db.sql, queued.id);
    expect(result).toMatchObject({ status: 'imported', report: { format: 'geopackage', sourceLayer: 'sewer_lines', loaded: 1133 } });
    const done = (await (await call(app, 'GET', `/api/imports/${queued.id}`, { cookie: admin })).json()) as { status: string; loaded: number };
    expect(done).toMatchObject({ status: 'succeeded', loaded: 1133 });
  });

  it('refuses a zip with no Shapefile and a text file that is no format, changing nothing', async () => {
    writeFileSync(out('notes.txt'), 'just some notes, nothing spatial\n');
    const res = await call(app, 'POST', '/api/imports', { cookie: admin, body: form(out('notes.txt'), { layer: 'sewer_upload' }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no_coordinates');
    execFileSync('zip', ['-j', out('readme.zip'), out('notes.txt')], { stdio: 'pipe' });
    const zip = await call(app, 'POST', '/api/imports', { cookie: admin, body: form(out('readme.zip'), { layer: 'sewer_upload' }) });
    expect(zip.status).toBe(422);
    expect(((await zip.json()) as { error: { code: string } }).error.code).toBe('unsupported_format');
    expect(await count('sewer_upload')).toBe(1133);
  });
});
