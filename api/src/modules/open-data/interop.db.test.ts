/**
 * OGC API interoperability as GDAL and OWSLib see it, against a real server on a loopback port:
 * paging by the advertised `limit` maximum on a 6,000-feature collection, FlatGeobuf geometry
 * type, Part 2 CRSs (EPSG:2100, 3857, 4326 latitude first), Part 3 queryables and CQL2 filters,
 * and the HTML pages.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAdaptorServer } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';

const run = promisify(execFile);
const N = 6000;

let db: TestDb;
let base: string;
let server: ReturnType<typeof createAdaptorServer>;
let workDir: string;
const itemRequests: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  workDir = mkdtempSync(join(tmpdir(), 'ogc-interop-'));
  await db.sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public, attribution, licence)
    values ('valves', 'Δικλείδες', 'Valves', 'network', 'point', true, '© Test Water', 'CC BY 4.0')`;
  await db.sql`
    insert into assets (layer_id, external_id, name, properties, criticality, geom)
    select 'valves', 'V-' || i, 'Valve ' || i,
           jsonb_build_object('kind', case when i % 3 = 0 then 'gate' else 'butterfly' end, 'diameter_mm', 50 + (i % 10) * 25),
           1 + i % 5, st_setsrid(st_makepoint(23.60 + (i % 100) * 0.0005, 37.93 + (i / 100) * 0.0005), 4326)
      from generate_series(1, ${N}) i`;
  await db.sql`update layers set extent = (select st_extent(geom)::geometry from assets where layer_id = 'valves') where id = 'valves'`;
  const app = createApp({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://127.0.0.1:0' }), logger: silentLogger, boss: null });
  server = createAdaptorServer({
    fetch: (req: Request) => {
      if (new URL(req.url).pathname.endsWith('/items')) itemRequests.push(req.url);
      return app.fetch(req);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  // Links must carry the real port: rebuild the app with it.
  const real = createApp({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, publicUrl: `http://127.0.0.1:${port}` }), logger: silentLogger, boss: null });
  server.removeAllListeners('request');
  const { getRequestListener } = await import('@hono/node-server');
  server.on(
    'request',
    getRequestListener((req: Request) => {
      if (new URL(req.url).pathname.endsWith('/items')) itemRequests.push(req.url);
      return real.fetch(req);
    }),
  );
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('GDAL OAPIF', () => {
  it('reads a 6,000-feature collection with a plain ogrinfo, in pages of at least 1,000', async () => {
    const api = (await (await fetch(`${base}/ogc/api`)).json()) as { components: { parameters: { limit: { schema: { default: number; maximum: number } } } } };
    expect(api.components.parameters.limit.schema).toMatchObject({ default: 100, maximum: 5000 });
    itemRequests.length = 0;
    const started = performance.now();
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '-q', `OAPIF:${base}/ogc`, 'valves'], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    expect(stdout.match(/^OGRFeature\(valves\):/gm)?.length).toBe(N);
    // GDAL 3.6 asks for its own 10 on the first page, then follows next links: those page by 1,000.
    const limits = itemRequests.map((u) => Number(new URL(u).searchParams.get('after') ? new URL(u).searchParams.get('limit') : 0)).filter((n) => n > 0);
    expect(limits.length).toBeGreaterThan(0);
    expect(Math.min(...limits)).toBeGreaterThanOrEqual(1000);
    expect(itemRequests.length).toBeLessThanOrEqual(Math.ceil(N / 1000) + 2);
    console.log(`ogrinfo OAPIF read ${N} features in ${itemRequests.length} item requests (limit ${limits.join(',')}) in ${seconds.toFixed(1)} s`);
  });

  it('passes a CQL2 filter GDAL builds from -where, and reads the queryables', async () => {
    const q = (await (await fetch(`${base}/ogc/collections/valves/queryables`)).json()) as { properties: Record<string, { type?: string }> };
    expect(q.properties.kind!.type).toBe('string');
    expect(q.properties.diameter_mm!.type).toBe('number');
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${base}/ogc`, 'valves', '-where', "kind = 'gate'"], { timeout: 120_000 });
    expect(stdout).toMatch(/Feature Count: 2000/);
  });
});

describe('OGC API Part 2 and 3, HTML, FlatGeobuf', () => {
  it('declares the geometry type in FlatGeobuf downloads and pages', async () => {
    for (const path of ['/ogc/collections/valves/download.fgb', '/ogc/collections/valves/items?f=fgb&limit=10']) {
      const file = join(workDir, `v${path.length}.fgb`);
      writeFileSync(file, Buffer.from(await (await fetch(`${base}${path}`)).arrayBuffer()));
      const { stdout } = await run('ogrinfo', ['-ro', '-so', '-al', file]);
      expect(stdout).toMatch(/Geometry: Multi Point/);
    }
  });

  it('serves items in EPSG:2100 and EPSG:3857 and takes a bbox in them', async () => {
    const [ref] = await db.sql<{ x2100: number; y2100: number; x3857: number; id: number }[]>`
      select id, st_x(st_transform(geom, 2100)) as x2100, st_y(st_transform(geom, 2100)) as y2100, st_x(st_transform(geom, 3857)) as x3857
        from assets where layer_id = 'valves' order by id limit 1`;
    const res = await fetch(`${base}/ogc/collections/valves/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/2100`);
    expect(res.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/EPSG/0/2100>');
    const fc = (await res.json()) as { features: { id: number; geometry: { coordinates: number[] } }[] };
    expect(fc.features[0]!.geometry.coordinates[0]).toBeCloseTo(ref!.x2100, 1);
    expect(fc.features[0]!.geometry.coordinates[1]).toBeCloseTo(ref!.y2100, 1);
    const m = (await (await fetch(`${base}/ogc/collections/valves/items/${ref!.id}?crs=EPSG:3857`)).json()) as { geometry: { coordinates: number[] } };
    expect(m.geometry.coordinates[0]).toBeCloseTo(ref!.x3857, 1);
    const ll = (await (await fetch(`${base}/ogc/collections/valves/items/${ref!.id}?crs=http://www.opengis.net/def/crs/EPSG/0/4326`)).json()) as { geometry: { coordinates: number[] } };
    expect(ll.geometry.coordinates[0]).toBeCloseTo(37.93, 2);

    // The same box in EPSG:2100 and in CRS84 selects the same features.
    const [box] = await db.sql<{ b: number[] }[]>`select array[st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)] as b from (select st_transform(st_makeenvelope(23.60, 37.93, 23.61, 37.935, 4326), 2100)::box2d e) s`;
    const a = (await (await fetch(`${base}/ogc/collections/valves/items?limit=5000&bbox=${box!.b.join(',')}&bbox-crs=EPSG:2100`)).json()) as { numberReturned: number };
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = 'valves' and st_intersects(st_transform(geom, 2100), st_makeenvelope(${box!.b[0]!}, ${box!.b[1]!}, ${box!.b[2]!}, ${box!.b[3]!}, 2100))`;
    expect(a.numberReturned).toBe(n!.n);
    expect((await fetch(`${base}/ogc/collections/valves/items?crs=EPSG:9999`)).status).toBe(400);
  });

  it('filters with CQL2 text on public attributes and refuses anything else', async () => {
    const get = async (f: string) => fetch(`${base}/ogc/collections/valves/items?limit=5000&filter=${encodeURIComponent(f)}`);
    const count = async (f: string) => ((await (await get(f)).json()) as { numberReturned: number }).numberReturned;
    expect(await count("kind = 'gate' AND diameter_mm >= 200")).toBe(Array.from({ length: N }, (_, k) => k + 1).filter((i) => i % 3 === 0 && 50 + (i % 10) * 25 >= 200).length);
    expect(await count("kind IN ('gate') OR criticality = 5")).toBe(Array.from({ length: N }, (_, k) => k + 1).filter((i) => i % 3 === 0 || 1 + (i % 5) === 5).length);
    expect(await count("name LIKE 'Valve 1%' AND NOT diameter_mm BETWEEN 60 AND 300")).toBeGreaterThan(0);
    const bad = await get("owner_phone = '1'");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_filter');
    expect((await get("kind = 'gate'; drop table assets")).status).toBe(400);
    const conf = (await (await fetch(`${base}/ogc/conformance`)).json()) as { conformsTo: string[] };
    expect(conf.conformsTo).toEqual(expect.arrayContaining(['http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs', 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables', 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html']));
  });

  it('serves readable HTML for the landing page, collections and items', async () => {
    for (const path of ['/ogc', '/ogc/collections', '/ogc/collections/valves', '/ogc/collections/valves/items?limit=5', '/ogc/collections/valves/items/1']) {
      const res = await fetch(`${base}${path}`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>\n<html lang="[a-z]{2}/);
    }
    const items = await (await fetch(`${base}/ogc/collections/valves/items?limit=5&f=html`)).text();
    expect(items).toContain('Valve 1');
    expect(items).toContain('rel="next"');
  });

  it('is read by OWSLib, the second client', async () => {
    const python = '/usr/bin/python3';
    if (!existsSync(python)) throw new Error('python3 is required (Debian python3-owslib)');
    const script = `
from owslib.ogcapi.features import Features
w = Features(${JSON.stringify(`${base}/ogc`)})
ids = [c['id'] for c in w.collections()['collections']]
items = w.collection_items('valves', limit=7, filter="kind = 'gate'")
q = w.collection_queryables('valves')
print(ids[0], len(items['features']), sorted(q['properties'])[0], 'conformance' if w.conformance() else '')
`;
    const { stdout } = await run(python, ['-c', script], { timeout: 60_000 });
    expect(stdout.trim()).toBe('valves 7 condition conformance');
  });
});
