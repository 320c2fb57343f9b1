import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';
import { refreshLayerExtent, upsertLayer } from './layers.sql.ts';
import { call, createStaffUser, signIn, testApp } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({ DATABASE_URL: db.url }, { maxPageSize: 50 }), logger: silentLogger, boss: null });
  await upsertLayer(db.sql, { id: 'lamps', nameEl: 'Φωτιστικά', nameEn: 'Lamps', group: 'network', geometryType: 'point', isPublic: true, publicAttributes: ['watts'] });
  await upsertLayer(db.sql, { id: 'gas', nameEl: 'Αέριο', nameEn: 'Gas', group: 'network', geometryType: 'line', isPublic: false });
  await db.sql`insert into assets (layer_id, external_id, name, properties, geom)
    select 'lamps', 'L' || g, 'Lamp ' || g, jsonb_build_object('watts', 40 + g % 3), st_setsrid(st_makepoint(23.62 + g / 10000.0, 37.94), 4326)
      from generate_series(1, 120) g`;
  await db.sql`insert into assets (layer_id, name, properties, geom) values ('gas', 'main', '{"pressure_bar": 4}', st_geomfromtext('LINESTRING(23.62 37.94, 23.63 37.95)', 4326))`;
  // Published with every key its data offers: the denylist still keeps Email and contact_phone out.
  await upsertLayer(db.sql, { id: 'libraries', nameEl: 'Βιβλιοθήκες', nameEn: 'Libraries', group: 'building', geometryType: 'point', isPublic: true, publicAttributes: ['Email', 'contact_phone', 'Type'] });
  await db.sql`insert into assets (layer_id, name, properties, geom) values ('libraries', 'Central', '{"Email": "canary.librarian@example.org", "contact_phone": "+30 210 000 0000", "Type": "public"}', st_setsrid(st_makepoint(23.63, 37.945), 4326))`;
});
afterAll(async () => {
  await db?.drop();
});

describe('layers API', () => {
  it('lists public layers only, with counts and links', async () => {
    const res = await app.request('/api/layers');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { layers: { id: string; featureCount: number; links: { tiles: string } }[] };
    expect(body.layers.map((l) => l.id).sort()).toEqual(['lamps', 'libraries']);
    const lamps = body.layers.find((l) => l.id === 'lamps')!;
    expect(lamps.featureCount).toBe(120);
    expect(lamps.links.tiles).toMatch(/\/tiles\/lamps\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
  });

  it('pages a bbox query by cursor and clamps the page size', async () => {
    const first = await app.request('/api/layers/lamps/assets?bbox=23.6,37.9,23.7,38&limit=1000');
    const page1 = (await first.json()) as { features: { id: number }[]; truncated: boolean; next: number; limit: number };
    expect(page1.limit).toBe(50);
    expect(page1.features).toHaveLength(50);
    expect(page1.truncated).toBe(true);
    const ids = new Set(page1.features.map((f) => f.id));
    let next: number | null = page1.next;
    while (next) {
      const res = await app.request(`/api/layers/lamps/assets?bbox=23.6,37.9,23.7,38&limit=1000&after=${next}`);
      const page = (await res.json()) as { features: { id: number }[]; next: number | null };
      for (const f of page.features) ids.add(f.id);
      next = page.next;
    }
    expect(ids.size).toBe(120);
  });

  it.each([
    ['/api/layers/lamps/assets?bbox=1,2,3', 400, 'invalid_bbox'],
    ['/api/layers/lamps/assets?bbox=10,0,5,1', 400, 'invalid_bbox'],
    ['/api/layers/lamps/assets?limit=-1', 400, 'invalid_limit'],
    ['/api/layers/lamps/assets?after=x', 400, 'invalid_cursor'],
    ['/api/layers/gas', 404, 'not_found'],
    ['/api/layers/gas/assets', 404, 'not_found'],
    ['/api/layers/NOPE', 404, 'not_found'],
    ['/api/assets/abc', 400, 'invalid_id'],
  ])('%s answers %i %s', async (path, status, code) => {
    const res = await app.request(path);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('hides assets of non-public layers by id', async () => {
    const [gas] = await db.sql<{ id: number }[]>`select id from assets where layer_id = 'gas'`;
    expect((await app.request(`/api/assets/${gas!.id}`)).status).toBe(404);
    const [lamp] = await db.sql<{ id: number }[]>`select id from assets where layer_id = 'lamps' order by id limit 1`;
    const res = await app.request(`/api/assets/${lamp!.id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { properties: { watts: number; layer: string } }).properties).toMatchObject({ layer: 'lamps' });
  });

  it('computes the extent of a one-point layer (a degenerate box)', async () => {
    await upsertLayer(db.sql, { id: 'one_tank', nameEl: 'Δεξαμενή', nameEn: 'Tank', group: 'network', geometryType: 'point' });
    await db.sql`insert into assets (layer_id, geom) values ('one_tank', st_setsrid(st_makepoint(23.64, 37.95), 4326))`;
    await refreshLayerExtent(db.sql, 'one_tank');
    const [row] = await db.sql<{ minx: number; maxx: number }[]>`select st_xmin(extent) as minx, st_xmax(extent) as maxx from layers where id = 'one_tank'`;
    expect(row!.minx).toBeCloseTo(23.64, 5);
    expect(row!.maxx).toBeCloseTo(23.64, 5);
  });

  it('leaves personal-looking attributes out for the public and shows them to staff', async () => {
    const [lib] = await db.sql<{ id: number }[]>`select id from assets where layer_id = 'libraries'`;
    const pub = await app.request(`/api/assets/${lib!.id}`);
    const text = await pub.text();
    expect(text).not.toContain('canary.librarian');
    expect(text).not.toContain('210 000 0000');
    expect(JSON.parse(text).properties.Type).toBe('public');
    const bbox = await app.request('/api/layers/libraries/assets?bbox=23.6,37.9,23.7,38');
    expect(await bbox.text()).not.toContain('canary.librarian');

    const staffApp = testApp(db.sql, db.url);
    const user = await createStaffUser(db.sql, { email: 'gis@piraeus.example', role: 'viewer' });
    const cookie = await signIn(staffApp, user.email, user.password);
    const own = await call(staffApp, 'GET', `/api/assets/${lib!.id}`, { cookie });
    expect(own.headers.get('cache-control')).toContain('no-store');
    expect(((await own.json()) as { properties: Record<string, string> }).properties.Email).toBe('canary.librarian@example.org');
    const layers = (await (await call(staffApp, 'GET', '/api/layers', { cookie })).json()) as { layers: { id: string }[] };
    expect(layers.layers.map((l) => l.id)).toContain('gas');
    const [gas] = await db.sql<{ id: number }[]>`select id from assets where layer_id = 'gas'`;
    expect((await call(staffApp, 'GET', `/api/assets/${gas!.id}`, { cookie })).status).toBe(200);
  });

  it('deletes a layer together with its assets and their tile grid', async () => {
    await upsertLayer(db.sql, { id: 'old_survey', nameEl: 'Παλιά αποτύπωση', nameEn: 'Old survey', group: 'reference', geometryType: 'point' });
    await db.sql`insert into assets (layer_id, geom) select 'old_survey', st_setsrid(st_makepoint(23.6 + g / 1000.0, 37.95), 4326) from generate_series(1, 30) g`;
    await db.sql`delete from layers where id = 'old_survey'`;
    const [left] = await db.sql<{ assets: number; cells: number }[]>`
      select (select count(*)::int from assets where layer_id = 'old_survey') as assets,
             (select count(*)::int from asset_grid where layer_id = 'old_survey') as cells`;
    expect(left).toEqual({ assets: 0, cells: 0 });
  });
});
