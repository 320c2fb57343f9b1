import type { Db } from '../../db.ts';

export interface MunicipalityRow {
  code: string;
  name_el: string;
  name_en: string;
  population: number | null;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  /** A point guaranteed inside the boundary (a centroid can fall in the sea for a port city). */
  center: [number, number];
}

/** The municipality row of `districts` (level municipality), with its bbox and an inner point. */
export async function findMunicipality(sql: Db): Promise<MunicipalityRow | undefined> {
  const rows = await sql<MunicipalityRow[]>`
    select code, name_el, name_en, population,
           json_build_array(st_xmin(geom), st_ymin(geom), st_xmax(geom), st_ymax(geom)) as bbox,
           json_build_array(st_x(st_pointonsurface(geom)), st_y(st_pointonsurface(geom))) as center
      from districts
     where level = 'municipality'
     order by id
     limit 1`;
  return rows[0];
}

/** The union of the public layers' extents: the map's frame when no municipality is loaded. */
export async function publicLayersExtent(sql: Db): Promise<[number, number, number, number] | null> {
  const [row] = await sql<{ bbox: [number, number, number, number] | null }[]>`
    select case when e is null then null
                else json_build_array(st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)) end as bbox
      from (select st_extent(extent)::geometry as e from layers where is_public and extent is not null) x`;
  return row?.bbox ?? null;
}

export interface AttributionRow {
  attribution: string;
  layers: string[];
}

/** Distinct attribution texts of the public layers, each with the layers that need it. */
export async function listPublicAttributions(sql: Db): Promise<AttributionRow[]> {
  return sql<AttributionRow[]>`
    select attribution, array_agg(id order by sort_order, id) as layers
      from layers
     where is_public and attribution <> ''
     group by attribution
     order by min(sort_order), attribution`;
}

export interface DistrictFeature {
  type: 'Feature';
  id: number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

/**
 * The municipality boundary and its districts as GeoJSON, simplified to about a metre: the
 * citizen map draws it as an outline and a mask without fetching tiles first.
 */
export async function districtsGeoJson(sql: Db): Promise<DistrictFeature[]> {
  return sql<DistrictFeature[]>`
    select 'Feature' as type, id,
           st_asgeojson(st_simplifypreservetopology(geom, 0.00001), 6)::json as geometry,
           json_build_object('code', code, 'level', level, 'name_el', name_el, 'name_en', name_en, 'population', population, 'synthetic', synthetic) as properties
      from districts
     order by level = 'municipality' desc, code`;
}
