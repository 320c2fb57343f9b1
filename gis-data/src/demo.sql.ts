/** SQL of the demo loader: districts and the replace-a-layer step. */
import type { Geometry } from 'geojson';
import type { Db } from '../../api/src/db.ts';

export interface DistrictInput {
  code: string;
  level: 'municipality' | 'district' | 'neighbour';
  nameEl: string;
  nameEn: string;
  population: number | null;
  geometry: Geometry;
  /** Generated, not from an official source (flagged on the map and in the API). */
  synthetic?: boolean;
}

/** Creates or updates a district by code (re-running the demo load is harmless). */
export async function upsertDistrict(sql: Db, d: DistrictInput): Promise<void> {
  await sql`
    insert into districts (code, level, name_el, name_en, population, synthetic, geom)
    values (${d.code}, ${d.level}, ${d.nameEl}, ${d.nameEn}, ${d.population}, ${d.synthetic ?? false},
            st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromgeojson(${JSON.stringify(d.geometry)}), 4326)), 3)))
    on conflict (code) do update set
      level = excluded.level, name_el = excluded.name_el, name_en = excluded.name_en,
      population = excluded.population, synthetic = excluded.synthetic, geom = excluded.geom`;
}

/** Removes every asset of a layer (before a synthetic layer is generated again). */
export async function deleteLayerAssets(sql: Db, layerId: string): Promise<void> {
  await sql`delete from assets where layer_id = ${layerId}`;
}

/** Records where a layer's rows came from (for synthetic layers: generator, seed, scale, rows digest). */
export async function setLayerSource(sql: Db, layerId: string, source: string): Promise<void> {
  await sql`update layers set source = ${source} where id = ${layerId}`;
}

/** The demo's municipality settings (names, code, time zone, locales, boundary) from the manifest. */
export async function setDemoSettings(
  sql: Db,
  s: { code: string; names: Record<string, string>; timezone?: string; locales?: string[]; boundary: Geometry },
): Promise<void> {
  await sql`
    update municipality_settings set
      code = ${s.code}, names = ${sql.json(s.names)},
      timezone = coalesce(${s.timezone ?? null}, timezone),
      locales = coalesce(${s.locales ?? null}::text[], locales),
      boundary = st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromgeojson(${JSON.stringify(s.boundary)}), 4326)), 3)),
      updated_at = now()
     where id`;
}
