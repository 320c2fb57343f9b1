/**
 * Districts are the municipality's own communities: a report takes its community on intake,
 * the queue and the statistics filter and group by it, and a neighbouring municipality's unit
 * (kept for the map) is never offered as a district nor given to a report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let staff: Record<string, string>;

const district = (code: string, level: string, wkt: string) =>
  db.sql`insert into districts (code, level, name_el, name_en, synthetic, geom) values (${code}, ${level}, ${`Κοινότητα ${code}`}, ${`Community ${code}`}, ${level === 'district'}, st_multi(st_geomfromtext(${wkt}, 4326)))`;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  // The fixture municipality spans 23.60–23.66 E; two communities split it at 23.63 E, and a
  // neighbouring unit lies north of it.
  await district('9205-1', 'district', 'POLYGON((23.60 37.93, 23.63 37.93, 23.63 37.97, 23.60 37.97, 23.60 37.93))');
  await district('9205-2', 'district', 'POLYGON((23.63 37.93, 23.66 37.93, 23.66 37.95, 23.63 37.95, 23.63 37.93))');
  await district('neigh', 'neighbour', 'POLYGON((23.60 37.97, 23.66 37.97, 23.66 38.00, 23.60 38.00, 23.60 37.97))');
  t = makeTestApp(db.sql);
  staff = (await makeStaff(db.sql, t)).headers;
  for (const [lon, lat] of [[23.61, 37.94], [23.62, 37.945], [23.64, 37.94]] as const) {
    const res = await t.post('/api/incidents', report({ location: { type: 'Point', coordinates: [lon, lat] } }));
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await db?.drop();
});

describe('districts', () => {
  it('assigns each report its community on intake', async () => {
    const rows = await db.sql<{ district_code: string | null }[]>`select district_code from incidents order by id`;
    expect(rows.map((r) => r.district_code)).toEqual(['9205-1', '9205-1', '9205-2']);
  });

  it('offers the communities, not the neighbours, as the district filter', async () => {
    const meta = await (await t.req('/api/triage/meta', { headers: staff })).json();
    expect(meta.districts.map((d: { code: string }) => d.code)).toEqual(['9205-1', '9205-2']);
  });

  it('filters the queue and groups the statistics by district', async () => {
    const q = await (await t.req('/api/triage/incidents?district=9205-2&status=open', { headers: staff })).json();
    expect(q.total).toBe(1);
    expect(q.incidents[0].district).toBe('9205-2');
    const s = await (await t.req('/api/stats/summary', { headers: staff })).json();
    const by = Object.fromEntries(s.byDistrict.map((g: { key: string; count: number }) => [g.key, g.count]));
    expect(by).toEqual({ '9205-1': 2, '9205-2': 1 });
    expect(s.byDistrict.find((g: { key: string }) => g.key === '9205-2').name).toEqual({ el: 'Κοινότητα 9205-2', en: 'Community 9205-2' });
  });

  it('flags generated communities in the public boundary GeoJSON', async () => {
    const fc = await (await t.req('/api/boundary')).json();
    const byCode = Object.fromEntries(fc.features.map((f: { properties: { code: string; level: string; synthetic: boolean } }) => [f.properties.code, f.properties]));
    expect(byCode['9205-1']).toMatchObject({ level: 'district', synthetic: true });
    expect(byCode.neigh).toMatchObject({ level: 'neighbour', synthetic: false });
  });
});
