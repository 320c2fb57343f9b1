/**
 * Streams generated asset rows into `assets` with COPY (text format, EWKT geometry): one statement
 * per layer load, no per-row round trips, memory flat in the number of rows.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Geometry, Position } from 'geojson';
import type { Pool } from '../../../api/src/db.ts';

export type Condition = 'good' | 'fair' | 'poor' | 'critical' | 'unknown';

/** One generated asset: the columns of `assets` a loader fills, geometry as GeoJSON in EPSG:4326. */
export interface AssetRow {
  externalId: string;
  name: string | null;
  properties: Record<string, unknown>;
  condition: Condition | null;
  /** 1 (minor) .. 5 (vital). */
  criticality: number | null;
  /** `YYYY-MM-DD` or null. */
  installDate: string | null;
  geometry: Geometry;
}

const coord = (p: Position) => `${p[0]} ${p[1]}`;
const ring = (r: Position[]) => `(${r.map(coord).join(',')})`;

/** GeoJSON geometry → EWKT with SRID 4326 (what PostGIS parses fastest among text forms). */
export function toEwkt(g: Geometry): string {
  switch (g.type) {
    case 'Point':
      return `SRID=4326;POINT(${coord(g.coordinates)})`;
    case 'LineString':
      return `SRID=4326;LINESTRING${ring(g.coordinates)}`;
    case 'Polygon':
      return `SRID=4326;POLYGON(${g.coordinates.map(ring).join(',')})`;
    case 'MultiPoint':
      return `SRID=4326;MULTIPOINT(${g.coordinates.map((p) => `(${coord(p)})`).join(',')})`;
    case 'MultiLineString':
      return `SRID=4326;MULTILINESTRING(${g.coordinates.map(ring).join(',')})`;
    case 'MultiPolygon':
      return `SRID=4326;MULTIPOLYGON(${g.coordinates.map((p) => `(${p.map(ring).join(',')})`).join(',')})`;
    default:
      throw new Error(`unsupported geometry type ${g.type}`);
  }
}

// COPY text format: backslash, tab, newline and carriage return must be escaped; \N is NULL.
const SPECIAL = /[\\\t\n\r]/g;
const HAS_SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
function text(v: string | null | undefined): string {
  if (v == null) return '\\N';
  return HAS_SPECIAL.test(v) ? v.replace(SPECIAL, (c) => ESCAPES[c]!) : v;
}

/** One COPY line for a row (exported for tests). */
export function copyLine(layerId: string, r: AssetRow): string {
  return `${text(layerId)}\t${text(r.externalId)}\t${text(r.name)}\t${text(JSON.stringify(r.properties))}\t${text(r.condition)}\t${
    r.criticality == null ? '\\N' : String(r.criticality)
  }\t${text(r.installDate)}\t${toEwkt(r.geometry)}\n`;
}

/** SHA-256 of the COPY encoding of rows, and their count: identical rows give an identical digest. */
export function fingerprintRows(layerId: string, rows: Iterable<AssetRow>): { sha256: string; count: number } {
  const hash = createHash('sha256');
  let count = 0;
  for (const r of rows) {
    hash.update(copyLine(layerId, r));
    count++;
  }
  return { sha256: hash.digest('hex'), count };
}

/** Batches lines into ~256 KB chunks: far fewer stream writes than one per row. */
async function* chunks(layerId: string, rows: Iterable<AssetRow> | AsyncIterable<AssetRow>, counter: { n: number }) {
  let buf = '';
  for await (const r of rows) {
    buf += copyLine(layerId, r);
    counter.n++;
    if (buf.length >= 262_144) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * Appends rows to a layer: one COPY into a text-only temporary stage, then one INSERT … SELECT.
 * Atomic (own transaction, or the caller's when given one). Returns the number of rows written.
 *
 * Why the stage: postgres.js 3.4 never settles a COPY writable whose server error arrives after
 * CopyDone (porsager/postgres#1173), so a constraint violation in a direct COPY into `assets` would
 * hang forever. Text columns cannot violate anything; the INSERT reports errors normally.
 */
export async function loadGenerated(sql: Pool, layerId: string, rows: Iterable<AssetRow> | AsyncIterable<AssetRow>): Promise<number> {
  // A transaction handle has savepoint(); a pool does not, and temp tables need one connection.
  if ('savepoint' in sql) return stageAndInsert(sql, layerId, rows);
  return sql.begin((tx) => stageAndInsert(tx as unknown as Pool, layerId, rows)) as Promise<number>;
}

async function stageAndInsert(tx: Pool, layerId: string, rows: Iterable<AssetRow> | AsyncIterable<AssetRow>): Promise<number> {
  await tx`
    create temp table if not exists generated_stage (
      layer_id text, external_id text, name text, properties text, condition text, criticality text, install_date text, geom text
    ) on commit drop`;
  await tx`truncate generated_stage`;
  const counter = { n: 0 };
  const writable = await tx`
    copy generated_stage (layer_id, external_id, name, properties, condition, criticality, install_date, geom)
    from stdin`.writable();
  await pipeline(Readable.from(chunks(layerId, rows, counter)), writable);
  const result = await tx`
    insert into assets (layer_id, external_id, name, properties, condition, criticality, install_date, geom)
    select ${layerId}, external_id, name, properties::jsonb, condition, criticality::smallint, install_date::date, st_geomfromewkt(geom)
      from generated_stage`;
  await tx`truncate generated_stage`;
  return result.count;
}
