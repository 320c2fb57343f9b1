/**
 * Set-up from each path on a real PostGIS: a Kallikratis code, a boundary file in EPSG:2100 and
 * one in a US State Plane CRS (EPSG:32145), on a fresh database and on one holding the demo; and
 * every surface that reads the settings (Open311 discovery, page language, protocol year, the
 * site frame) follows without a restart.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/src/app.ts';
import { loadConfig, projectRoot } from '../../api/src/config.ts';
import { silentLogger } from '../../api/src/logger.ts';
import { getSettings } from '../../api/src/modules/municipality/settings.sql.ts';
import { createTestDb, type TestDb } from '../../api/test/test-db.ts';
import { loadManifest } from '../../gis-data/src/manifest.ts';
import { KALLIKRATIS_FILE, SetupError, setUpMunicipality } from './municipality-setup.ts';

let db: TestDb;
let tmp: string;
const out = (n: string) => join(tmp, n);

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'setup-'));
  // Petroupoli (9184) as a GeoPackage in the Greek Grid, and a Vermont boundary in State Plane
  // metres: the hull of the Montpelier sewer manholes.
  execFileSync('ogr2ogr', ['-f', 'GPKG', '-t_srs', 'EPSG:2100', '-where', "KWD_YPES = '9184'", '-nln', 'boundary', out('petroupoli_2100.gpkg'), KALLIKRATIS_FILE], { stdio: 'pipe' });
  execFileSync('ogr2ogr', ['-f', 'GPKG', '-dialect', 'SQLite', '-sql', 'select ST_ConvexHull(ST_Collect(geom)) as geom from sewer_points', '-nln', 'town', out('montpelier_32145.gpkg'),
    resolve(projectRoot, 'test-fixtures/data/us_vermont_montpelier_sewer/formats/montpelier_sewer_epsg32145.gpkg')], { stdio: 'pipe' });
});

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A database holding the demo: its catalogue layers with assets, its districts, a report. */
async function seedDemo() {
  const ids = loadManifest().layers.slice(0, 3).map((l) => l.id);
  for (const id of ids) {
    await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values (${id}, ${id}, ${id}, 'network', 'point') on conflict do nothing`;
    await db.sql`insert into assets (layer_id, name, geom) values (${id}, 'demo asset', st_setsrid(st_makepoint(23.64, 37.94), 4326))`;
  }
  await db.sql`insert into districts (code, level, name_el, name_en, geom) values ('demo_district', 'district', 'demo', 'demo', st_multi(st_buffer(st_setsrid(st_makepoint(23.64, 37.94), 4326), 0.01)))
               on conflict (code) do nothing`;
  const [cat] = await db.sql<{ id: string; department_id: string }[]>`select id, department_id from categories where service_code like 'PIR-%' limit 1`;
  if (cat) {
    await db.sql`
      insert into incidents (sla_due_at, channel, protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, public_geom)
      values (now() + interval '1 day', 'web', 2026, 1, sha256('demo'::bytea), ${cat.id}, ${cat.department_id}, 'demo report', st_setsrid(st_makepoint(23.64, 37.94), 4326), st_setsrid(st_makepoint(23.64, 37.94), 4326))`;
  }
  return ids;
}

describe('npm run setup', () => {
  it('sets up a Kallikratis municipality on a fresh database', async () => {
    const r = await setUpMunicipality(db.sql, { municipality: '9184', keepDemo: true, contactEmail: 'info@petroupoli.example' });
    expect(r.names).toEqual({ el: 'Δήμος Πετρούπολης', en: 'Municipality of Petroupolis' });
    expect(r.areaKm2).toBeGreaterThan(4);
    expect(r.areaKm2).toBeLessThan(12);
    const s = await getSettings(db.sql);
    expect(s).toMatchObject({ code: '9184', timezone: 'Europe/Athens', locales: ['el', 'en'], contactEmail: 'info@petroupoli.example' });
    const [d] = await db.sql<{ n: number }[]>`select count(*)::int as n from districts where level = 'municipality' and code = '9184'`;
    expect(d!.n).toBe(1);
  });

  it('takes a GeoPackage boundary in EPSG:2100 and lands on the same municipality', async () => {
    const r = await setUpMunicipality(db.sql, { boundary: out('petroupoli_2100.gpkg'), name: 'Πετρούπολη', timezone: 'Europe/Athens', locales: ['el'], code: '9184', keepDemo: true });
    expect(r.names).toEqual({ el: 'Πετρούπολη' });
    const [cmp] = await db.sql<{ sym: number }[]>`
      select st_area(st_symdifference(s.boundary, k.geom)::geography) / st_area(k.geom::geography) as sym
        from municipality_settings s, (select geom from districts where code = '9184') k`;
    expect(cmp!.sym).toBeLessThan(0.01);
  });

  it('sets up a US town from a State Plane boundary, removing the demo it finds, and every surface follows', async () => {
    const ids = await seedDemo();
    const app = createApp({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://test.local' }), logger: silentLogger, boss: null });
    const r = await setUpMunicipality(db.sql, {
      boundary: out('montpelier_32145.gpkg'), name: 'City of Montpelier', timezone: 'America/New_York', locales: ['en'], code: 'US-VT-MONTPELIER',
      contactEmail: 'gis@montpelier.example', mailSignature: { en: 'City of Montpelier Public Works' },
    });
    expect(r.demoRemoved).toMatchObject({ layers: ids.length });
    expect(r.demoRemoved!.categories).toBeGreaterThan(0);
    const [left] = await db.sql<{ layers: number; districts: number; cats: number; reports: number }[]>`
      select (select count(*)::int from layers where id = any(${ids})) as layers, (select count(*)::int from districts where level = 'district') as districts,
             (select count(*)::int from categories where service_code like 'PIR-%') as cats, (select count(*)::int from incidents) as reports`;
    expect(left).toEqual({ layers: 0, districts: 0, cats: 0, reports: 0 });
    // Vermont: around 72.57 W, 44.26 N.
    const s = await getSettings(db.sql);
    expect((s.bbox![0] + s.bbox![2]) / 2).toBeCloseTo(-72.57, 1);
    expect((s.bbox![1] + s.bbox![3]) / 2).toBeCloseTo(44.26, 1);

    const discovery = (await (await app.request('/open311/v2/discovery.json')).json()) as { contact: string; endpoints: { type: string }[] };
    expect(discovery.contact).toBe('City of Montpelier, gis@montpelier.example');
    expect(discovery.endpoints.map((e) => e.type)).toEqual(['production', 'test']);
    const cfg = (await (await app.request('/api/config')).json()) as { municipality: { name: { en: string }; bbox: number[] } };
    expect(cfg.municipality.name.en).toBe('City of Montpelier');
    // Protocol years follow the municipality's calendar.
    const [tz] = await db.sql<{ tz: string }[]>`select municipality_timezone() as tz`;
    expect(tz!.tz).toBe('America/New_York');
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await getSettings(db.sql);
    await expect(setUpMunicipality(db.sql, { municipality: '12' })).rejects.toThrow(SetupError);
    await expect(setUpMunicipality(db.sql, { municipality: '9999' })).rejects.toThrow(/no municipality/);
    await expect(setUpMunicipality(db.sql, { boundary: out('montpelier_32145.gpkg'), name: 'X', timezone: 'Mars/Olympus', locales: ['en'] })).rejects.toThrow(/time zone/);
    await expect(setUpMunicipality(db.sql, { boundary: out('montpelier_32145.gpkg'), timezone: 'UTC', locales: ['en'] })).rejects.toThrow(/--name/);
    expect(await getSettings(db.sql)).toEqual(before);
  });

  it('runs as a command, with the confirmation answered by --yes', () => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [resolve(projectRoot, 'scripts/setup.ts'), '--municipality', '9205', '--yes'], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toMatch(/set up Δήμος .* \(Europe\/Athens, el,en/);
    expect(r.status).toBe(0);
    console.log(`npm run setup -- --municipality 9205 --yes: ${Math.round(performance.now() - started)} ms`);
    const refused = spawnSync(process.execPath, [resolve(projectRoot, 'scripts/setup.ts'), '--boundary', out('montpelier_32145.gpkg')], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8', timeout: 120_000 });
    expect(refused.status).toBe(2);
  });
});
