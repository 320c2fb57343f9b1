import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../api/test/test-db.ts';
import { loadDemoMunicipality } from './demo.ts';
import { generateBenchLayers, loadGenerated, type AssetRow } from './generate/index.ts';
import { loadManifest } from './manifest.ts';

const SYNTHETIC_ATTRIBUTION = 'Synthetic demo data generated inside the real Piraeus boundary';

let db: TestDb;
const logs: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  await loadDemoMunicipality(db.sql, { log: (m) => logs.push(m) });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

/** A fingerprint of every asset's content (ids excluded: identity values differ between loads). */
async function contentHash(): Promise<{ n: number; hash: string }[]> {
  return db.sql<{ n: number; hash: string }[]>`
    select count(*)::int as n,
           md5(string_agg(md5(concat_ws('|', layer_id, external_id, name, properties::text, condition, criticality, install_date, st_asewkt(geom))), ',' order by layer_id, external_id, name, st_asewkt(geom))) as hash
      from assets`;
}

describe('loadDemoMunicipality', () => {
  it('fills every manifest layer with features and catalogue metadata', async () => {
    const manifest = loadManifest();
    const rows = await db.sql<{ id: string; feature_count: number; synthetic: boolean; is_public: boolean; attribution: string; licence: string; name_el: string; layer_group: string; geometry_type: string; has_extent: boolean; n: number }[]>`
      select l.id, l.feature_count, l.synthetic, l.is_public, l.attribution, l.licence, l.name_el, l.layer_group, l.geometry_type,
             l.extent is not null as has_extent, (select count(*)::int from assets a where a.layer_id = l.id) as n
        from layers l`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const layer of manifest.layers) {
      const row = byId.get(layer.id);
      expect(row, layer.id).toBeDefined();
      expect(row!.n, layer.id).toBeGreaterThan(0);
      expect(row!.feature_count, layer.id).toBe(row!.n);
      expect(row!.has_extent, layer.id).toBe(true);
      expect(row!.synthetic, layer.id).toBe(layer.synthetic);
      expect(row!.is_public, layer.id).toBe(layer.public);
      expect(row!.attribution, layer.id).toBe(layer.attribution);
      expect(row!.licence, layer.id).toBe(layer.licence);
      expect(row!.name_el, layer.id).toBe(layer.name.el);
      expect(row!.layer_group, layer.id).toBe(layer.group);
      expect(row!.geometry_type, layer.id).toBe(layer.geometry);
      if (layer.synthetic) expect(row!.attribution).toBe(SYNTHETIC_ATTRIBUTION);
    }
    expect(byId.get('gas_pipes')!.is_public).toBe(false);
  });

  it('loads the real layers through the importer (one succeeded import per file)', async () => {
    const imports = await db.sql<{ layer_id: string; status: string; features_loaded: number }[]>`
      select layer_id, status, features_loaded from layer_imports order by layer_id`;
    const real = loadManifest().layers.filter((l) => !l.synthetic).map((l) => l.id).sort();
    expect(imports.map((i) => i.layer_id)).toEqual(real);
    expect(imports.every((i) => i.status === 'succeeded' && i.features_loaded > 0)).toBe(true);
    const [stops] = await db.sql<{ n: number; named: number; with_id: number }[]>`
      select count(*)::int as n, count(name)::int as named, count(external_id)::int as with_id from assets where layer_id = 'metro_stations'`;
    expect(stops).toEqual({ n: 5, named: 5, with_id: 0 });
    const [bus] = await db.sql<{ with_id: number }[]>`select count(external_id)::int as with_id from assets where layer_id = 'bus_stops'`;
    expect(bus!.with_id).toBe(363);
  });

  it('creates the municipality and the districts that touch it', async () => {
    const districts = await db.sql<{ code: string; level: string; name_el: string; population: number | null; area_km2: number }[]>`
      select code, level, name_el, population, st_area(geom::geography) / 1e6 as area_km2 from districts order by code`;
    const piraeus = districts.find((d) => d.code === '9205');
    expect(piraeus).toMatchObject({ level: 'municipality', name_el: 'Δήμος Πειραιώς', population: 168151 });
    expect(piraeus!.area_km2).toBeGreaterThan(10);
    expect(piraeus!.area_km2).toBeLessThan(12.5);
    // The sector's other units are neighbouring municipalities: named, never districts of Piraeus.
    const neighbours = districts.filter((d) => d.level === 'neighbour');
    expect(neighbours.length).toBeGreaterThanOrEqual(3);
    expect(neighbours.every((d) => d.population! > 0)).toBe(true);
    // The districts are Piraeus's five municipal communities, generated inside the boundary.
    const communities = districts.filter((d) => d.level === 'district');
    expect(communities.map((d) => d.name_el)).toEqual([1, 2, 3, 4, 5].map((n) => `${n}η Δημοτική Κοινότητα Πειραιά`));
    const total = communities.reduce((s, d) => s + d.area_km2, 0);
    expect(total).toBeCloseTo(piraeus!.area_km2, 1);
    // Compact and comparable in size: none under a tenth of the municipality.
    expect(Math.min(...communities.map((d) => d.area_km2))).toBeGreaterThan(piraeus!.area_km2 / 10);
    const [cover] = await db.sql<{ outside: number; overlap: number; synthetic: number }[]>`
      select (select st_area(st_difference(u.g, m.geom)) from (select st_union(geom) as g from districts where level = 'district') u, districts m where m.code = '9205') * 1e8 as outside,
             (select coalesce(sum(st_area(st_intersection(a.geom, b.geom))), 0) from districts a join districts b on a.code < b.code where a.level = 'district' and b.level = 'district') * 1e8 as overlap,
             (select count(*)::int from districts where level = 'district' and synthetic) as synthetic`;
    expect(cover!.outside).toBeLessThan(1);
    expect(cover!.overlap).toBeLessThan(1);
    expect(cover!.synthetic).toBe(5);
  });

  it('keeps every synthetic asset inside the municipality, with valid geometry', async () => {
    const [r] = await db.sql<{ outside: number; invalid: number; total: number }[]>`
      select count(*) filter (where not st_covers(d.geom, a.geom))::int as outside,
             count(*) filter (where not st_isvalid(a.geom))::int as invalid,
             count(*)::int as total
        from assets a join layers l on l.id = a.layer_id, districts d
       where l.synthetic and d.code = '9205'`;
    expect(r!.total).toBeGreaterThan(20_000);
    expect(r!.outside).toBe(0);
    expect(r!.invalid).toBe(0);
  });

  it('is idempotent: a second run leaves the same content', async () => {
    const before = await contentHash();
    const versions = async () => db.sql<{ id: string; version: number }[]>`select id, version from layers order by id`;
    const versionsBefore = await versions();
    const [{ districts: d1 }] = await db.sql<{ districts: number }[]>`select count(*)::int as districts from districts`;
    const second: string[] = [];
    await loadDemoMunicipality(db.sql, { log: (m) => second.push(m) });
    const after = await contentHash();
    expect(after).toEqual(before);
    // Nothing was reloaded: every layer reports unchanged and no layer version (tile ETag) moved.
    expect(second.filter((m) => /: \d+ (generated|imported)/.test(m))).toEqual([]);
    expect(await versions()).toEqual(versionsBefore);
    const [{ districts: d2 }] = await db.sql<{ districts: number }[]>`select count(*)::int as districts from districts`;
    expect(d2).toBe(d1);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from layer_imports`;
    expect(n).toBe(loadManifest().layers.filter((l) => !l.synthetic).length);
  }, 120_000);
});

describe('loadGenerated and generateBenchLayers', () => {
  it('rolls back a failed COPY entirely', async () => {
    const rows: AssetRow[] = [
      { externalId: 'X-1', name: 'ok', properties: {}, condition: 'good', criticality: 3, installDate: '2020-01-01', geometry: { type: 'Point', coordinates: [23.64, 37.94] } },
      { externalId: 'X-2', name: 'bad', properties: {}, condition: 'good', criticality: 9, installDate: '2020-01-01', geometry: { type: 'Point', coordinates: [23.64, 37.94] } },
    ];
    const before = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = 'schools'`;
    await expect(loadGenerated(db.sql, 'schools', rows)).rejects.toThrow(/criticality/);
    const after = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = 'schools'`;
    expect(after).toEqual(before);
  });

  it('creates the three bench layers inside the bbox and skips an identical re-run', async () => {
    const first = await generateBenchLayers(db.sql, { points: 3000, lines: 500, polygons: 500, seed: 't' });
    expect(first.layers.map((l) => [l.id, l.rows, l.skipped])).toEqual([
      ['bench_points', 3000, false],
      ['bench_lines', 500, false],
      ['bench_polygons', 500, false],
    ]);
    const bbox = loadManifest().municipality.bbox;
    const counts = await db.sql<{ layer_id: string; n: number; outside: number }[]>`
      select layer_id, count(*)::int as n,
             count(*) filter (where not st_coveredby(geom, st_makeenvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)))::int as outside
        from assets where layer_id like 'bench_%' group by layer_id order by layer_id`;
    expect(counts).toEqual([
      { layer_id: 'bench_lines', n: 500, outside: 0 },
      { layer_id: 'bench_points', n: 3000, outside: 0 },
      { layer_id: 'bench_polygons', n: 500, outside: 0 },
    ]);
    const again = await generateBenchLayers(db.sql, { points: 3000, lines: 500, polygons: 500, seed: 't' });
    expect(again.layers.every((l) => l.skipped)).toBe(true);
    const resized = await generateBenchLayers(db.sql, { points: 1000, lines: 500, polygons: 500, seed: 't' });
    expect(resized.layers.map((l) => l.skipped)).toEqual([false, true, true]);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = 'bench_points'`;
    expect(n).toBe(1000);
  });

  it('rebuilds the GiST indexes of assets exactly when it defers them', async () => {
    const indexes = () => db.sql<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes where tablename in ('assets', 'assets_base') order by indexname`;
    const before = await indexes();
    expect(before.some((i) => /using gist/i.test(i.indexdef))).toBe(true);
    const report = await generateBenchLayers(db.sql, { points: 2000, lines: 10, polygons: 10, seed: 'deferred', deferIndexes: true });
    expect(report.layers.every((l) => !l.skipped)).toBe(true);
    expect(await indexes()).toEqual(before);
    // The rebuilt index answers spatial queries over the new rows.
    const bbox = loadManifest().municipality.bbox;
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from assets
       where layer_id = 'bench_points' and geom && st_makeenvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`;
    expect(n).toBe(2000);
  });
});
