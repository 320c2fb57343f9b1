/**
 * Open data against a real PostGIS and a real HTTP server: OGC API Features read by GDAL's OAPIF
 * driver, downloads (FlatGeobuf, GeoJSON, CSV) read back by ogrinfo, paging links, bad input, a
 * client that goes away mid-download, and a non-public layer that must not show up anywhere.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAdaptorServer } from '@hono/node-server';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';

const run = promisify(execFile);
const ogrinfo = (args: string[]) => run('ogrinfo', args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });

const HYDRANTS = 2500;
const PARKS = 40;
const SECRET = 30;

let db: TestDb;
let base: string;
let server: ReturnType<typeof createAdaptorServer>;
let workDir: string;
let secretAssetId: number;

async function get(path: string, init?: RequestInit) {
  return fetch(`${base}${path}`, init);
}
async function getJson(path: string) {
  const res = await get(path);
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

beforeAll(async () => {
  db = await createTestDb();
  workDir = mkdtempSync(join(tmpdir(), 'open-data-test-'));
  await db.sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public, attribution, licence, sort_order)
    values ('hydrants', 'Πυροσβεστικοί κρουνοί', 'Fire hydrants', 'network', 'point', true, '© Test Water', 'CC BY 4.0', 1),
           ('parks', 'Πάρκα', 'Parks', 'space', 'polygon', true, '© Test City', 'ODbL', 2),
           ('secret_cables', 'Καλώδια', 'Secret cables', 'network', 'line', false, '', '', 3)`;
  await db.sql`
    insert into assets (layer_id, external_id, name, properties, condition, criticality, install_date, geom)
    select 'hydrants', 'H-' || i,
           case when i = 1 then '=HYPERLINK("http://evil.example","click")' when i = 2 then 'Κρουνός, "Πλατεία" Καραϊσκάκη' else 'Hydrant ' || i end,
           jsonb_build_object('diameter_mm', 80 + i % 3 * 20, 'working', i % 7 <> 0, 'material', case when i % 2 = 0 then 'cast iron' else '-steel' end,
                              'owner_phone', '+30 210 000 0000', 'tags', jsonb_build_array('a', 'b')),
           (array['good', 'fair', 'poor'])[1 + i % 3], 1 + i % 5, date '2001-01-01' + i,
           st_setsrid(st_makepoint(23.60 + (i % 50) * 0.002, 37.93 + (i / 50) * 0.001), 4326)
      from generate_series(1, ${HYDRANTS}) i`;
  await db.sql`
    insert into assets (layer_id, external_id, name, properties, geom)
    select 'parks', 'P-' || i, 'Park ' || i, jsonb_build_object('area_class', 'small'),
           st_setsrid(st_buffer(st_makepoint(23.62 + i * 0.001, 37.95), 0.0004, 4), 4326)
      from generate_series(1, ${PARKS}) i`;
  // A multipolygon with a hole, to exercise parts and ring ends end to end.
  await db.sql`
    insert into assets (layer_id, external_id, name, geom)
    values ('parks', 'P-multi', 'Twin park', st_geomfromtext('MULTIPOLYGON(((23.70 37.90, 23.71 37.90, 23.71 37.91, 23.70 37.91, 23.70 37.90),
      (23.702 37.902, 23.704 37.902, 23.704 37.904, 23.702 37.902)), ((23.72 37.90, 23.73 37.90, 23.73 37.91, 23.72 37.90)))', 4326))`;
  await db.sql`
    insert into assets (layer_id, external_id, name, geom)
    select 'secret_cables', 'S-' || i, 'Secret cable ' || i,
           st_setsrid(st_makeline(st_makepoint(23.61 + i * 0.001, 37.94), st_makepoint(23.615 + i * 0.001, 37.945)), 4326)
      from generate_series(1, ${SECRET}) i`;
  [{ id: secretAssetId }] = await db.sql<{ id: number }[]>`select min(id)::int as id from assets where layer_id = 'secret_cables'`;
  await db.sql`update layers l set extent = (select st_envelope(st_extent(geom)) from assets a where a.layer_id = l.id)`;

  // The app needs its own public URL for links, so listen first and build the app once the port is known.
  let app: ReturnType<typeof createApp> | null = null;
  server = createAdaptorServer({ fetch: (req: Request) => app!.fetch(req) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  app = createApp({ sql: db.sql, config: loadConfig({}, { publicUrl: base }), logger: silentLogger, boss: null });
}, 120_000);

afterAll(async () => {
  if (server) await new Promise((r) => server.close(() => r(undefined)));
  await db?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('OGC API Features documents', () => {
  it('serves a landing page with self, service-desc, conformance and data links', async () => {
    const { status, body } = await getJson('/ogc');
    expect(status).toBe(200);
    const rels = Object.fromEntries(body.links.map((l: any) => [l.rel, l.href]));
    expect(rels).toMatchObject({
      self: `${base}/ogc`,
      'service-desc': `${base}/openapi.json`,
      conformance: `${base}/ogc/conformance`,
      data: `${base}/ogc/collections`,
    });
    const conf = await getJson('/ogc/conformance');
    expect(conf.body.conformsTo).toEqual(expect.arrayContaining(['http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core', 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson']));
  });

  it('lists public layers only, each with its extent, CRS and item links in every format', async () => {
    const { body } = await getJson('/ogc/collections');
    expect(body.collections.map((c: any) => c.id)).toEqual(['hydrants', 'parks']);
    const hydrants = body.collections[0];
    expect(hydrants.crs).toEqual(['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/2100', 'http://www.opengis.net/def/crs/EPSG/0/3857']);
    expect(hydrants.extent.spatial.bbox[0][0]).toBeCloseTo(23.6, 3);
    const items = hydrants.links.filter((l: any) => l.rel === 'items').map((l: any) => l.type);
    expect(items).toEqual(['application/geo+json', 'application/flatgeobuf', 'text/csv; charset=utf-8']);
    expect((await getJson('/ogc/collections/hydrants')).body.id).toBe('hydrants');
  });
});

describe('items', () => {
  it('pages with limit and next/prev links, numberMatched and numberReturned', async () => {
    const first = await getJson('/ogc/collections/hydrants/items?limit=100');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/geo+json');
    expect(first.body.numberMatched).toBe(HYDRANTS);
    expect(first.body.numberReturned).toBe(100);
    expect(first.body.features).toHaveLength(100);
    expect(first.body.links.find((l: any) => l.rel === 'prev')).toBeUndefined();
    const next = first.body.links.find((l: any) => l.rel === 'next').href as string;
    expect(next.startsWith(`${base}/ogc/collections/hydrants/items?`)).toBe(true);
    const second = await getJson(next.slice(base.length));
    expect(second.body.features[0].id).toBeGreaterThan(first.body.features[99].id);
    const prev = second.body.links.find((l: any) => l.rel === 'prev').href as string;
    const back = await getJson(prev.slice(base.length));
    expect(back.body.features.map((f: any) => f.id)).toEqual(first.body.features.map((f: any) => f.id));

    const feature = first.body.features.find((f: any) => f.properties.external_id === 'H-3');
    expect(feature.geometry.type).toBe('Point');
    expect(feature.properties).toMatchObject({ name: 'Hydrant 3', diameter_mm: 80, working: true, material: '-steel', install_date: '2001-01-04', tags: ['a', 'b'] });
    expect(feature.properties).not.toHaveProperty('owner_phone');
  });

  it('walks every page to the end', async () => {
    let path: string | null = '/ogc/collections/hydrants/items?limit=1000';
    const ids = new Set<number>();
    while (path) {
      const page = await getJson(path);
      for (const f of page.body.features) ids.add(f.id);
      const next = page.body.links.find((l: any) => l.rel === 'next');
      path = next ? next.href.slice(base.length) : null;
    }
    expect(ids.size).toBe(HYDRANTS);
  });

  it('clamps limit to the configured maximum and filters by bbox', async () => {
    const big = await getJson('/ogc/collections/hydrants/items?limit=999999');
    expect(big.body.numberReturned).toBe(HYDRANTS); // under maxPageSize 5000
    const bbox = '23.60,37.93,23.62,37.94';
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from assets where layer_id = 'hydrants' and st_intersects(geom, st_makeenvelope(23.60, 37.93, 23.62, 37.94, 4326))`;
    const inBox = await getJson(`/ogc/collections/hydrants/items?bbox=${bbox}&limit=5000`);
    expect(n).toBeGreaterThan(0);
    expect(inBox.body.numberMatched).toBe(n);
    expect(inBox.body.features).toHaveLength(n);
  });

  it('negotiates FlatGeobuf and CSV by f= and by Accept', async () => {
    const fgb = await get('/ogc/collections/parks/items?f=fgb&limit=10');
    expect(fgb.headers.get('content-type')).toBe('application/flatgeobuf');
    const features = [];
    for await (const f of deserialize(new Uint8Array(await fgb.arrayBuffer()))) features.push(f);
    expect(features).toHaveLength(10);
    expect(features[0]!.geometry.type).toBe('MultiPolygon');
    const csv = await get('/ogc/collections/parks/items?limit=5', { headers: { Accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('WKT,id,external_id,name,condition,criticality,install_date,area_class');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^"POLYGON\(\(/);
  });

  it('returns one feature by id, and 404 for an id of another or a non-public layer', async () => {
    const page = await getJson('/ogc/collections/parks/items?limit=1');
    const id = page.body.features[0].id;
    const one = await getJson(`/ogc/collections/parks/items/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ type: 'Feature', id, properties: { name: 'Park 1' } });
    expect((await get(`/ogc/collections/hydrants/items/${id}`)).status).toBe(404);
    expect((await get(`/ogc/collections/parks/items/${secretAssetId}`)).status).toBe(404);
    expect((await get(`/ogc/collections/secret_cables/items/${secretAssetId}`)).status).toBe(404);
    expect((await get('/ogc/collections/parks/items/abc')).status).toBe(404);
  });

  it.each([
    ['bbox=1,2,3', 'invalid_bbox'],
    ['bbox=10,10,0,0', 'invalid_bbox'],
    ['bbox=a,b,c,d', 'invalid_bbox'],
    ['limit=0', 'invalid_limit'],
    ['limit=-5', 'invalid_limit'],
    ['limit=ten', 'invalid_limit'],
    ['f=xml', 'invalid_format'],
    ['after=-1', 'invalid_cursor'],
    ['after=1&before=5', 'invalid_cursor'],
    ['limit=unlimited&after=3', 'invalid_cursor'],
  ])('answers 400 for ?%s', async (query, code) => {
    const { status, body } = await getJson(`/ogc/collections/hydrants/items?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
  });
});

describe('downloads', () => {
  async function save(path: string, name: string): Promise<string> {
    const res = await get(path);
    expect(res.status).toBe(200);
    const file = join(workDir, name);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return file;
  }

  it('streams FlatGeobuf that ogrinfo reads with every feature, column and geometry', async () => {
    const file = await save('/ogc/collections/hydrants/download.fgb', 'hydrants.fgb');
    const { stdout } = await ogrinfo(['-ro', '-al', '-so', file]);
    expect(stdout).toContain(`Feature Count: ${HYDRANTS}`);
    expect(stdout).toMatch(/Geometry: Multi Point/);
    expect(stdout).toMatch(/diameter_mm: Real/);
    expect(stdout).toMatch(/working: Integer\(Boolean\)/);
    expect(stdout).toMatch(/install_date: DateTime/);
    expect(stdout).not.toContain('owner_phone');
    const one = await ogrinfo(['-ro', '-al', '-where', "external_id = 'H-2'", file]);
    expect(one.stdout).toContain('name (String) = Κρουνός, "Πλατεία" Καραϊσκάκη');
    expect(one.stdout).toContain('MULTIPOINT ((23.604 37.93))');

    const parks = await save('/ogc/collections/parks/items?f=fgb&limit=unlimited', 'parks.fgb');
    const multi = await ogrinfo(['-ro', '-al', '-where', "external_id = 'P-multi'", parks]);
    expect(multi.stdout).toContain('MULTIPOLYGON (((23.7 37.9,23.71 37.9,23.71 37.91,23.7 37.91,23.7 37.9),(23.702 37.902,23.704 37.902,23.704 37.904,23.702 37.902)),((23.72 37.9,23.73 37.9,23.73 37.91,23.72 37.9)))');
    expect((await ogrinfo(['-ro', '-al', '-so', parks])).stdout).toContain(`Feature Count: ${PARKS + 1}`);
  });

  it('answers a revalidated download with 304 until the layer changes', async () => {
    const first = await get('/ogc/collections/parks/download.geojson');
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    expect((await get('/ogc/collections/parks/download.geojson', { headers: { 'If-None-Match': etag } })).status).toBe(304);
    await db.sql`update assets set name = 'Park one' where layer_id = 'parks' and external_id = 'P-1'`;
    const changed = await get('/ogc/collections/parks/download.geojson', { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('Park one');
    await db.sql`update assets set name = 'Park 1' where layer_id = 'parks' and external_id = 'P-1'`;
  });

  it('streams GeoJSON that ogrinfo reads', async () => {
    const file = await save('/ogc/collections/hydrants/download.geojson', 'hydrants.geojson');
    const { stdout } = await ogrinfo(['-ro', '-al', '-so', file]);
    expect(stdout).toContain(`Feature Count: ${HYDRANTS}`);
  });

  it('streams CSV with a WKT column and neutralised formulas', async () => {
    const file = await save('/ogc/collections/hydrants/download.csv', 'hydrants.csv');
    const { stdout } = await ogrinfo(['-ro', '-al', '-so', file]);
    expect(stdout).toContain(`Feature Count: ${HYDRANTS}`);
    const text = await (await get('/ogc/collections/hydrants/download.csv')).text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).toContain(',"Κρουνός, ""Πλατεία"" Καραϊσκάκη",');
    expect(text).toContain(",'-steel,");
    expect(text).not.toMatch(/,=HYPERLINK/);
  });

  it('stops the query and frees the connection when the client goes away mid-download', async () => {
    // More aborted downloads than the pool has connections: a leak would hang the last request.
    for (let i = 0; i < 8; i++) {
      const ac = new AbortController();
      const res = await get('/ogc/collections/hydrants/download.geojson', { signal: ac.signal });
      const reader = res.body!.getReader();
      await reader.read();
      ac.abort();
      await reader.cancel().catch(() => {});
    }
    const after = await getJson('/ogc/collections/hydrants/items?limit=1');
    expect(after.status).toBe(200);
    let active = -1;
    for (let i = 0; i < 50 && active !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const [row] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and query like '%st_asgeojson%'`;
      active = row!.n;
    }
    expect(active).toBe(0);
  });
});

describe('GDAL reads the OGC API', () => {
  it('lists the public collections through the OAPIF driver', async () => {
    const { stdout } = await ogrinfo(['-ro', '-so', `OAPIF:${base}/ogc`]);
    expect(stdout).toMatch(/hydrants/);
    expect(stdout).toMatch(/parks/);
    expect(stdout).not.toMatch(/secret_cables/);
  });

  it('reads a collection with its feature count and fields', async () => {
    const { stdout } = await ogrinfo(['-ro', '-al', '-so', `OAPIF:${base}/ogc`, 'parks']);
    expect(stdout).toContain('Layer name: parks');
    expect(stdout).toContain(`Feature Count: ${PARKS + 1}`);
    expect(stdout).toMatch(/area_class: String/);
  });

  it('reads every feature of a multi-page collection', async () => {
    const { stdout } = await ogrinfo(['-ro', '-al', '-so', '-oo', 'PAGE_SIZE=1000', `OAPIF:${base}/ogc`, 'hydrants']);
    expect(stdout).toContain(`Feature Count: ${HYDRANTS}`);
  });
});

describe('a non-public layer', () => {
  it('is absent from every open-data route and from tiles', async () => {
    const paths = [
      '/ogc/collections/secret_cables',
      '/ogc/collections/secret_cables/items',
      '/ogc/collections/secret_cables/items?f=fgb&limit=unlimited',
      '/ogc/collections/secret_cables/download.fgb',
      '/ogc/collections/secret_cables/download.geojson',
      '/ogc/collections/secret_cables/download.csv',
      '/tiles/secret_cables.json',
      '/tiles/secret_cables/14/9267/6340.mvt',
    ];
    for (const p of paths) expect((await get(p)).status, p).toBe(404);
    const all = JSON.stringify((await getJson('/ogc/collections')).body);
    expect(all).not.toContain('secret');
    const everything = await (await get('/ogc/collections/hydrants/items?limit=5000&bbox=23.5,37.8,23.8,38.1')).text();
    expect(everything).not.toContain('Secret cable');
  });
});
