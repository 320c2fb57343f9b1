/**
 * The vector formats an import accepts, recognised by their bytes (never by the client's file
 * name or Content-Type). FlatGeobuf and GeoJSON are streamed natively; every other format is
 * converted to FlatGeobuf by GDAL's ogr2ogr first (gdal.ts). No I/O here: the caller reads the
 * first bytes and, for a zip, the names in its central directory (sniff.ts).
 */

export type NativeFormat = 'flatgeobuf' | 'geojson';
export type GdalFormat = 'geopackage' | 'shapefile' | 'kml' | 'kmz' | 'gml' | 'dxf' | 'csv';
export type ImportFormat = NativeFormat | GdalFormat;

export const IMPORT_FORMATS: ImportFormat[] = ['flatgeobuf', 'geojson', 'geopackage', 'shapefile', 'kml', 'kmz', 'gml', 'dxf', 'csv'];

export function isNativeFormat(f: ImportFormat): f is NativeFormat {
  return f === 'flatgeobuf' || f === 'geojson';
}

/** The extension a stored upload gets: GDAL picks the CSV and KMZ readers by extension. */
export const FORMAT_EXTENSION: Record<ImportFormat, string> = {
  flatgeobuf: 'fgb',
  geojson: 'geojson',
  geopackage: 'gpkg',
  shapefile: 'shp.zip',
  kml: 'kml',
  kmz: 'kmz',
  gml: 'gml',
  dxf: 'dxf',
  csv: 'csv',
};

/** What the README's formats table and the error messages list. */
export const FORMAT_LABEL: Record<ImportFormat, string> = {
  flatgeobuf: 'FlatGeobuf',
  geojson: 'GeoJSON',
  geopackage: 'GeoPackage',
  shapefile: 'zipped Shapefile',
  kml: 'KML',
  kmz: 'KMZ',
  gml: 'GML',
  dxf: 'DXF',
  csv: 'CSV with coordinate columns',
};

export const FORMATS_SENTENCE = IMPORT_FORMATS.map((f) => FORMAT_LABEL[f]).join(', ');

/** Header names (case-insensitive) GDAL's CSV reader takes as coordinates or as a WKT geometry. */
export const CSV_X_NAMES = ['x', 'lon', 'lng', 'long', 'longitude', 'easting', 'east', 'point_x'];
export const CSV_Y_NAMES = ['y', 'lat', 'latitude', 'northing', 'north', 'point_y'];
export const CSV_GEOMETRY_NAMES = ['wkt', 'geom', 'geometry', 'the_geom', 'shape'];

export type SniffResult = { format: ImportFormat } | { error: 'unsupported_format' | 'no_coordinates'; message: string };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const SQLITE_MAGIC = 'SQLite format 3\u0000';

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

export function isZip(head: Uint8Array): boolean {
  return startsWith(head, ZIP_MAGIC);
}

/** Text after an optional UTF-8 BOM and leading white space. */
function textStart(head: Uint8Array): string {
  const from = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(from)).replace(/^\s+/, '');
}

function splitCsvHeader(line: string): string[] {
  const sep = [',', ';', '\t', '|'].map((s) => ({ s, n: line.split(s).length })).sort((a, b) => b.n - a.n)[0]!.s;
  return line.split(sep).map((h) => h.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
}

/** A CSV header that holds an x and a y column, or a WKT geometry column. */
export function csvHasCoordinates(headerLine: string): boolean {
  const cols = splitCsvHeader(headerLine);
  if (cols.some((c) => CSV_GEOMETRY_NAMES.includes(c))) return true;
  return cols.some((c) => CSV_X_NAMES.includes(c)) && cols.some((c) => CSV_Y_NAMES.includes(c));
}

/**
 * Recognises a file from its first bytes (at least 1 KB when the file is that long) and, for a
 * zip, the entry names. The first match wins; anything else is `unsupported_format`.
 */
export function sniffFormat(head: Uint8Array, zipEntries: string[] | null = null): SniffResult {
  if (head.length >= 3 && head[0] === 0x66 && head[1] === 0x67 && head[2] === 0x62) return { format: 'flatgeobuf' };
  if (head.length >= 16 && new TextDecoder('latin1').decode(head.subarray(0, 16)) === SQLITE_MAGIC) return { format: 'geopackage' };
  if (isZip(head)) {
    const names = (zipEntries ?? []).map((n) => n.toLowerCase()).filter((n) => !n.startsWith('__macosx/'));
    if (names.some((n) => n.endsWith('.shp'))) return { format: 'shapefile' };
    if (names.some((n) => n.endsWith('.kml'))) return { format: 'kmz' };
    return { error: 'unsupported_format', message: 'the zip holds neither a Shapefile (.shp with its .dbf, .shx, .prj) nor a KML document' };
  }
  const text = textStart(head);
  if (text.startsWith('{')) return { format: 'geojson' };
  if (text.startsWith('<')) {
    if (/<(?:\w+:)?kml[\s>]/.test(text)) return { format: 'kml' };
    if (/opengis\.net\/gml|<gml:|<(?:\w+:)?FeatureCollection[\s>]/.test(text)) return { format: 'gml' };
    return { error: 'unsupported_format', message: 'an XML file that is neither KML nor GML' };
  }
  // ASCII DXF: group code 0 then SECTION (binary DXF starts with "AutoCAD Binary DXF").
  if (/^0\r?\n\s*SECTION\r?\n/.test(text) || text.startsWith('AutoCAD Binary DXF')) return { format: 'dxf' };
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (/[,;\t|]/.test(firstLine) && !/[\u0000-\u0008\u000e-\u001f]/.test(firstLine)) {
    if (csvHasCoordinates(firstLine)) return { format: 'csv' };
    return {
      error: 'no_coordinates',
      message: `a CSV file needs an x and a y column (${CSV_X_NAMES.join('/')} and ${CSV_Y_NAMES.join('/')}) or a WKT column (${CSV_GEOMETRY_NAMES.join('/')})`,
    };
  }
  return { error: 'unsupported_format', message: `unrecognised file; accepted formats: ${FORMATS_SENTENCE}` };
}
