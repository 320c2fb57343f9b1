import type { Db } from '../../db.ts';
import type { BBox } from '../../../../lib/geo.ts';

export { adoptCandidateAttributes, getLayer, refreshLayerExtent, upsertLayer, type LayerInput, type LayerRow } from '../../../../gis-data/src/import/catalogue.sql.ts';
import { LAYER_COLUMNS, type LayerRow } from '../../../../gis-data/src/import/catalogue.sql.ts';

export async function listLayers(sql: Db, opts: { publicOnly: boolean }): Promise<LayerRow[]> {
  return sql.unsafe<LayerRow[]>(
    `select ${LAYER_COLUMNS} from layers where ($1::boolean is false or is_public) order by sort_order, id`,
    [opts.publicOnly],
  );
}

/** Publishes or withdraws a layer and sets the attribute keys the public may see. */
export async function setLayerPublication(sql: Db, id: string, p: { isPublic?: boolean; publicAttributes?: string[] }): Promise<boolean> {
  const rows = await sql`
    update layers
       set is_public = coalesce(${p.isPublic ?? null}::boolean, is_public),
           public_attributes = coalesce(${p.publicAttributes ?? null}::text[], public_attributes),
           version = version + 1,
           updated_at = now()
     where id = ${id}
     returning id`;
  return rows.length > 0;
}

export interface AssetFeature {
  type: 'Feature';
  id: number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

/**
 * An asset's attributes as shown to the caller: staff see every attribute; the public sees only the
 * layer's published keys (layer_attribute_keys: its allowlist, through the denylist), as tiles and
 * open data do.
 */
/**
 * The layer's public keys, computed once per statement (an uncorrelated subquery), not per row;
 * the cast makes it an array expression (`= any(subquery)` would compare text with text[]).
 */
const layerKeys = (sql: Db, layerId: string | null) =>
  layerId === null ? sql`layer_attribute_keys(a.layer_id, 1000)` : sql`(select layer_attribute_keys(${layerId}, 1000))::text[]`;

function propertiesFor(sql: Db, full: boolean, layerId: string | null) {
  return full
    ? sql`a.properties`
    : sql`(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) from jsonb_each(a.properties) e where e.key = any(${layerKeys(sql, layerId)}))`;
}

/** Assets of a layer inside a bbox, keyset-paged by id; fetches limit+1 to know if more exist. */
export async function assetsInBbox(sql: Db, layerId: string, bbox: BBox, limit: number, afterId: number, opts: { staff: boolean }): Promise<AssetFeature[]> {
  const [minx, miny, maxx, maxy] = bbox;
  return sql<AssetFeature[]>`
    select 'Feature' as type, a.id,
           st_asgeojson(a.geom, 7)::json as geometry,
           ${propertiesFor(sql, opts.staff, layerId)} || jsonb_build_object('layer', a.layer_id, 'external_id', a.external_id, 'name', a.name,
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
           ${propertiesFor(sql, opts.staff, null)} || jsonb_build_object('layer', a.layer_id, 'external_id', a.external_id, 'name', a.name,
             'condition', a.condition, 'criticality', a.criticality, 'install_date', a.install_date) as properties
      from assets a join layers l on l.id = a.layer_id
     where a.id = ${id}`;
  return rows[0];
}
