/**
 * Risk zones on the demo municipality and what they expose, through the staff routes; and real
 * zones brought in through the ordinary importer (a subset of the FEMA 100-year floodplain).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { loadDemoMunicipality } from '../../../../gis-data/src/demo.ts';
import { loadDemoRiskZones } from '../../../../gis-data/src/risk-zones-demo.ts';
import { importLayerFile } from '../../../../gis-data/src/import/import-file.ts';
import { ExposureSchema, HazardsResponseSchema, ZoneCollectionSchema, ZonePropsSchema } from '../../../../lib/risk-zones.schema.ts';
import { makeStaff, makeTestApp, type TestApp } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let officer: Record<string, string>;
let floodZoneId: number;
let schoolName: string;

beforeAll(async () => {
  db = await createTestDb();
  await loadDemoMunicipality(db.sql);
  t = makeTestApp(db.sql);
  officer = (await makeStaff(db.sql, t, { role: 'civil_protection' })).headers;
  floodZoneId = (await db.sql<{ id: number }[]>`select id::int as id from risk_zones where external_id = 'demo:flood-coastal'`)[0]!.id;
  // A school in the flood zone gets an open roof repair.
  const [school] = await db.sql<{ id: number; name: string }[]>`
    select a.id::int as id, a.name from assets a join risk_zones z on z.id = ${floodZoneId} and st_intersects(a.geom, z.geom)
    where a.layer_id = 'schools' order by a.id limit 1`;
  schoolName = school!.name;
  await db.sql`insert into work_orders (kind, title, status, asset_id, location, department_id)
               select 'school', 'Roof repair', 'scheduled', a.id, st_pointonsurface(a.geom), (select id from departments order by id limit 1)
               from assets a where a.id = ${school!.id}`;
  // Two subscribers: one inside the flood zone, one far away; only a count may come out.
  await db.sql`insert into alert_subscribers (email, email_confirmed_at, geom)
               select 'inside-canary@example.org', now(), st_multi(st_buffer(st_pointonsurface(z.geom)::geography, 50)::geometry) from risk_zones z where z.id = ${floodZoneId}`;
  await db.sql`insert into alert_subscribers (email, email_confirmed_at, geom)
               values ('outside-canary@example.org', now(), st_multi(st_buffer(st_setsrid(st_makepoint(22.9, 40.6), 4326)::geography, 50)::geometry))`;
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...officer }, body: JSON.stringify(body) });

describe('demo risk zones', () => {
  it('loads one zone per hazard; the coastal flood zone is derived, the rest flagged synthetic', async () => {
    const rows = await db.sql<{ hazard: string; synthetic: boolean; inside: boolean; near_coast: boolean }[]>`
      select z.hazard, z.synthetic,
             st_coveredby(z.geom, st_buffer(d.geom, 0.00001)) as inside,
             z.external_id <> 'demo:flood-coastal' or st_area(z.geom::geography) < 0.6 * st_area(d.geom::geography) as near_coast
      from risk_zones z, districts d where d.code = '9205' order by z.hazard`;
    expect(rows.map((r) => r.hazard).sort()).toEqual(['flood', 'heat', 'landslide', 'seismic', 'snow_ice', 'wildfire']);
    expect(rows.filter((r) => !r.synthetic).map((r) => r.hazard)).toEqual(['flood']);
    expect(rows.every((r) => r.inside && r.near_coast)).toBe(true);
  });

  it('a reload writes nothing', async () => {
    const before = await db.sql`select id, updated_at from risk_zones order by id`;
    await loadDemoRiskZones(db.sql, { municipalityCode: '9205' });
    expect(await db.sql`select id, updated_at from risk_zones order by id`).toEqual(before);
  });

  it('lists zones with level and source for staff only', async () => {
    const res = await t.req('/api/risk-zones', { headers: officer });
    expect(res.status).toBe(200);
    const fc = (await res.json()) as { features: { properties: { hazard: string; source: string; level: string } }[] };
    expect(fc.features).toHaveLength(6);
    expect(fc.features.find((f) => f.properties.hazard === 'flood')!.properties.source).toMatch(/coastline/);
    expect((await t.req('/api/risk-zones')).status).toBe(401);
    const crew = (await makeStaff(db.sql, t, { role: 'crew' })).headers;
    expect((await t.req('/api/risk-zones', { headers: crew })).status).toBe(403);
  });
});

describe('the declared contract', () => {
  it('answers what its schemas declare, and nothing more', async () => {
    const fc = ZoneCollectionSchema.strict().parse(await (await t.req('/api/risk-zones?hazard=flood', { headers: officer })).json());
    expect(fc.features.map((f) => ZonePropsSchema.strict().parse(f.properties).hazard)).toEqual(['flood']);
    HazardsResponseSchema.strict().parse(await (await t.req('/api/risk-zones/hazards', { headers: officer })).json());
    ExposureSchema.strict().parse(await (await t.req(`/api/risk-zones/${floodZoneId}/exposure`, { headers: officer })).json());
  });

  it('refuses a malformed id with 400 invalid_id and a malformed layer id as no such layer', async () => {
    const res = await t.req('/api/risk-zones/abc/exposure', { headers: officer });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_id']);
    const layer = await t.req('/api/risk-zones/from-layer/Not-A-Layer', { method: 'POST', headers: { ...officer, origin: 'http://localhost' } });
    expect([layer.status, ((await layer.json()) as { error: { code: string } }).error.code]).toEqual([404, 'not_found']);
    expect((await t.req('/api/risk-zones/exposure', { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://localhost', ...officer }, body: '{}' })).status).toBe(415);
  });
});

describe('exposure', () => {
  it('lists exposed facilities by name, ranks those with open repairs, counts subscribers without naming them', async () => {
    const res = await t.req(`/api/risk-zones/${floodZoneId}/exposure`, { headers: officer });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('canary');
    const e = JSON.parse(text);
    expect(e.facilities.some((f: { name: string }) => f.name === schoolName)).toBe(true);
    expect(e.facilitiesWithOpenRepairs[0]).toMatchObject({ name: schoolName, openWorkOrders: 1, openWorkOrderTitles: ['Roof repair'] });
    expect(e.subscribers).toBe(1);
    expect(e.openWorkOrders).toBeGreaterThanOrEqual(1);
    expect(e.networks.length).toBeGreaterThan(0);
    expect(e.networks.every((n: { lengthKm: number }) => n.lengthKm > 0)).toBe(true);
  });

  it('gives the same facilities through the subdivided pieces as through the whole zone', async () => {
    for (const z of await db.sql<{ id: number }[]>`select id::int as id from risk_zones`) {
      const [r] = await db.sql<{ a: number; b: number }[]>`
        select (select count(*)::int from exposure_facilities(${z.id}, null)) as a,
               (select count(*)::int from assets a join risk_zones rz on rz.id = ${z.id} and st_intersects(a.geom, rz.geom)
                 where a.layer_id in ('schools', 'kindergartens', 'playgrounds', 'sports_grounds', 'municipal_buildings')) as b`;
      expect(r!.a, `zone ${z.id}`).toBe(r!.b);
    }
  });

  it('network length inside the whole municipality equals the total length of the network', async () => {
    const [z] = await db.sql<{ id: number }[]>`select id::int as id from risk_zones where external_id = 'demo:seismic-all'`;
    const [r] = await db.sql<{ inside: number; total: number }[]>`
      select (select length_km from exposure_networks(${z!.id}, null) where layer_id = 'water_pipes') as inside,
             (select sum(st_length(st_intersection(a.geom, d.geom)::geography)) / 1000 from assets a, districts d where a.layer_id = 'water_pipes' and d.code = '9205') as total`;
    expect(Math.abs(r!.inside - r!.total) / r!.total).toBeLessThan(0.001);
  });

  it('answers for a drawn area and a circle, and exports CSV', async () => {
    const res = await t.req('/api/risk-zones/exposure', json({ circle: { center: [23.6445, 37.944], radiusM: 500 } }));
    expect(res.status).toBe(200);
    const csv = await t.req(`/api/risk-zones/${floodZoneId}/exposure.csv`, { headers: officer });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const body = await csv.text();
    expect(body).toContain(schoolName);
    expect(body).toContain('"subscribers"');
    expect(body).not.toContain('canary');
  });

  it.each([
    ['an unclosed ring (G4)', { type: 'Polygon', coordinates: [[[23.62, 37.94], [23.63, 37.94], [23.63, 37.95], [23.62, 37.95]]] }, 'invalid_ring'],
    ['a bowtie (G5)', { type: 'Polygon', coordinates: [[[23.62, 37.94], [23.64, 37.95], [23.64, 37.94], [23.62, 37.96], [23.62, 37.94]]] }, 'invalid_geometry'],
    ['1,001 vertices (G6)', { type: 'Polygon', coordinates: [Array.from({ length: 1001 }, (_, i) => [23.6 + Math.cos(i) * 0.01, 37.9 + Math.sin(i) * 0.01])] }, 'too_many_vertices'],
  ])('refuses %s with 422', async (_n, area, code) => {
    const res = await t.req('/api/risk-zones/exposure', json({ area }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});

describe('zones through the importer', () => {
  it('imports the FEMA 100-year floodplain subset into a risk layer and makes zones of it', async () => {
    const report = await importLayerFile(db.sql, {
      layerId: 'flood_fema_100yr',
      filePath: resolve(import.meta.dirname, '../../../../test-fixtures/flood/cambridge_fema_100yr_subset.geojson'),
      format: 'geojson',
      layer: { nameEl: 'Ζώνη πλημμύρας 100 ετών', nameEn: '100-year floodplain', group: 'risk', source: 'FEMA NFHL via City of Cambridge GIS' },
      nameProperty: 'name',
    });
    expect(report.loaded).toBe(3);
    const res = await t.req('/api/risk-zones/from-layer/flood_fema_100yr', { method: 'POST', headers: { ...officer, origin: 'http://localhost' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ layerId: 'flood_fema_100yr', zones: 3 });
    const [r] = await db.sql<{ n: number; parts: number; maxv: number }[]>`
      select count(distinct z.id)::int as n, count(p.*)::int as parts, max(st_npoints(p.geom))::int as maxv
      from risk_zones z join risk_zone_parts p on p.zone_id = z.id where z.external_id like 'flood_fema_100yr:%'`;
    expect(r!.n).toBe(3);
    expect(r!.parts).toBeGreaterThan(3);
    expect(r!.maxv).toBeLessThanOrEqual(64);
    // Again: replaced, not added.
    await t.req('/api/risk-zones/from-layer/flood_fema_100yr', { method: 'POST', headers: { ...officer, origin: 'http://localhost' } });
    const [again] = await db.sql<{ n: number }[]>`select count(*)::int as n from risk_zones where external_id like 'flood_fema_100yr:%'`;
    expect(again!.n).toBe(3);
  });

  it('refuses a layer that is not of the risk group', async () => {
    const res = await t.req('/api/risk-zones/from-layer/schools', { method: 'POST', headers: { ...officer, origin: 'http://localhost' } });
    expect(res.status).toBe(422);
  });
});
