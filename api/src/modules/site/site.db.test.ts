import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';
import { upsertLayer } from '../layers/layers.sql.ts';
import { siteRoutes } from './site.routes.ts';

let db: TestDb;
let app: Hono;

const square = (x: number, y: number, d: number) => ({
  type: 'MultiPolygon',
  coordinates: [[[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]],
});

beforeAll(async () => {
  db = await createTestDb();
  app = new Hono();
  app.route('/api', siteRoutes({ sql: db.sql, config: loadConfig({ BASEMAP_STYLE_URL: 'https://tiles.example.org/style.json' }), logger: silentLogger, boss: null }));
});

afterAll(async () => {
  await db?.drop();
});

describe('site routes', () => {
  it('falls back to a frame when no municipality is loaded, never failing', async () => {
    const res = await app.request('/api/config');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.municipality.bbox).toHaveLength(4);
    expect(body.municipality.center).toHaveLength(2);
    expect(body.basemapStyleUrl).toBe('https://tiles.example.org/style.json');
  });

  it('describes the municipality from the districts table and lists public attributions only', async () => {
    await db.sql`
      insert into districts (code, level, name_el, name_en, population, geom)
      values ('9205', 'municipality', 'Δήμος Πειραιώς', 'Municipality of Piraeus', 168151,
              st_setsrid(st_geomfromgeojson(${JSON.stringify(square(23.6, 37.93, 0.05))}), 4326)),
             ('9205-1', 'district', 'Α΄ Κοινότητα', '1st community', null,
              st_setsrid(st_geomfromgeojson(${JSON.stringify(square(23.6, 37.93, 0.02))}), 4326))`;
    await upsertLayer(db.sql, { id: 'green_areas', nameEl: 'Πράσινο', nameEn: 'Green', group: 'space', geometryType: 'polygon', attribution: 'Athens GIS repository', sortOrder: 2, isPublic: true });
    await upsertLayer(db.sql, { id: 'highways', nameEl: 'Οδοί', nameEn: 'Roads', group: 'reference', geometryType: 'line', attribution: '© OpenStreetMap contributors (ODbL)', sortOrder: 1, isPublic: true });
    await upsertLayer(db.sql, { id: 'bus_stops', nameEl: 'Στάσεις', nameEn: 'Stops', group: 'reference', geometryType: 'point', attribution: '© OpenStreetMap contributors (ODbL)', sortOrder: 3, isPublic: true });
    await upsertLayer(db.sql, { id: 'secret_cables', nameEl: 'Καλώδια', nameEn: 'Cables', group: 'network', geometryType: 'line', attribution: 'Internal survey', isPublic: false });

    const body = await (await app.request('/api/config')).json();
    expect(body.municipality.code).toBe('9205');
    expect(body.municipality.name).toEqual({ el: 'Δήμος Πειραιώς', en: 'Municipality of Piraeus' });
    const [w, s, e, n] = body.municipality.bbox;
    expect([w, s, e, n].map((v: number) => Math.round(v * 1000) / 1000)).toEqual([23.6, 37.93, 23.65, 37.98]);
    const [x, y] = body.municipality.center;
    expect(x > w && x < e && y > s && y < n).toBe(true);
    expect(body.attributions).toEqual([
      { text: '© OpenStreetMap contributors (ODbL)', layers: ['highways', 'bus_stops'] },
      { text: 'Athens GIS repository', layers: ['green_areas'] },
    ]);
    expect(JSON.stringify(body)).not.toContain('Internal survey');
  });

  it('serves the boundary and districts as GeoJSON, municipality first', async () => {
    const res = await app.request('/api/boundary');
    expect(res.status).toBe(200);
    const fc = await res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: { properties: { level: string } }) => f.properties.level)).toEqual(['municipality', 'district']);
    expect(['Polygon', 'MultiPolygon']).toContain(fc.features[0].geometry.type);
  });
});
