/**
 * Whole-layer downloads through `COPY ... TO STDOUT (FORMAT binary)`: PostgreSQL sends each row
 * as length-prefixed binary fields, so nothing is parsed or decoded as text in Node. GeoJSON
 * features and CSV lines are written by PostgreSQL itself (one text field a row); FlatGeobuf
 * features are assembled here from the raw field bytes (WKB coordinates and UTF-8 strings are
 * copied, never decoded). Row-by-row text parsing in postgres.js cost more than ogr2ogr's whole
 * export (docs/benchmarks.md X1/X2); binary COPY is the floor that benchmark measures against.
 *
 * COPY takes no bind parameters, so the layer id, the attribute keys and the bbox travel as
 * transaction-local settings (set_config with parameters) that the fixed COPY text reads with
 * current_setting(): no value is ever spliced into SQL text.
 *
 * Memory stays flat: postgres.js pauses the socket when the stream's buffer is full, and the
 * stream is only read as fast as the HTTP client takes the bytes. A client that goes away
 * cancels the COPY (a CancelRequest), and the transaction is rolled back.
 */
import type { Readable } from 'node:stream';
import type { Pool } from '../../db.ts';
import type { BBox } from '../../../../lib/geo.ts';
import { FgbFeatureWriter, fgbHeader, type FgbValue } from './open-data.flatgeobuf.ts';
import { csvHeader, fgbColumns, type ExportMeta, type ItemFormat } from './open-data.encode.ts';
import type { AttributeColumn } from './open-data.sql.ts';

const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Called once per row: field i is src[start[i], start[i] + len[i]) and len[i] is -1 for NULL.
 * `start` and `len` are reused for the next row: copy out what you keep.
 */
export type RowHandler = (src: Buffer, start: Int32Array, len: Int32Array, fields: number) => void;

/** Binary COPY allows 1600 columns; the export rows have at most 8. */
const MAX_FIELDS = 64;

/**
 * Incremental parser of the binary COPY stream: feed chunks, get each whole row as offsets into
 * the chunk (no Buffer per field: at ~8 fields a row, those allocations were a third of an
 * export's time). A row that straddles two chunks is reassembled first.
 */
export class BinaryCopyParser {
  private rest: Buffer | null = null;
  private headerDone = false;
  private readonly start = new Int32Array(MAX_FIELDS);
  private readonly len = new Int32Array(MAX_FIELDS);
  ended = false;

  push(chunk: Buffer, onRow: RowHandler): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    let p = 0;
    if (!this.headerDone) {
      if (buf.length < 19) {
        this.rest = buf;
        return;
      }
      if (!buf.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY stream');
      const ext = buf.readUInt32BE(15);
      if (buf.length < 19 + ext) {
        this.rest = buf;
        return;
      }
      p = 19 + ext;
      this.headerDone = true;
    }
    const { start, len } = this;
    const size = buf.length;
    for (;;) {
      if (p + 2 > size) break;
      const n = buf.readInt16BE(p);
      if (n === -1) {
        this.ended = true;
        p += 2;
        break;
      }
      if (n < 0 || n > MAX_FIELDS) throw new Error(`binary COPY row with ${n} fields`);
      let q = p + 2;
      let complete = true;
      for (let i = 0; i < n; i++) {
        if (q + 4 > size) {
          complete = false;
          break;
        }
        const l = buf.readInt32BE(q);
        q += 4;
        start[i] = q;
        len[i] = l;
        if (l > 0) {
          if (q + l > size) {
            complete = false;
            break;
          }
          q += l;
        }
      }
      if (!complete) break;
      onRow(buf, start, len, n);
      p = q;
    }
    if (p < size && !this.ended) this.rest = Buffer.from(buf.subarray(p));
  }
}

/** A jsonb attribute value as the FlatGeobuf writer takes it (objects and arrays as JSON text). */
function attributeValue(v: unknown): FgbValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The fixed COPY statements: one per format, reading the export settings. */
function copyQuery(db: Pool, format: ItemFormat) {
  const from = db`
      from assets a
      join layers l on l.id = a.layer_id and l.is_public
      cross join (select current_setting('app.export_keys')::text[] as keys,
                         nullif(current_setting('app.export_bbox'), '')::float8[] as b) s
     where a.layer_id = current_setting('app.export_layer')
       and (s.b is null or (a.geom && st_makeenvelope(s.b[1], s.b[2], s.b[3], s.b[4], 4326)
                            and st_intersects(a.geom, st_makeenvelope(s.b[1], s.b[2], s.b[3], s.b[4], 4326))))`;
  if (format === 'fgb') {
    return db`copy (
      select a.id, a.external_id, a.name, a.condition, a.criticality::int4, a.install_date::text,
             case when cardinality(s.keys) > 0 then a.properties end,
             st_asbinary(st_multi(st_force2d(a.geom)), 'NDR')
      ${from}
    ) to stdout (format binary)`;
  }
  if (format === 'csv') {
    return db`copy (
      select '"' || st_astext(a.geom, 7) || '",' || a.id || ',' || csv_text_cell(a.external_id) || ','
             || csv_text_cell(a.name) || ',' || coalesce(a.condition, '') || ',' || coalesce(a.criticality::text, '') || ','
             || coalesce(a.install_date::text, '')
             || coalesce((select string_agg(',' || csv_json_cell(a.properties -> k), '') from unnest(s.keys) k), '')
             || e'\r\n'
      ${from}
    ) to stdout (format binary)`;
  }
  return db`copy (
    select '{"type":"Feature","id":' || a.id || ',"geometry":' || st_asgeojson(a.geom, 7) || ',"properties":'
           || (jsonb_build_object('external_id', a.external_id, 'name', a.name, 'condition', a.condition,
                                  'criticality', a.criticality, 'install_date', a.install_date)
               || coalesce((select jsonb_object_agg(k, a.properties -> k) from unnest(s.keys) k where a.properties ? k), '{}'))::text
           || '}'
    ${from}
  ) to stdout (format binary)`;
}

/** Statement timeout of an export: a big layer to a slow client outlives the API's 30 s. */
const EXPORT_STATEMENT_TIMEOUT = '15min';

/**
 * The encoded chunks of a whole-layer download. Runs on a reserved connection in a read-only
 * transaction; `finally` runs when the stream ends, fails, or the client goes away (the HTTP
 * layer returns the generator), and always leaves the connection idle before releasing it.
 */
export async function* exportLayer(
  sql: Pool,
  meta: Omit<ExportMeta, 'columns'>,
  columns: AttributeColumn[],
  format: ItemFormat,
  bbox: BBox | null,
): AsyncGenerator<Uint8Array> {
  const db = await sql.reserve();
  let copy: ReturnType<typeof copyQuery> | null = null;
  let stream: Readable | null = null;
  let finished = false;
  try {
    await db`begin isolation level repeatable read read only`;
    await db`
      select set_config('statement_timeout', ${EXPORT_STATEMENT_TIMEOUT}, true),
             set_config('app.export_layer', ${meta.layerId}, true),
             set_config('app.export_keys', ${columns.map((c) => c.key)}::text[]::text, true),
             set_config('app.export_bbox', ${bbox ? `{${bbox.join(',')}}` : ''}, true)`;
    copy = copyQuery(db as unknown as Pool, format);
    stream = (await copy.readable()) as unknown as Readable;
    const parser = new BinaryCopyParser();

    if (format === 'fgb') {
      const cols = fgbColumns(columns);
      yield fgbHeader({ name: meta.layerId, title: meta.title, description: meta.description, columns: cols, envelope: meta.bbox, geometryType: meta.geometryType });
      const writer = new FgbFeatureWriter(cols);
      const attrs: FgbValue[] = new Array(columns.length).fill(null);
      const onRow: RowHandler = (src, start, len) => {
        // Attributes come as the jsonb (binary form: a version byte, then JSON text). Parsing it
        // here cost less than extracting each key in SQL (array(select ...) per row: ~6 us).
        if (columns.length > 0) {
          const props = len[6]! > 0 ? (JSON.parse(src.toString('utf8', start[6]! + 1, start[6]! + len[6]!)) as Record<string, unknown>) : null;
          for (let i = 0; i < columns.length; i++) attrs[i] = attributeValue(props?.[columns[i]!.key]);
        }
        writer.writeCopyRow(src, start, len, 6, 7, attrs);
      };
      for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
        parser.push(chunk as Buffer, onRow);
        if (writer.length >= 64 * 1024) yield writer.take();
      }
      if (writer.length > 0) yield writer.take();
    } else {
      const json = format === 'json';
      yield Buffer.from(json ? `{"type":"FeatureCollection","name":${JSON.stringify(meta.layerId)},"features":[\n` : csvHeader(columns));
      // Each row is one field of finished text; rows are copied into one output buffer.
      let out = Buffer.allocUnsafe(128 * 1024);
      let pos = 0;
      let first = true;
      const onRow: RowHandler = (src, start, len) => {
        const n = Math.max(len[0]!, 0);
        if (pos + n + 2 > out.length) {
          const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, pos + n + 2));
          out.copy(bigger, 0, 0, pos);
          out = bigger;
        }
        if (json && !first) {
          out[pos++] = 0x2c; // ,
          out[pos++] = 0x0a; // \n
        }
        first = false;
        src.copy(out, pos, start[0]!, start[0]! + n);
        pos += n;
      };
      for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
        parser.push(chunk as Buffer, onRow);
        if (pos >= 64 * 1024) {
          yield Buffer.from(out.subarray(0, pos));
          pos = 0;
        }
      }
      if (pos > 0) yield Buffer.from(out.subarray(0, pos));
      if (json) yield Buffer.from('\n]}\n');
    }
    if (!parser.ended) throw new Error('export ended early');
    finished = true;
  } finally {
    if (!finished && copy && stream && !stream.readableEnded && !stream.destroyed) {
      // Early stop: ask the server to cancel the COPY and drain what is already on its way.
      // postgres.js refuses other queries on the connection until the COPY is over, which it
      // signals by destroying the stream (error) or ending it (the COPY had finished anyway).
      const s = stream;
      const over = new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.once('end', () => resolve());
      });
      s.on('error', () => {});
      s.resume();
      await copy.cancel();
      await Promise.race([over, new Promise((r) => setTimeout(r, 10_000).unref())]);
    }
    // Twice at most: a cancel that arrives late could hit the first rollback instead of the COPY.
    for (let i = 0; i < 2; i++) {
      try {
        await db`rollback`;
        break;
      } catch {
        // retried once; a connection that still fails is released and its next query fails cleanly
      }
    }
    db.release();
  }
}
