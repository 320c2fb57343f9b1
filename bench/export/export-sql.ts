/**
 * The export contract the benchmarks need: the endpoint path, the rows and columns it streams (so
 * that GDAL and COPY are given the same work), and an N/4 copy of a layer for the RSS comparison.
 */
import type { Pool } from '../../api/src/db.ts';
import { ITEM_FIXED_COLUMNS, listAttributeColumns } from '../../api/src/modules/open-data/open-data.sql.ts';

export type ExportFormat = 'fgb' | 'geojson';

/** The open-data download of a whole public layer (api/src/modules/open-data/open-data.routes.ts). */
export function exportPath(layer: string, format: ExportFormat): string {
  return `/ogc/collections/${layer}/download.${format}`;
}

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
const quoteLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * What the download streams per feature, as one SELECT for ogr2ogr -sql and COPY: the fixed item
 * columns, then each public attribute key as its own typed column (the same list and types the
 * endpoint reads through listAttributeColumns), then the geometry; in id order.
 */
export async function exportColumnsSql(sql: Pool, layer: string): Promise<string> {
  const attributes = (await listAttributeColumns(sql, layer)).map((c) => {
    const v = `properties -> ${quoteLiteral(c.key)}`;
    const text = `properties ->> ${quoteLiteral(c.key)}`;
    const expr = c.type === 'double' ? `(${text})::float8` : c.type === 'bool' ? `(${text})::boolean` : c.type === 'json' ? `(${v})::text` : text;
    return `${expr} as ${quoteIdent(c.key)}`;
  });
  const fixed = ITEM_FIXED_COLUMNS.map((c) => (c === 'install_date' ? 'install_date::text as install_date' : c));
  return `select ${[...fixed, ...attributes, 'geom'].join(', ')} from assets where layer_id = ${quoteLiteral(layer)} order by id`;
}

/**
 * A layer holding every `every`-th feature of `source` (created once, kept with the bench data).
 * Same catalogue fields, so the export treats it exactly like its source.
 */
export async function ensureSubsetLayer(sql: Pool, source: string, every: number): Promise<{ id: string; count: number; sourceCount: number }> {
  const id = `${source}_1of${every}`;
  const [{ n: sourceCount }] = await sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = ${source}`;
  const expected = Math.ceil(sourceCount / every);
  const [{ n: have }] = await sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = ${id}`;
  if (have === expected) return { id, count: have, sourceCount };
  await sql.begin(async (tx) => {
    // Assets first, while the layer row exists: statement triggers on assets maintain per-layer tables.
    await tx`delete from assets where layer_id = ${id}`;
    await tx`delete from layers where id = ${id}`;
    await tx`
      insert into layers (id, name_el, name_en, layer_group, geometry_type, style, is_public, synthetic, source, licence, attribution, attribute_schema, sort_order)
      select ${id}, name_el || ' (1/' || ${every}::int || ')', name_en || ' (1/' || ${every}::int || ')', layer_group, geometry_type, style, is_public, synthetic, source, licence, attribution, attribute_schema, sort_order
        from layers where id = ${source}`;
    await tx`
      insert into assets (layer_id, external_id, name, properties, condition, criticality, install_date, geom)
      select ${id}, external_id, name, properties, condition, criticality, install_date, geom
        from (select a.*, row_number() over (order by a.id) as r from assets a where a.layer_id = ${source}) s
       where (s.r - 1) % ${every} = 0`;
  });
  await sql`analyze assets`;
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = ${id}`;
  return { id, count: n, sourceCount };
}
