/**
 * Place search against a real PostGIS: the same street is found typed in Greek with or without
 * accents, in Latin, in Greeklish and with a typo; road segments of one street are one result
 * framed by their extent; named places and districts are found; a non-public layer never is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { testApp, type TestApp } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let app: TestApp;
interface Result {
  kind: string;
  name: { el: string; en: string };
  layer: { id: string } | null;
  center: [number, number];
  bbox: [number, number, number, number] | null;
}
const search = async (q: string): Promise<Result[]> => {
  const res = await app.request(`/api/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return (await res.json()).results;
};

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  for (const [id, group, pub] of [['roads', 'network', true], ['schools', 'building', true], ['gas_pipes', 'network', false], ['street_lights', 'network', true]] as const) {
    await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public) values (${id}, ${id}, ${id}, ${group}, 'line', ${pub})`;
  }
  const ins = (layer: string, name: string, wkt: string) => db.sql`insert into assets (layer_id, name, geom) values (${layer}, ${name}, st_geomfromtext(${wkt}, 4326))`;
  await ins('roads', 'Οδός Ανδρούτσου', 'LINESTRING(23.640 37.940, 23.642 37.940)');
  await ins('roads', 'Οδός Ανδρούτσου', 'LINESTRING(23.642 37.940, 23.645 37.941)');
  await ins('roads', 'Οδός Θεμιστοκλέους', 'LINESTRING(23.650 37.945, 23.652 37.946)');
  await ins('roads', 'Λεωφόρος Χατζηκυριάκου', 'LINESTRING(23.630 37.935, 23.635 37.936)');
  await ins('schools', '3ο Γυμνάσιο Πειραιά', 'POINT(23.646 37.943)');
  await ins('gas_pipes', 'Αγωγός Ανδρούτσου', 'LINESTRING(23.640 37.941, 23.641 37.941)');
  await ins('street_lights', 'Φωτιστικό 1, Οδός Ανδρούτσου', 'POINT(23.641 37.940)');
  await db.sql`insert into districts (code, level, name_el, name_en, geom) values
    ('9205-1', 'district', '1η Δημοτική Κοινότητα Πειραιά', '1st Municipal Community of Piraeus', st_multi(st_geomfromtext('POLYGON((23.60 37.93, 23.63 37.93, 23.63 37.97, 23.60 37.97, 23.60 37.93))', 4326)))`;
});
afterAll(async () => {
  await db?.drop();
});

describe('place search', () => {
  it.each(['Ανδρούτσου', 'ανδρουτσου', 'ΑΝΔΡΟΥΤΣΟΥ', 'Androutsou', 'androytsoy', 'andrutsu', 'androtsou', 'οδος ανδρουτσου'])('finds the street typed as %s', async (q) => {
    const [first] = await search(q);
    expect(first).toMatchObject({ kind: 'street', name: { el: 'Οδός Ανδρούτσου' }, layer: { id: 'roads' } });
    // Both segments: one result framed by the whole street.
    expect(first!.bbox).toEqual([23.64, 37.94, 23.645, 37.941]);
  });

  it('folds Greeklish spellings of θ, χ, η', async () => {
    expect((await search('8emistokleous'))[0]?.name.el).toBe('Οδός Θεμιστοκλέους');
    expect((await search('themistokleous'))[0]?.name.el).toBe('Οδός Θεμιστοκλέους');
    expect((await search('xatzikyriakou'))[0]?.name.el).toBe('Λεωφόρος Χατζηκυριάκου');
    expect((await search('chatzikiriakou'))[0]?.name.el).toBe('Λεωφόρος Χατζηκυριάκου');
  });

  it('finds named places and districts, in either language of the district', async () => {
    const school = (await search('gymnasio peiraia'))[0];
    expect(school).toMatchObject({ kind: 'place', layer: { id: 'schools' }, center: [23.646, 37.943], bbox: null });
    expect((await search('1st municipal community'))[0]).toMatchObject({ kind: 'district', name: { el: '1η Δημοτική Κοινότητα Πειραιά' } });
    expect((await search('κοινοτητα πειραια'))[0]?.kind).toBe('district');
  });

  it('never returns a non-public layer, nor asset-number names of network layers', async () => {
    const names = (await search('Ανδρούτσου')).map((r) => r.name.el);
    expect(names).not.toContain('Αγωγός Ανδρούτσου');
    expect(names).not.toContain('Φωτιστικό 1, Οδός Ανδρούτσου');
  });

  it('refuses an empty or oversized query', async () => {
    for (const q of ['', 'a', 'x'.repeat(101)]) {
      const res = await app.request(`/api/search?q=${q}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_query');
    }
  });
});
