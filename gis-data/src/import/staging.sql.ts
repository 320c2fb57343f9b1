/**
 * The staging side of an import, all on one reserved connection: a session-local table filled
 * by COPY in the file's own SRID, checked and reprojected in PostGIS, then merged into `assets`
 * in one transaction. Until that transaction commits nothing of the new file is visible, and if
 * it fails the layer keeps its previous features (docs/reliability.md I1).
 */
import type { Writable } from 'node:stream';
import type { Db } from '../../../api/src/db.ts';
import type { Family } from './geometry.ts';

/** Reasons kept per import in the report (the counts cover all). @default 100 */
export const REPORT_LIMIT = 100;

export async function createStage(conn: Db): Promise<void> {
  await conn`drop table if exists pg_temp.import_stage`;
  // No SRID on geom yet: the file's CRS may only be known after the last feature (a GeoJSON
  // `crs` member may trail the features array).
  await conn`
    create temp table import_stage (
      idx int not null,
      family text not null,
      geom geometry,
      name text,
      external_id text,
      properties jsonb not null,
      -- reason code when the row will not be loaded
      rejected text,
      -- warning code (repaired geometry) or rejection detail
      warning text,
      detail text
    )`;
}

export async function dropStage(conn: Db): Promise<void> {
  await conn`drop table if exists pg_temp.import_stage`;
}

/** COPY sink: text format rows `idx, family, wkb hex, name, external_id, properties json`. */
export async function openStageCopy(conn: Db): Promise<Writable> {
  return conn`copy import_stage (idx, family, geom, name, external_id, properties) from stdin`.writable();
}

/** Statistics for the planner (temporary tables are never auto-analysed) and the merge index. */
export async function indexStage(conn: Db, withExternalIds: boolean): Promise<void> {
  if (withExternalIds) await conn`create index on import_stage (external_id) where external_id is not null`;
  // Row count and the columns the merge joins on; sampling geometries would cost more than it helps.
  await conn`analyze import_stage (external_id, rejected)`;
}

export async function sridExists(sql: Db, srid: number): Promise<boolean> {
  const rows = await sql`select 1 from spatial_ref_sys where srid = ${srid}`;
  return rows.length > 0;
}

/**
 * Reprojects to EPSG:4326 in PostGIS. The set-based statement is tried first; if PROJ refuses
 * some coordinate it aborts, and the per-row fallback marks just those rows.
 */
export async function reprojectStage(conn: Db, srid: number): Promise<void> {
  // Already lon/lat: the SRID is stamped in the merge, sparing a rewrite of the whole table.
  if (srid === 4326) return;
  try {
    await conn`update import_stage set geom = st_transform(st_setsrid(geom, ${srid}::int), 4326) where rejected is null`;
  } catch {
    await conn`update import_stage set geom = import_try_transform(st_setsrid(geom, ${srid}::int), 4326) where rejected is null`;
    await conn`update import_stage set rejected = 'transform_failed', detail = 'the coordinates are outside the source CRS domain' where rejected is null and geom is null`;
  }
}

/** Outside lon/lat range after reprojection (NaN from PROJ fails the between checks too). */
export async function rejectOutOfRange(conn: Db): Promise<void> {
  await conn`
    update import_stage
       set rejected = 'coordinate_out_of_range', detail = 'coordinates outside [-180,180] x [-90,90] after reprojection'
     where rejected is null
       and not (st_xmin(geom) between -180 and 180 and st_xmax(geom) between -180 and 180
                and st_ymin(geom) between -90 and 90 and st_ymax(geom) between -90 and 90)`;
}

/** The family holding the most loadable rows; a tie goes to the family of the first feature. */
export async function majorityFamily(conn: Db): Promise<Family | null> {
  const rows = await conn<{ family: Family }[]>`
    select family
      from import_stage
     where rejected is null
     group by family
     order by count(*) desc, min(idx)
     limit 1`;
  return rows[0]?.family ?? null;
}

export async function rejectOtherFamilies(conn: Db, family: Family): Promise<void> {
  await conn`
    update import_stage
       set rejected = 'mixed_geometry_type', detail = ${`the layer holds ${family} geometries, this feature is a `}::text || family
     where rejected is null and family <> ${family}`;
}

/**
 * Invalid lines and polygons are repaired with ST_MakeValid(method=structure) and kept with a
 * warning. Where that empties a polygon (rings listed inner-first, common in raster-derived
 * data: "hole lies outside shell") the linework method keeps the area instead. A repair that
 * still empties the geometry or changes its dimension is a rejection.
 */
export async function repairInvalid(conn: Db): Promise<void> {
  await conn`
    update import_stage
       set warning = 'invalid_geometry_repaired', detail = st_isvalidreason(geom),
           geom = (select case when st_isempty(s) or st_dimension(s) < case family when 'polygon' then 2 else 1 end
                               then st_makevalid(geom, 'method=linework') else s end
                     from (select st_makevalid(geom, 'method=structure') as s) m)
     where rejected is null and family <> 'point' and not st_isvalid(geom)`;
  await conn`
    update import_stage
       set geom = st_collectionextract(geom, case family when 'polygon' then 3 else 2 end)
     where warning = 'invalid_geometry_repaired' and geometrytype(geom) = 'GEOMETRYCOLLECTION'`;
  await conn`
    update import_stage
       set rejected = 'invalid_geometry', warning = null
     where warning = 'invalid_geometry_repaired'
       and (geom is null or st_isempty(geom) or st_dimension(geom) <> case family when 'polygon' then 2 else 1 end)`;
}

/** Later duplicates of an external id lose it (the unique index would refuse them); returns how many. */
export async function clearDuplicateExternalIds(conn: Db): Promise<number> {
  const r = await conn`
    update import_stage s
       set external_id = null
      from (select idx, row_number() over (partition by external_id order by idx) as rn
              from import_stage
             where rejected is null and external_id is not null) d
     where d.idx = s.idx and d.rn > 1`;
  return r.count;
}

export interface StageSummary {
  loadable: number;
  repaired: number;
  rejectionCounts: Record<string, number>;
  rejections: { index: number; reason: string }[];
  warnings: { index: number; reason: string }[];
}

export async function summariseStage(conn: Db): Promise<StageSummary> {
  const counts = await conn<{ code: string | null; warning: string | null; n: number }[]>`
    select rejected as code, warning, count(*)::int as n from import_stage group by 1, 2`;
  const rejectionCounts: Record<string, number> = {};
  let loadable = 0;
  let repaired = 0;
  for (const c of counts) {
    if (c.code) rejectionCounts[c.code] = (rejectionCounts[c.code] ?? 0) + c.n;
    else {
      loadable += c.n;
      if (c.warning) repaired += c.n;
    }
  }
  const rejections = await conn<{ index: number; reason: string }[]>`
    select idx as index, rejected || coalesce(': ' || left(detail, 200), '') as reason
      from import_stage where rejected is not null order by idx limit ${REPORT_LIMIT}`;
  const warnings = await conn<{ index: number; reason: string }[]>`
    select idx as index, warning || coalesce(': ' || left(detail, 200), '') as reason
      from import_stage where rejected is null and warning is not null order by idx limit ${REPORT_LIMIT}`;
  return { loadable, repaired, rejectionCounts, rejections, warnings };
}

/**
 * The swap, run inside the caller's transaction. Features are matched on external id so assets
 * that persist across imports keep their id (incidents and work orders point at it) and are
 * updated where they live; the rest of the layer is replaced. The new features are loaded like a
 * fresh table: into an import segment of `assets` (migrations/0115) without indexes, which then
 * gets its indexes and tile grid built in bulk and is attached as a partition. Nothing of it is
 * visible before the caller commits. Returns the number of loaded features.
 */
export async function mergeStageIntoLayer(conn: Db, layerId: string, timed: Timed = (_n, fn) => fn()): Promise<number> {
  await timed('merge_delete', () => conn`
    delete from assets a
     where a.layer_id = ${layerId}
       and (a.external_id is null
            or not exists (select 1 from import_stage s where s.rejected is null and s.external_id = a.external_id))`);
  const updated = await timed('merge_update', () => conn`
    update assets a
       set name = s.name, properties = s.properties, geom = st_setsrid(s.geom, 4326), updated_at = now()
      from import_stage s
     where a.layer_id = ${layerId} and s.rejected is null and a.external_id = s.external_id`);
  const [seg] = await conn<{ segment: string; first_id: number }[]>`select segment, first_id from assets_segment_create(${layerId})`;
  if (!seg || !/^assets_seg_[0-9]+$/.test(seg.segment)) throw new Error('assets_segment_create returned no segment');
  // The file order numbers the new ids (idx is unique and below the segment's 2^32 block), so no
  // sort of the staged rows is needed.
  const inserted = await timed('merge_load', () => conn`
    insert into ${conn(seg.segment)} (id, layer_id, external_id, name, properties, geom)
    select ${seg.first_id}::bigint + s.idx, ${layerId}, s.external_id, s.name, s.properties, st_setsrid(s.geom, 4326)
      from import_stage s
     where s.rejected is null
       and (s.external_id is null
            or not exists (select 1 from assets a where a.layer_id = ${layerId} and a.external_id = s.external_id))`);
  await timed('merge_index_attach', () => conn`select assets_segment_attach(${seg.segment}, ${seg.first_id}::bigint)`);
  return updated.count + inserted.count;
}

/** Measures a step into the import's timings. */
export type Timed = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** Drops import segments that hold no rows any more; best effort, after the swap committed. */
export async function pruneSegments(conn: Db): Promise<void> {
  // One statement is one transaction: the function's `set local lock_timeout` ends with it.
  await conn`select assets_segments_prune()`;
}
