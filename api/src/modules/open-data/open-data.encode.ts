/**
 * Encoders from item rows (open-data.sql.ts row order: fixed columns, attributes, geometry) to
 * GeoJSON, CSV and FlatGeobuf, plus the streaming export that feeds a download batch by batch
 * from a postgres.js cursor. No I/O here except the cursor the caller hands in.
 */
import { FgbFeatureWriter, fgbHeader, type FgbColumn, type FgbValue } from './open-data.flatgeobuf.ts';
import { ITEM_FIXED_COLUMNS, type AttributeColumn } from './open-data.sql.ts';

export type ItemFormat = 'json' | 'fgb' | 'csv';

export const CONTENT_TYPES: Record<ItemFormat, string> = {
  json: 'application/geo+json',
  fgb: 'application/flatgeobuf',
  csv: 'text/csv; charset=utf-8',
};
export const FILE_EXTENSIONS: Record<ItemFormat, string> = { json: 'geojson', fgb: 'fgb', csv: 'csv' };

const FIXED = ITEM_FIXED_COLUMNS.length;

/** The properties object of one row: fixed asset columns then the layer's public attributes. */
export function rowProperties(row: readonly unknown[], columns: readonly AttributeColumn[]): Record<string, unknown> {
  const props: Record<string, unknown> = {
    external_id: row[1] ?? null,
    name: row[2] ?? null,
    condition: row[3] ?? null,
    criticality: row[4] ?? null,
    install_date: row[5] ?? null,
  };
  for (let i = 0; i < columns.length; i++) props[columns[i]!.key] = row[FIXED + i] ?? null;
  return props;
}

/** One GeoJSON Feature as text; the geometry is PostGIS's GeoJSON text, embedded as is. */
export function geojsonFeature(row: readonly unknown[], columns: readonly AttributeColumn[]): string {
  const geometry = row[FIXED + columns.length] as string | null;
  return `{"type":"Feature","id":${Number(row[0])},"geometry":${geometry ?? 'null'},"properties":${JSON.stringify(rowProperties(row, columns))}}`;
}

/** Cells starting with these are formulas to spreadsheet software (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180 quoting). Text cells that look like formulas get a leading apostrophe. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let s = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a WKT geometry column first (GDAL's CSV driver reads a column named WKT as geometry). */
export function csvHeader(columns: readonly AttributeColumn[]): string {
  return `${['WKT', ...ITEM_FIXED_COLUMNS, ...columns.map((c) => c.key)].map(csvCell).join(',')}\r\n`;
}

export function csvRow(row: readonly unknown[], columns: readonly AttributeColumn[]): string {
  const wkt = row[FIXED + columns.length] as string | null;
  let line = wkt ? `"${wkt}"` : '';
  for (let i = 0; i < FIXED + columns.length; i++) line += `,${csvCell(row[i])}`;
  return `${line}\r\n`;
}

export function fgbColumns(columns: readonly AttributeColumn[]): FgbColumn[] {
  return [
    { name: 'id', type: 'long' },
    { name: 'external_id', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'condition', type: 'string' },
    { name: 'criticality', type: 'int' },
    { name: 'install_date', type: 'datetime' },
    ...columns.map((c): FgbColumn => ({ name: c.key, type: c.type })),
  ];
}

export interface ExportMeta {
  layerId: string;
  title: string;
  description: string;
  bbox: [number, number, number, number] | null;
  columns: AttributeColumn[];
}

/**
 * Turns batches of rows into encoded chunks of the chosen format: the header first, then one chunk
 * per batch, then the trailer. Memory is one batch, whatever the layer size.
 */
export async function* encodeStream(
  format: ItemFormat,
  meta: ExportMeta,
  batches: AsyncIterable<readonly (readonly unknown[])[]>,
): AsyncGenerator<Uint8Array> {
  const { columns } = meta;
  if (format === 'fgb') {
    const cols = fgbColumns(columns);
    yield fgbHeader({ name: meta.layerId, title: meta.title, description: meta.description, columns: cols, envelope: meta.bbox });
    const writer = new FgbFeatureWriter(cols);
    const geomAt = FIXED + columns.length;
    for await (const rows of batches) {
      for (const row of rows) writer.write(row[geomAt] as Buffer, row as FgbValue[]);
      if (writer.length > 0) yield writer.take();
    }
    return;
  }
  if (format === 'csv') {
    yield Buffer.from(csvHeader(columns));
    for await (const rows of batches) {
      let text = '';
      for (const row of rows) text += csvRow(row, columns);
      if (text) yield Buffer.from(text);
    }
    return;
  }
  yield Buffer.from(`{"type":"FeatureCollection","name":${JSON.stringify(meta.layerId)},"features":[\n`);
  let first = true;
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    let text = first ? '' : ',\n';
    first = false;
    text += rows.map((r) => geojsonFeature(r, columns)).join(',\n');
    yield Buffer.from(text);
  }
  yield Buffer.from('\n]}\n');
}
