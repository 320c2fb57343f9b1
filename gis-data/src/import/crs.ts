/**
 * Reads the declared CRS of an import file into an EPSG code. PostGIS's spatial_ref_sys then
 * decides whether that code is known; anything we cannot map is an `unknown_crs` failure, never a
 * silent EPSG:4326 guess (docs/reliability.md I2: never store mislabelled). No I/O.
 */

export type CrsResult = { srid: number } | { unknown: string };

const CRS84 = /^(?:urn:ogc:def:crs:OGC:(?:1\.3|[\d.]*):CRS84|OGC:CRS84|CRS:84|https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[\d.]+\/CRS84)$/i;
const EPSG = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|EPSG:{1,2}|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/)(\d{3,6})$/i;

/** `urn:ogc:def:crs:EPSG::2100`, `EPSG:32145`, `http://www.opengis.net/def/crs/EPSG/0/2100`, CRS84 forms. */
export function sridFromCrsName(name: string): CrsResult {
  const n = name.trim();
  // CRS84 is lon/lat WGS84: exactly the axis order GeoJSON coordinates already have.
  if (CRS84.test(n)) return { srid: 4326 };
  const m = EPSG.exec(n);
  // GeoJSON 2008 files labelled EPSG:4326 were written lon/lat in practice (GDAL does the same).
  if (m) return { srid: Number(m[1]) };
  return { unknown: `unrecognised CRS name ${JSON.stringify(n.slice(0, 80))}` };
}

/** The top-level `crs` member of a GeoJSON FeatureCollection (2008 spec); absent means CRS84. */
export function sridFromGeoJsonCrs(crs: unknown): CrsResult {
  if (crs == null) return { srid: 4326 };
  if (typeof crs !== 'object') return { unknown: 'the crs member is not an object' };
  const c = crs as { type?: unknown; properties?: Record<string, unknown> | null };
  const props = c.properties ?? {};
  if (c.type === 'name' && typeof props.name === 'string') return sridFromCrsName(props.name);
  if (c.type === 'EPSG' && (typeof props.code === 'number' || typeof props.code === 'string')) {
    const code = Number(props.code);
    if (Number.isInteger(code) && code > 0) return { srid: code };
  }
  return { unknown: `unsupported crs member ${JSON.stringify(crs).slice(0, 120)}` };
}

/** FlatGeobuf header CRS (org, code, code_string, wkt). `null` (no CRS table) means undeclared. */
export interface FgbCrs {
  org: string | null;
  code: number;
  code_string: string | null;
  wkt: string | null;
}

export function sridFromFgbCrs(crs: FgbCrs | null): CrsResult | null {
  if (!crs) return null;
  const org = (crs.org ?? 'EPSG').toUpperCase();
  if (org === 'EPSG' && crs.code > 0) return { srid: crs.code };
  if (crs.code_string) {
    const byName = sridFromCrsName(`${org}:${crs.code_string}`);
    if ('srid' in byName) return byName;
  }
  if (crs.wkt) {
    const fromWkt = sridFromWkt(crs.wkt);
    if (fromWkt) return { srid: fromWkt };
  }
  if (org === 'EPSG' && crs.code === 0 && !crs.wkt && !crs.code_string) return null;
  return { unknown: `CRS ${org}:${crs.code_string ?? crs.code} without an EPSG code` };
}

/** The outermost authority of a WKT1/WKT2 string is its last ID[...] / AUTHORITY[...] clause. */
export function sridFromWkt(wkt: string): number | null {
  const all = [...wkt.matchAll(/(?:ID|AUTHORITY)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)];
  if (all.length === 0) return null;
  const last = all[all.length - 1];
  // Only trust it when nothing but closing brackets follows: otherwise it is a nested unit/datum id.
  const rest = wkt.slice((last.index ?? 0) + last[0].length).trim();
  return /^[\]\s)]*$/.test(rest) ? Number(last[1]) : null;
}
