/**
 * Whole-layer downloads cannot take the pool (RELIABILITY L-rows on exports): at most
 * EXPORT_CONCURRENCY stream at once, a stalled reader is cut off after the write timeout, and
 * the rest of the API keeps answering meanwhile. Heavy public GETs spend a per-client budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createSql, type Pool } from '../../db.ts';
import { silentLogger } from '../../logger.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';

let db: TestDb;
let pool: Pool;
let app: ReturnType<typeof createApp>;

const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
const get = (path: string, ip = '192.0.2.50') => Promise.resolve(app.request(`http://localhost${path}`, {}, { incoming: { socket: { remoteAddress: ip } } }));

beforeAll(async () => {
  db = await createTestDb();
  await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public) values ('hydrants', 'Κρουνοί', 'Hydrants', 'network', 'point', true)`;
  // ~3 MB of GeoJSON: dozens of 64 KiB chunks, so a reader that stops after one leaves the export mid-way.
  await db.sql`
    insert into assets (layer_id, external_id, name, geom)
    select 'hydrants', 'H-' || i, 'Hydrant ' || i, st_setsrid(st_makepoint(23.60 + (i % 100) * 0.0005, 37.93 + (i / 100) * 0.0002), 4326)
      from generate_series(1, 20000) i`;
  await db.sql`update layers l set extent = (select st_envelope(st_extent(geom)) from assets a where a.layer_id = l.id)`;
  pool = createSql(db.url, { max: 5 });
  const config = loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://localhost', exportConcurrency: 2, exportWriteTimeoutMs: 1500 });
  app = createApp({ sql: pool, config, logger: silentLogger, boss: null });
}, 60_000);
afterAll(async () => {
  await pool?.end({ timeout: 1 });
  await db?.drop();
});

describe('download limits', () => {
  it('six stalled downloads take at most two connections, the API keeps answering, and stalls are cut off', async () => {
    const responses = await within(10_000, Promise.all(Array.from({ length: 6 }, (_, i) => get('/ogc/collections/hydrants/download.geojson', `192.0.2.${60 + i}`))));
    const admitted = responses.filter((r) => r.status === 200);
    expect(admitted).toHaveLength(2);
    expect(responses.filter((r) => r.status === 503)).toHaveLength(4);
    // Each admitted client reads one chunk and then stops reading (a slow or stuck reader).
    const readers = admitted.map((r) => r.body!.getReader());
    for (const r of readers) expect((await within(10_000, r.read())).done).toBe(false);
    // Everything else still gets a connection.
    const started = performance.now();
    expect((await within(5_000, get('/ogc/collections'))).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2_000);
    // After the write timeout the stalled exports are gone and a new download streams to the end.
    await new Promise((r) => setTimeout(r, 2_500));
    for (const r of readers) await r.cancel().catch(() => {});
    const fresh = await get('/ogc/collections/hydrants/download.geojson', '192.0.2.99');
    expect(fresh.status).toBe(200);
    const body = (await within(20_000, fresh.json())) as { features: unknown[] };
    expect(body.features).toHaveLength(20000);
  });

  it('a client asking for clusters over the whole world runs out of budget with 429 and Retry-After; a map user does not', async () => {
    const world = '/api/public/incidents/clusters?bbox=-180,-85,180,85&zoom=3';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(world, '203.0.113.5')).status);
    expect(statuses.slice(-1)).toEqual([429]);
    expect((await get(world, '203.0.113.5')).headers.get('retry-after')).toMatch(/^\d+$/);
    const city = '/api/public/incidents/clusters?bbox=23.60,37.93,23.66,37.97&zoom=14';
    for (let i = 0; i < 20; i++) expect((await get(city, '203.0.113.6')).status).not.toBe(429);
  });
});
