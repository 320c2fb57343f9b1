/**
 * Encoders from item rows (open-data.sql.ts row order: fixed columns, attributes, geometry) to
 * GeoJSON, CSV and FlatGeobuf columns, for item pages. Whole-layer downloads are encoded by
 * PostgreSQL and open-data.export.ts instead. No I/O here.
 */
import type { FgbColumn } from './open-data.flatgeobuf.ts';
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
  /** FlatGeobuf geometry type the header declares (features are Multi* to match). */
  geometryType?: number;
}
