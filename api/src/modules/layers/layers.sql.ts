import type { Db } from '../../db.ts';
import type { BBox } from '../../../../lib/geo.ts';

export interface LayerRow {
  id: string;
  name_el: string;
  name_en: string;
  layer_group: string;
  geometry_type: 'point' | 'line' | 'polygon';
  style: Record<string, unknown>;
  is_public: boolean;
  synthetic: boolean;
  source: string;
  licence: string;
  attribution: string;
  attribute_schema: Record<string, unknown>;
  sort_order: number;
  version: number;
  feature_count: number;
  extent: [number, number, number, number] | null;
  updated_at: Date;
}

const LAYER_COLUMNS = `id, name_el, name_en, layer_group, geometry_type, style, is_public, synthetic, source, licence,
  attribution, attribute_schema, sort_order, version, feature_count, updated_at,
  case when extent is null then null else json_build_array(st_xmin(extent), st_ymin(extent), st_xmax(extent), st_ymax(extent)) end as extent`;

export async function listLayers(sql: Db, opts: { publicOnly: boolean }): Promise<LayerRow[]> {
  return sql.unsafe<LayerRow[]>(
    `select ${LAYER_COLUMNS} from layers where ($1::boolean is false or is_public) order by sort_order, id`,
    [opts.publicOnly],
  );
}

export async function getLayer(sql: Db, id: string): Promise<LayerRow | undefined> {
  const rows = await sql.unsafe<LayerRow[]>(`select ${LAYER_COLUMNS} from layers where id = $1`, [id]);
  return rows[0];
}

export interface LayerInput {
  id: string;
  nameEl: string;
  nameEn: string;
  group: string;
  geometryType: string;
  style?: Record<string, unknown>;
  isPublic?: boolean;
  synthetic?: boolean;
  source?: string;
  licence?: string;
  attribution?: string;
  attributeSchema?: Record<string, unknown>;
  sortOrder?: number;
  /** Attribute keys the public may see; omitted keeps the layer's current list (none for a new layer). */
  publicAttributes?: string[];
}

/** Creates or updates a catalogue entry (the manifest is the source; re-running is harmless). */
export async function upsertLayer(sql: Db, l: LayerInput): Promise<void> {
  await sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, style, is_public, synthetic, source, licence, attribution, attribute_schema, sort_order, public_attributes)
    values (${l.id}, ${l.nameEl}, ${l.nameEn}, ${l.group}, ${l.geometryType}, ${sql.json((l.style ?? {}) as never)},
            ${l.isPublic ?? false}, ${l.synthetic ?? false}, ${l.source ?? ''}, ${l.licence ?? ''}, ${l.attribution ?? ''},
            ${sql.json((l.attributeSchema ?? {}) as never)}, ${l.sortOrder ?? 0}, ${l.publicAttributes ?? null})
    on conflict (id) do update set
      name_el = excluded.name_el, name_en = excluded.name_en, layer_group = excluded.layer_group,
      geometry_type = excluded.geometry_type, style = excluded.style, is_public = excluded.is_public,
      synthetic = excluded.synthetic, source = excluded.source, licence = excluded.licence,
      attribution = excluded.attribution, attribute_schema = excluded.attribute_schema, sort_order = excluded.sort_order,
      public_attributes = coalesce(excluded.public_attributes, layers.public_attributes),
      updated_at = now()`;
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

/** Keeps what a layer already shows; a layer never chosen for gets its data's candidate keys (the demo). */
export async function adoptCandidateAttributes(sql: Db, id: string): Promise<void> {
  await sql`update layers set public_attributes = layer_attribute_candidates(${id}, 1000) where id = ${id} and public_attributes is null`;
}

/**
 * Recomputes a layer's extent after its features changed. A single point (or features on one
 * meridian) has a degenerate box that is no Polygon, so it is widened by ~1 cm to fit the column.
 */
export async function refreshLayerExtent(sql: Db, id: string): Promise<void> {
  await sql`
    update layers
       set extent = (select case when st_xmin(b) = st_xmax(b) or st_ymin(b) = st_ymax(b) then st_expand(b, 1e-7) else b end::geometry
                       from (select st_extent(geom) as b from assets where layer_id = ${id}) e)
     where id = ${id}`;
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
