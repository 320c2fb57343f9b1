import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../test/test-db.ts';
import { migrate, readMigrations } from './migrate.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

describe('migrations', () => {
  it('recorded every migration and a second run applies nothing', async () => {
    const rows = await db.sql<{ version: number }[]>`select version from schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(await migrate(db.sql)).toEqual([]);
  });

  it('has PostGIS and the multilayer tables with their spatial indexes', async () => {
    const [{ v }] = await db.sql<{ v: string }[]>`select postgis_lib_version() as v`;
    expect(v).toMatch(/^3\./);
    // assets is partitioned (0115): the spatial indexes belong to its partitions.
    const idx = await db.sql<{ indexname: string }[]>`select indexname from pg_indexes where tablename in ('assets', 'assets_base')`;
    expect(idx.map((i) => i.indexname)).toContain('assets_layer_geom_3857');
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mig-'));
    for (const m of readMigrations()) writeFileSync(join(dir, `${m.name}.sql`), m.sql);
    writeFileSync(join(dir, '0900_good_part.sql'), 'create table should_not_exist (id int);');
    writeFileSync(join(dir, '0901_broken.sql'), 'create table broken (id int); select 1/0;');
    await expect(migrate(db.sql, dir)).rejects.toThrow(/division by zero/);
    const [row] = await db.sql`select to_regclass('should_not_exist') as t`;
    expect(row!.t).toBeNull();
    const [max] = await db.sql<{ m: number }[]>`select max(version) as m from schema_migrations`;
    expect(max!.m).toBeLessThan(900);
  });

  it('keeps layer version and feature count in step with its assets', async () => {
    await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values ('t_points', 'Σημεία', 'Points', 'reference', 'point')`;
    await db.sql`insert into assets (layer_id, geom) select 't_points', st_setsrid(st_makepoint(23.6 + g / 1000.0, 37.94), 4326) from generate_series(1, 5) g`;
    const [l] = await db.sql<{ version: number; feature_count: number }[]>`select version, feature_count from layers where id = 't_points'`;
    expect(l).toEqual({ version: 2, feature_count: 5 });
    await expect(db.sql`insert into assets (layer_id, geom) values ('t_points', st_geomfromtext('POINT(1 1)', 3857))`).rejects.toThrow();
  });
});
