/**
 * Open-data queries: the public layer catalogue as OGC collections and the rows behind items and
 * downloads. Every query filters on layers.is_public; a non-public layer is never read here.
 *
 * Rows are fetched as value arrays in a fixed order (ITEM_FIXED_COLUMNS, then the layer's public
 * attribute keys, then the geometry) so the three encoders (GeoJSON, FlatGeobuf, CSV) share them.
 */
import type { PendingQuery, Row } from 'postgres';
import type { Db } from '../../db.ts';
import type { BBox } from '../../../../lib/geo.ts';

export interface CollectionRow {
  id: string;
  name_el: string;
  name_en: string;
  layer_group: string;
  geometry_type: 'point' | 'line' | 'polygon';
  synthetic: boolean;
  source: string;
  licence: string;
  attribution: string;
  feature_count: number;
  version: number;
  updated_at: Date;
  /** [minLon, minLat, maxLon, maxLat]; null before the first import. */
  bbox: [number, number, number, number] | null;
}

export async function listPublicCollections(sql: Db): Promise<CollectionRow[]> {
  return sql<CollectionRow[]>`
    select id, name_el, name_en, layer_group, geometry_type, synthetic, source, licence, attribution,
           feature_count, version, updated_at,
           case when extent is null then null
                else json_build_array(st_xmin(extent), st_ymin(extent), st_xmax(extent), st_ymax(extent)) end as bbox
      from layers
     where is_public
     order by sort_order, id`;
}

export async function getPublicCollection(sql: Db, id: string): Promise<CollectionRow | undefined> {
  const rows = await sql<CollectionRow[]>`
    select id, name_el, name_en, layer_group, geometry_type, synthetic, source, licence, attribution,
           feature_count, version, updated_at,
           case when extent is null then null
                else json_build_array(st_xmin(extent), st_ymin(extent), st_xmax(extent), st_ymax(extent)) end as bbox
      from layers
     where id = ${id}
       and is_public`;
  return rows[0];
}

export type AttributeType = 'double' | 'bool' | 'string' | 'json';

export interface AttributeColumn {
  key: string;
  type: AttributeType;
}

/**
 * The layer's public attribute columns (layer_attribute_keys() in SQL: schema keys plus a sample's,
 * minus personal-looking keys) with a type read from the sample: all numbers -> double, all
 * booleans -> bool, any object/array -> json, otherwise string.
 */
export async function listAttributeColumns(sql: Db, layerId: string, max = 100): Promise<AttributeColumn[]> {
  return sql<AttributeColumn[]>`
    with keys as (
      select unnest(layer_attribute_keys(${layerId}, ${max}::int)) as key
    ), sample as (
      select properties from assets where layer_id = ${layerId} order by id limit 500
    )
    select k.key,
           case when bool_and(t.kind in ('number', 'null')) and bool_or(t.kind = 'number') then 'double'
                when bool_and(t.kind in ('boolean', 'null')) and bool_or(t.kind = 'boolean') then 'bool'
                when bool_or(t.kind in ('object', 'array')) then 'json'
                else 'string' end as type
      from keys k
      left join lateral (select jsonb_typeof(s.properties -> k.key) as kind from sample s) t on true
     group by k.key
     order by k.key`;
}

/** Columns before the attributes, in row order. */
export const ITEM_FIXED_COLUMNS = ['id', 'external_id', 'name', 'condition', 'criticality', 'install_date'] as const;

export type GeometryEncoding = 'geojson' | 'wkb' | 'wkt';

export interface ItemsFilter {
  layerId: string;
  bbox: BBox | null;
  /** Keyset paging: rows with id > afterId (ascending). */
  afterId?: number | null;
  /** Keyset paging backwards: rows with id < beforeId (fetched descending; callers reverse). */
  beforeId?: number | null;
  /** Rows to fetch; null = all (downloads). */
  limit: number | null;
  columns: AttributeColumn[];
  geometry: GeometryEncoding;
  /** Output CRS (OGC API Part 2); CRS84 when absent. */
  crs?: { srid: number; latFirst: boolean; precision: number };
  /** A bbox given in a projected CRS: exact test in that CRS (`bbox` then holds its CRS84 cover, for the index). */
  bboxIn?: { box: [number, number, number, number]; srid: number } | null;
  /** A CQL2 filter as SQL on `a` (open-data.filter.sql.ts). */
  filter?: PendingQuery<Row[]> | null;
}

/**
 * The items query, not yet run: callers take `.values()` for a page or `.values().cursor(n)` to
 * stream. Attribute values come back as jsonb (parsed by postgres.js); the geometry as GeoJSON
 * text, little-endian 2D WKB (bytea) or WKT.
 */
export function itemsQuery(sql: Db, f: ItemsFilter): PendingQuery<Row[]> {
  const crs = f.crs ?? { srid: 4326, latFirst: false, precision: 7 };
  const g = crs.latFirst ? sql`st_flipcoordinates(a.geom)` : crs.srid !== 4326 ? sql`st_transform(a.geom, ${crs.srid}::int)` : sql`a.geom`;
  // FlatGeobuf declares the layer's Multi* type in its header, so every feature is made Multi.
  const geometry =
    f.geometry === 'geojson'
      ? sql`st_asgeojson(${g}, ${crs.precision}::int)`
      : f.geometry === 'wkb'
        ? sql`st_asbinary(st_multi(st_force2d(${g})), 'NDR')`
        : sql`st_astext(${g}, ${crs.precision}::int)`;
  const attributes = f.columns.map((c) => sql`, a.properties -> ${c.key}::text`);
  const env = f.bbox ? sql`st_makeenvelope(${f.bbox[0]}, ${f.bbox[1]}, ${f.bbox[2]}, ${f.bbox[3]}, 4326)` : null;
  const backwards = f.beforeId != null;
  return sql`
    select a.id, a.external_id, a.name, a.condition, a.criticality, a.install_date::text
           ${attributes.length ? attributes.reduce((acc, frag) => sql`${acc}${frag}`) : sql``},
           ${geometry}
      from assets a
      join layers l on l.id = a.layer_id and l.is_public
     where a.layer_id = ${f.layerId}
       ${env ? sql`and a.geom && ${env} and st_intersects(a.geom, ${env})` : sql``}
       ${f.bboxIn ? sql`and st_intersects(st_transform(a.geom, ${f.bboxIn.srid}::int), st_makeenvelope(${f.bboxIn.box[0]}, ${f.bboxIn.box[1]}, ${f.bboxIn.box[2]}, ${f.bboxIn.box[3]}, ${f.bboxIn.srid}::int))` : sql``}
       ${f.filter ? sql`and coalesce(${f.filter}, false)` : sql``}
       ${f.afterId != null ? sql`and a.id > ${f.afterId}` : sql``}
       ${backwards ? sql`and a.id < ${f.beforeId!}` : sql``}
     order by a.id ${backwards ? sql`desc` : sql``}
     ${f.limit != null ? sql`limit ${f.limit}` : sql``}`;
}

/** Whether any matching row has an id below `id` (is there a previous page?). */
export async function hasItemsBefore(sql: Db, layerId: string, bbox: BBox | null, id: number): Promise<boolean> {
  const env = bbox ? sql`st_makeenvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : null;
  const rows = await sql`
    select 1
      from assets a
     where a.layer_id = ${layerId}
       and a.id < ${id}
       ${env ? sql`and a.geom && ${env} and st_intersects(a.geom, ${env})` : sql``}
     limit 1`;
  return rows.length > 0;
}

/**
 * Features matching a bbox, counted up to `cap` (null when there are more: numberMatched is
 * optional in OGC API Features, and counting millions of rows per page is not worth it).
 */
export async function countItemsInBbox(sql: Db, layerId: string, bbox: BBox, cap: number): Promise<number | null> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n
      from (select 1
              from assets a
             where a.layer_id = ${layerId}
               and a.geom && st_makeenvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)
               and st_intersects(a.geom, st_makeenvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326))
             limit ${cap + 1}) s`;
  return row!.n > cap ? null : row!.n;
}

/** One feature of a public layer by id, in the same row shape as itemsQuery. */
export async function getItemRow(sql: Db, layerId: string, id: number, columns: AttributeColumn[], geometry: GeometryEncoding, crs?: ItemsFilter['crs']): Promise<unknown[] | undefined> {
  const base = itemsQuery(sql, { layerId, bbox: null, afterId: id - 1, limit: 1, columns, geometry, crs });
  const rows = (await base.values()) as unknown as unknown[][];
  const row = rows[0];
  return row && Number(row[0]) === id ? row : undefined;
}

/** A bbox given in another CRS, as the CRS84 box that covers it (edges densified before reprojecting). */
export async function bboxToCrs84(sql: Db, b: [number, number, number, number], srid: number): Promise<BBox> {
  const [r] = await sql<{ b: [number, number, number, number] }[]>`
    select json_build_array(st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)) as b
      from (select st_transform(st_segmentize(st_makeenvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, ${srid}::int), greatest(${b[2] - b[0]}::float8, ${b[3] - b[1]}::float8) / 16 + 1e-9), 4326)::box2d as e) s`;
  return r!.b;
}

/** The FlatGeobuf geometry type of a layer's family: always Multi*, see itemsQuery. */
export const FGB_GEOMETRY_TYPE: Record<CollectionRow['geometry_type'], number> = { point: 4, line: 5, polygon: 6 };
