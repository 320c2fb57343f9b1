/**
 * The layer catalogue as the import pipeline writes it: read one entry, create or update it,
 * refresh its extent. The API's layer routes read the same rows (api/src/modules/layers), so the
 * pipeline owns these and the API imports them, never the other way round.
 */
import type postgres from 'postgres';

/** A client, a reserved connection or a transaction. */
type Db = postgres.ISql;

/** What an attribute is called in each language, and its unit (`mm`, `m²`), shown after the value. */
export interface AttributeLabel {
  el: string;
  en: string;
  unit?: string;
}
/** Attribute key → label (layers.attribute_labels, migration 0100). */
export type AttributeLabels = Record<string, AttributeLabel>;

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
  attribute_labels: AttributeLabels;
  sort_order: number;
  version: number;
  feature_count: number;
  extent: [number, number, number, number] | null;
  updated_at: Date;
}

export const LAYER_COLUMNS = `id, name_el, name_en, layer_group, geometry_type, style, is_public, synthetic, source, licence,
  attribution, attribute_schema, attribute_labels, sort_order, version, feature_count, updated_at,
  case when extent is null then null else json_build_array(st_xmin(extent), st_ymin(extent), st_xmax(extent), st_ymax(extent)) end as extent`;

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
  /** Labels of the attributes; omitted (an import) keeps what the layer has. */
  attributeLabels?: AttributeLabels;
}

/**
 * Creates or updates a catalogue entry (the manifest is the source; re-running is harmless). A new
 * layer is private until an administrator publishes it, and shows no attribute until chosen.
 */
export async function upsertLayer(sql: Db, l: LayerInput): Promise<void> {
  await sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, style, is_public, synthetic, source, licence, attribution, attribute_schema, sort_order, public_attributes, attribute_labels)
    values (${l.id}, ${l.nameEl}, ${l.nameEn}, ${l.group}, ${l.geometryType}, ${sql.json((l.style ?? {}) as never)},
            ${l.isPublic ?? false}, ${l.synthetic ?? false}, ${l.source ?? ''}, ${l.licence ?? ''}, ${l.attribution ?? ''},
            ${sql.json((l.attributeSchema ?? {}) as never)}, ${l.sortOrder ?? 0}, ${l.publicAttributes ?? null},
            coalesce(${l.attributeLabels ? sql.json(l.attributeLabels as never) : null}::jsonb, '{}'))
    on conflict (id) do update set
      name_el = excluded.name_el, name_en = excluded.name_en, layer_group = excluded.layer_group,
      geometry_type = excluded.geometry_type, style = excluded.style, is_public = excluded.is_public,
      synthetic = excluded.synthetic, source = excluded.source, licence = excluded.licence,
      attribution = excluded.attribution, attribute_schema = excluded.attribute_schema, sort_order = excluded.sort_order,
      public_attributes = coalesce(excluded.public_attributes, layers.public_attributes),
      attribute_labels = case when ${l.attributeLabels === undefined}::boolean then layers.attribute_labels else excluded.attribute_labels end,
      updated_at = now()`;
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

