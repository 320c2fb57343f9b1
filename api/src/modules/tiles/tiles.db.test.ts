/**
 * Vector tiles against a real PostGIS: size and feature caps on generated dense layers at several
 * zooms, ETag / 304 / invalidation, 400 and 404 cases, and GDAL's MVT driver as an independent reader.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Pool } from '../../db.ts';
import { silentLogger } from '../../logger.ts';
import { MVT_CONTENT_TYPE } from './tiles.routes.ts';

const run = promisify(execFile);
const MAX_BYTES = 500 * 1024;
const MAX_FEATURES = 50_000;

/** Tile containing lon/lat at zoom z (XYZ scheme). */
function tileAt(z: number, lon: number, lat: number): [number, number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [z, x, y];
}

// A dense block in Piraeus: everything below sits in a ~600 m square, so a z16 tile holds all of it.
const LON = 23.6425;
const LAT = 37.9425;
const SPAN = 0.005;

let db: TestDb;
let appSql: Pool;
let app: ReturnType<typeof createApp>;
/** Every statement the app's client sends (postgres.js debug hook), to prove a 304 runs no tile SQL. */
const statements: string[] = [];
let workDir: string;

async function tile(layer: string, [z, x, y]: [number, number, number], headers: Record<string, string> = {}) {
  return app.request(`/tiles/${layer}/${z}/${x}/${y}.mvt`, { headers });
}

function decode(bytes: ArrayBuffer) {
  const vt = new VectorTile(new PbfReader(new Uint8Array(bytes)));
  return vt;
}

function layerFeatures(vt: VectorTile, name: string) {
  const layer = vt.layers[name];
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i));
}

beforeAll(async () => {
  db = await createTestDb();
  workDir = mkdtempSync(join(tmpdir(), 'tiles-test-'));
  await db.sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public, attribution, attribute_schema)
    values ('dense_points', 'Σημεία', 'Dense points', 'network', 'point', true, '© test', '{}'),
           ('dense_lines', 'Γραμμές', 'Dense lines', 'network', 'line', true, '© test', '{}'),
           ('dense_polygons', 'Πολύγωνα', 'Dense polygons', 'building', 'polygon', true, '© test', '{}'),
           ('hidden_points', 'Κρυφά', 'Hidden points', 'network', 'point', false, '', '{}')`;
  // 30,000 points: a z16 tile would hold ~1.8 MB raw, far over the 500 KB budget.
  await db.sql`
    insert into assets (layer_id, external_id, name, properties, condition, criticality, geom)
    select 'dense_points', 'P' || i, 'Hydrant number ' || i,
           jsonb_build_object('diameter_mm', 80 + i % 5 * 20, 'material', 'ductile iron', 'owner_email', 'someone@example.org',
                              'notes', repeat('long text ', 40), 'nested', jsonb_build_object('a', 1)),
           'good', 1 + i % 5,
           st_setsrid(st_makepoint(${LON} + random() * ${SPAN}, ${LAT} + random() * ${SPAN}), 4326)
      from generate_series(1, 30000) i`;
  await db.sql`
    insert into assets (layer_id, external_id, name, condition, geom)
    select 'dense_lines', 'L' || i, 'Pipe ' || i, 'fair',
           st_setsrid(st_makeline(array[st_makepoint(x, y), st_makepoint(x + 0.0002, y + 0.0001), st_makepoint(x + 0.0003, y + 0.0003), st_makepoint(x + 0.0005, y + 0.0002)]), 4326)
      from (select i, ${LON} + random() * ${SPAN} as x, ${LAT} + random() * ${SPAN} as y from generate_series(1, 15000) i) s`;
  await db.sql`
    insert into assets (layer_id, external_id, name, condition, geom)
    select 'dense_polygons', 'B' || i, 'Building ' || i, 'poor',
           st_setsrid(st_makeenvelope(x, y, x + 0.00004 + random() * 0.0002, y + 0.00004 + random() * 0.0002), 4326)
      from (select i, ${LON} + random() * ${SPAN} as x, ${LAT} + random() * ${SPAN} as y from generate_series(1, 15000) i) s`;
  await db.sql`
    insert into assets (layer_id, external_id, name, geom)
    select 'hidden_points', 'H' || i, 'Secret ' || i, st_setsrid(st_makepoint(${LON} + random() * ${SPAN}, ${LAT} + random() * ${SPAN}), 4326)
      from generate_series(1, 200) i`;
  await db.sql`update layers l set extent = (select st_envelope(st_extent(geom)) from assets a where a.layer_id = l.id)`;
  await db.sql`analyze assets`;

  // The app gets its own client with the same type parsing as createSql, plus a statement log.
  appSql = postgres(db.url, {
    max: 4,
    onnotice: () => {},
    transform: { undefined: null },
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } },
    debug: (_conn, query) => {
      statements.push(query);
    },
  }) as unknown as Pool;
  const config = loadConfig({}, { publicUrl: 'http://tiles.test' });
  app = createApp({ sql: appSql, config, logger: silentLogger, boss: null });
}, 180_000);

afterAll(async () => {
  await appSql?.end({ timeout: 5 });
  await db?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('tile size and feature caps', () => {
  const layers = ['dense_points', 'dense_lines', 'dense_polygons'];
  for (const layer of layers) {
    it(`keeps every ${layer} tile under 500 KB and 50,000 features from z0 to z22`, async () => {
      for (const z of [0, 4, 8, 10, 12, 13, 14, 15, 16, 17, 18, 20, 22]) {
        const res = await tile(layer, tileAt(z, LON + SPAN / 2, LAT + SPAN / 2));
        expect([200, 204], `${layer} z${z}`).toContain(res.status);
        if (res.status === 204) continue;
        expect(res.headers.get('content-type')).toBe(MVT_CONTENT_TYPE);
        const bytes = await res.arrayBuffer();
        const features = layerFeatures(decode(bytes), layer);
        expect(bytes.byteLength, `${layer} z${z} bytes`).toBeLessThanOrEqual(MAX_BYTES);
        expect(features.length, `${layer} z${z} features`).toBeLessThanOrEqual(MAX_FEATURES);
        expect(features.length, `${layer} z${z} has features`).toBeGreaterThan(0);
      }
    });
  }

  it('aggregates a dense point tile into counted cells that add up to every point in the tile', async () => {
    const address = tileAt(16, LON + SPAN / 2, LAT + SPAN / 2);
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from assets
       where layer_id = 'dense_points' and geom_3857 && st_tileenvelope(${address[0]}, ${address[1]}, ${address[2]})`;
    expect(n).toBeGreaterThan(8000); // raw, this tile would be far over budget
    const res = await tile('dense_points', address);
    const features = layerFeatures(decode(await res.arrayBuffer()), 'dense_points');
    expect(features.length).toBeLessThan(n);
    const total = features.reduce((sum, f) => sum + Number(f.properties.count ?? 0), 0);
    expect(total).toBe(n);
  });

  it('aggregates low zooms from the count grid, which follows inserts, updates and deletes', async () => {
    const sumAt = async (z: number) => {
      const res = await tile('dense_points', tileAt(z, LON + SPAN / 2, LAT + SPAN / 2));
      return layerFeatures(decode(await res.arrayBuffer()), 'dense_points').reduce((s, f) => s + Number(f.properties.count ?? 0), 0);
    };
    const inTile = async (z: number, lon = LON + SPAN / 2, lat = LAT + SPAN / 2) => {
      const [tz, tx, ty] = tileAt(z, lon, lat);
      // Exact membership (west and north edges inclusive), as the grid counts; && on geometries
      // compares float4 boxes and would also take points a few decimetres outside the tile.
      const [row] = await db.sql<{ n: number }[]>`
        select count(*)::int as n
          from assets a, st_tileenvelope(${tz}, ${tx}, ${ty}) e
         where a.layer_id = 'dense_points'
           and st_x(a.geom_3857) >= st_xmin(e) and st_x(a.geom_3857) < st_xmax(e)
           and st_y(a.geom_3857) > st_ymin(e) and st_y(a.geom_3857) <= st_ymax(e)`;
      return row!.n;
    };
    const zooms = [5, 9, 11, 12, 13, 14];
    for (const z of zooms) expect(await sumAt(z), `z${z}`).toBe(await inTile(z));
    expect(await inTile(11)).toBeGreaterThan(8000); // dense: the grid path, not raw features

    await db.sql`delete from assets where layer_id = 'dense_points' and id % 10 = 0`;
    // Moved far away: out of this tile, into another.
    await db.sql`update assets set geom = st_setsrid(st_makepoint(-70, -30), 4326) where layer_id = 'dense_points' and id % 10 = 1`;
    for (const z of zooms) expect(await sumAt(z), `z${z} after changes`).toBe(await inTile(z));
    const far = await tile('dense_points', tileAt(9, -70, -30));
    const farCount = layerFeatures(decode(await far.arrayBuffer()), 'dense_points').reduce((s, f) => s + Number(f.properties.count ?? 1), 0);
    expect(farCount).toBe(await inTile(9, -70, -30));
    expect(farCount).toBeGreaterThan(1000);

    // The grid equals a recount from scratch at every level.
    const [drift] = await db.sql<{ n: number }[]>`
      select count(*)::int as n
        from (select level, cx, cy, n from asset_grid where layer_id = 'dense_points' and n <> 0) g
        full join (select l.level, cx >> (21 - l.level) as cx, cy >> (21 - l.level) as cy, count(*)::int as n
                     from (select floor((st_x(geom_3857) + 20037508.342789244) / (40075016.68557849 / 2097152))::int as cx,
                                  floor((20037508.342789244 - st_y(geom_3857)) / (40075016.68557849 / 2097152))::int as cy
                             from assets where layer_id = 'dense_points') a
                     cross join (values (14), (16), (18), (20), (21)) l(level)
                    group by 1, 2, 3) r using (level, cx, cy)
       where g.n is distinct from r.n`;
    expect(drift!.n).toBe(0);
  });

  it('sends raw features with small attributes at high zoom, never personal or bulky ones', async () => {
    const res = await tile('dense_points', tileAt(19, LON + SPAN / 2, LAT + SPAN / 2));
    expect(res.status).toBe(200);
    const features = layerFeatures(decode(await res.arrayBuffer()), 'dense_points');
    expect(features.length).toBeGreaterThan(0);
    const f = features[0]!;
    // The asset id is the feature id, not repeated as an attribute.
    const [asset] = await db.sql<{ name: string }[]>`select name from assets where id = ${Number(f.id)}`;
    expect(asset!.name).toBe(f.properties.name);
    expect(f.properties).not.toHaveProperty('id');
    expect(f.properties).toMatchObject({ condition: 'good' });
    expect(String(f.properties.name)).toMatch(/^Hydrant number \d+$/);
    expect(f.properties.diameter_mm).toBeTypeOf('number');
    expect(f.properties.material).toBe('ductile iron');
    expect(f.properties).not.toHaveProperty('owner_email');
    expect(f.properties).not.toHaveProperty('notes'); // over 64 bytes
    expect(f.properties).not.toHaveProperty('nested'); // not a scalar
  });

  it('keeps the largest lines as lines in a dense tile and counts the rest', async () => {
    const res = await tile('dense_lines', tileAt(15, LON + SPAN / 2, LAT + SPAN / 2));
    const features = layerFeatures(decode(await res.arrayBuffer()), 'dense_lines');
    const lines = features.filter((f) => f.type === 2);
    const counted = features.filter((f) => f.type === 1).reduce((s, f) => s + Number(f.properties.count), 0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(2000);
    expect(counted).toBeGreaterThan(0);
  });

  it('answers an empty tile with 204', async () => {
    const res = await tile('dense_points', tileAt(14, -30, -40));
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toBeTruthy();
  });
});

describe('tile caching', () => {
  it('revalidates with a 304 without any tile SQL, and changes the ETag when the layer changes', async () => {
    const address = tileAt(18, LON + SPAN / 2, LAT + SPAN / 2);
    const first = await tile('dense_points', address);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"t1-dense_points-\d+-18-\d+-\d+"$/);
    expect(first.headers.get('cache-control')).toMatch(/public, max-age=\d+/);

    statements.length = 0;
    const again = await tile('dense_points', address, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect(statements.filter((q) => q.includes('mvt_tile'))).toEqual([]);

    // A weak or listed validator matches too.
    expect((await tile('dense_points', address, { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304);

    await db.sql`
      insert into assets (layer_id, name, geom)
      values ('dense_points', 'New hydrant', st_setsrid(st_makepoint(${LON + SPAN / 2}, ${LAT + SPAN / 2}), 4326))`;
    // The layer_changed notification drops the cached version; the TTL bounds it otherwise.
    let res = await tile('dense_points', address, { 'If-None-Match': etag });
    for (let i = 0; i < 60 && res.status === 304; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await tile('dense_points', address, { 'If-None-Match': etag });
    }
    expect(res.status).toBe(200);
    const newEtag = res.headers.get('etag')!;
    expect(newEtag).not.toBe(etag);
    const names = layerFeatures(decode(await res.arrayBuffer()), 'dense_points').map((f) => f.properties.name);
    expect(names).toContain('New hydrant');
    expect((await tile('dense_points', address, { 'If-None-Match': newEtag })).status).toBe(304);
  });

  it('stops serving a layer as soon as it is made non-public', async () => {
    await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values ('soon_hidden', 'Α', 'A', 'space', 'point')`;
    await db.sql`insert into assets (layer_id, name, geom) values ('soon_hidden', 'x', st_setsrid(st_makepoint(${LON}, ${LAT}), 4326))`;
    const address = tileAt(16, LON, LAT);
    const ok = await tile('soon_hidden', address);
    expect(ok.status).toBe(200);
    const etag = ok.headers.get('etag')!;
    await db.sql`update layers set is_public = false where id = 'soon_hidden'`;
    let res = await tile('soon_hidden', address, { 'If-None-Match': etag });
    for (let i = 0; i < 60 && res.status !== 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await tile('soon_hidden', address, { 'If-None-Match': etag });
    }
    expect(res.status).toBe(404);
  });
});

describe('tile addressing', () => {
  it.each([
    ['/tiles/dense_points/23/0/0.mvt', 'zoom above 22'],
    ['/tiles/dense_points/2/4/0.mvt', 'x out of range'],
    ['/tiles/dense_points/2/0/4.mvt', 'y out of range'],
    ['/tiles/dense_points/1.5/0/0.mvt', 'fractional z'],
    ['/tiles/dense_points/-1/0/0.mvt', 'negative z'],
    ['/tiles/dense_points/2/x/0.mvt', 'non-numeric x'],
    ['/tiles/dense_points/2/0/1e1.mvt', 'exponent y'],
    ['/tiles/dense_points/99999999999/0/0.mvt', 'huge z'],
  ])('answers 400 for %s (%s)', async (path) => {
    const res = await app.request(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('invalid_tile');
  });

  it.each([
    ['/tiles/no_such_layer/0/0/0.mvt'],
    ['/tiles/hidden_points/16/37073/25357.mvt'],
    ['/tiles/Bad-Id/0/0/0.mvt'],
    ['/tiles/dense_points/0/0/0.png'],
    ['/tiles/no_such_layer.json'],
    ['/tiles/hidden_points.json'],
  ])('answers 404 for %s', async (path) => {
    const res = await app.request(path);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('serves TileJSON 3.0.0 with the tile URL, bounds, zoom range and the vector layer', async () => {
    const res = await app.request('/tiles/dense_points.json');
    expect(res.status).toBe(200);
    const tj = (await res.json()) as Record<string, any>;
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles).toEqual(['http://tiles.test/tiles/dense_points/{z}/{x}/{y}.mvt']);
    expect(tj.minzoom).toBe(0);
    expect(tj.maxzoom).toBe(22);
    expect(tj.attribution).toBe('© test');
    expect(tj.bounds[0]).toBeCloseTo(LON, 2);
    expect(tj.bounds[3]).toBeCloseTo(LAT + SPAN, 2);
    expect(tj.vector_layers).toHaveLength(1);
    expect(tj.vector_layers[0].id).toBe('dense_points');
    expect(Object.keys(tj.vector_layers[0].fields)).toEqual(expect.arrayContaining(['name', 'count', 'diameter_mm', 'material']));
    expect(Object.keys(tj.vector_layers[0].fields)).not.toContain('owner_email');
  });
});

describe('GDAL reads the tiles', () => {
  it('opens a saved tile with the MVT driver and finds the layer and its features', async () => {
    const [z, x, y] = tileAt(18, LON + SPAN / 2, LAT + SPAN / 2);
    const res = await tile('dense_points', [z, x, y]);
    const bytes = Buffer.from(await res.arrayBuffer());
    const expected = layerFeatures(decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer), 'dense_points').length;
    const dir = join(workDir, String(z), String(x));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${y}.pbf`);
    writeFileSync(file, bytes);
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', file], { timeout: 30_000 });
    expect(stdout).toContain('Layer name: dense_points');
    expect(stdout).toContain(`Feature Count: ${expected}`);
    // Georeferenced from the z/x/y path: the extent is around Piraeus in EPSG:3857.
    const extent = /Extent: \(([-\d.]+), ([-\d.]+)\)/.exec(stdout);
    expect(extent).not.toBeNull();
    expect(Number(extent![1])).toBeGreaterThan(2_600_000);
    expect(Number(extent![1])).toBeLessThan(2_640_000);
  });
});
