import type { Db } from '../../db.ts';
import type { BBox } from '../../../../lib/geo.ts';

export { getLayer, refreshLayerExtent, upsertLayer, type LayerInput, type LayerRow } from '../../../../gis-data/src/import/catalogue.sql.ts';
import { LAYER_COLUMNS, type LayerRow } from '../../../../gis-data/src/import/catalogue.sql.ts';

export async function listLayers(sql: Db, opts: { publicOnly: boolean }): Promise<LayerRow[]> {
  return sql.unsafe<LayerRow[]>(
    `select ${LAYER_COLUMNS} from layers where ($1::boolean is false or is_public) order by sort_order, id`,
    [opts.publicOnly],
  );
}

export interface AssetFeature {
  type: 'Feature';
  id: number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

/**
 * An asset's attributes as shown to the caller: staff see every attribute; the public sees only the
 * keys that pass is_public_attribute_key (the same allowlist tiles and open data use).
 */
function propertiesFor(sql: Db, full: boolean) {
  return full
    ? sql`a.properties`
    : sql`(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) from jsonb_each(a.properties) e where is_public_attribute_key(e.key))`;
}

/** Assets of a layer inside a bbox, keyset-paged by id; fetches limit+1 to know if more exist. */
export async function assetsInBbox(sql: Db, layerId: string, bbox: BBox, limit: number, afterId: number, opts: { staff: boolean }): Promise<AssetFeature[]> {
  const [minx, miny, maxx, maxy] = bbox;
  return sql<AssetFeature[]>`
    select 'Feature' as type, a.id,
           st_asgeojson(a.geom, 7)::json as geometry,
           ${propertiesFor(sql, opts.staff)} || jsonb_build_object('layer', a.layer_id, 'external_id', a.external_id, 'name', a.name,
             'condition', a.condition, 'criticality', a.criticality, 'install_date', a.install_date) as properties
      from assets a
     where a.layer_id = ${layerId}
       and a.geom && st_makeenvelope(${minx}, ${miny}, ${maxx}, ${maxy}, 4326)
       and a.id > ${afterId}
     order by a.id
     limit ${limit + 1}`;
}

export async function getAsset(sql: Db, id: number, opts: { staff: boolean }): Promise<(AssetFeature & { layer_public: boolean }) | undefined> {
  const rows = await sql<(AssetFeature & { layer_public: boolean })[]>`
    select 'Feature' as type, a.id, st_asgeojson(a.geom, 7)::json as geometry, l.is_public as layer_public,
           ${propertiesFor(sql, opts.staff)} || jsonb_build_object('layer', a.layer_id, 'external_id', a.external_id, 'name', a.name,
             'condition', a.condition, 'criticality', a.criticality, 'install_date', a.install_date) as properties
      from assets a join layers l on l.id = a.layer_id
     where a.id = ${id}`;
  return rows[0];
}
