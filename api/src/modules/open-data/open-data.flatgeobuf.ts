/**
 * A streaming FlatGeobuf writer: the header once, then one size-prefixed Feature flatbuffer per row,
 * so an export's memory is one batch of rows whatever the layer size. The npm `flatgeobuf`
 * serializer builds the whole file in memory (about 74 k features/s measured; docs/benchmarks.md);
 * here the header goes through the official flatbuffers builder and the generated Header classes,
 * and each feature is written by hand, front to back, straight from the row's WKB: FlatGeobuf's
 * `xy` vector is WKB's little-endian coordinate pairs, so coordinates are copied, never parsed to
 * numbers.
 *
 * Spatial index: none (index_node_size 0), as a stream cannot know its extent in advance.
 * features_count is 0 (unknown) unless the caller knows it exactly.
 *
 * Layout of each feature follows the flatbuffers builder's convention for size-prefixed buffers:
 * alignment is counted from the size prefix, so readers that verify buffers (GDAL) accept it.
 */
import { Builder } from 'flatbuffers';
import { Header } from 'flatgeobuf/lib/mjs/flat-geobuf/header.js';
import { Column } from 'flatgeobuf/lib/mjs/flat-geobuf/column.js';
import { Crs } from 'flatgeobuf/lib/mjs/flat-geobuf/crs.js';

export const FGB_MAGIC = Buffer.from([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]);

/** FlatGeobuf ColumnType values used here (the schema's enum, as plain numbers). */
export const FGB_TYPE = {
  bool: 2,
  int: 5,
  long: 7,
  double: 10,
  string: 11,
  json: 12,
  datetime: 13,
} as const;
export type FgbColumnType = keyof typeof FGB_TYPE;

export interface FgbColumn {
  name: string;
  type: FgbColumnType;
  title?: string;
}

export interface FgbHeaderOptions {
  /** Layer name (GDAL shows it as the layer name). */
  name: string;
  title?: string;
  description?: string;
  columns: FgbColumn[];
  /** [minx, miny, maxx, maxy] in EPSG:4326, when known. */
  envelope?: [number, number, number, number] | null;
  /** 0 = unknown. @default 0 */
  featuresCount?: number;
  /** FlatGeobuf GeometryType; 0 (Unknown) lets each feature carry its own. @default 0 */
  geometryType?: number;
}

/** Magic bytes + size-prefixed Header flatbuffer; its length is a multiple of 8. */
export function fgbHeader(options: FgbHeaderOptions): Buffer {
  const b = new Builder(1024);
  const columnOffsets = options.columns.map((c) => {
    const name = b.createString(c.name);
    const title = c.title ? b.createString(c.title) : 0;
    Column.startColumn(b);
    Column.addName(b, name);
    Column.addType(b, FGB_TYPE[c.type]);
    if (title) Column.addTitle(b, title);
    Column.addNullable(b, true);
    return Column.endColumn(b);
  });
  const columns = Header.createColumnsVector(b, columnOffsets);
  const name = b.createString(options.name);
  const title = options.title ? b.createString(options.title) : 0;
  const description = options.description ? b.createString(options.description) : 0;
  const org = b.createString('EPSG');
  Crs.startCrs(b);
  Crs.addOrg(b, org);
  Crs.addCode(b, 4326);
  const crs = Crs.endCrs(b);
  const envelope = options.envelope ? Header.createEnvelopeVector(b, options.envelope) : 0;
  // Written even when 0: the uint64 features_count makes the builder align the whole header to
  // 8 bytes, so every feature after it starts 8-aligned in the file (readers map Float64Arrays).
  b.forceDefaults(true);
  Header.startHeader(b);
  Header.addName(b, name);
  if (envelope) Header.addEnvelope(b, envelope);
  Header.addGeometryType(b, options.geometryType ?? 0);
  Header.addColumns(b, columns);
  Header.addFeaturesCount(b, BigInt(options.featuresCount ?? 0));
  Header.addIndexNodeSize(b, 0);
  Header.addCrs(b, crs);
  if (title) Header.addTitle(b, title);
  if (description) Header.addDescription(b, description);
  b.finishSizePrefixed(Header.endHeader(b));
  return Buffer.concat([FGB_MAGIC, b.asUint8Array()]);
}

/** WKB geometry type codes (2D, ISO) equal FlatGeobuf's GeometryType for 1-7. */
const WKB_POINT = 1;
const WKB_LINESTRING = 2;
const WKB_POLYGON = 3;
const WKB_MULTIPOINT = 4;
const WKB_MULTILINESTRING = 5;
const WKB_MULTIPOLYGON = 6;
const WKB_COLLECTION = 7;

/** Geometry parsed just enough to lay it out: byte ranges of coordinates, ring ends, parts. */
interface GeomPlan {
  type: number;
  /** [start, byteLength] ranges of the WKB holding x,y doubles, in order. */
  xy: number[];
  xyBytes: number;
  /** Cumulative end index (in points) of each ring / line; empty when not needed. */
  ends: number[];
  parts: GeomPlan[];
  /** Offset just past this geometry in the WKB. */
  next: number;
}

export class WkbError extends Error {}

function planGeometry(wkb: Buffer, at: number, end = wkb.length): GeomPlan {
  if (wkb[at] !== 1) throw new WkbError('WKB must be little-endian (NDR)');
  const type = wkb.readUInt32LE(at + 1);
  let p = at + 5;
  const plan: GeomPlan = { type, xy: [], xyBytes: 0, ends: [], parts: [], next: 0 };
  const addRun = (count: number) => {
    const bytes = count * 16;
    if (p + bytes > end) throw new WkbError('WKB truncated');
    plan.xy.push(p, bytes);
    plan.xyBytes += bytes;
    p += bytes;
  };
  if (type === WKB_POINT) {
    addRun(1);
  } else if (type === WKB_LINESTRING) {
    const n = wkb.readUInt32LE(p);
    p += 4;
    addRun(n);
  } else if (type === WKB_POLYGON || type === WKB_MULTILINESTRING) {
    const rings = wkb.readUInt32LE(p);
    p += 4;
    let points = 0;
    for (let i = 0; i < rings; i++) {
      if (type === WKB_MULTILINESTRING) p += 5; // each line is a full WKB LineString
      const n = wkb.readUInt32LE(p);
      p += 4;
      addRun(n);
      points += n;
      plan.ends.push(points);
    }
    // A single ring or line needs no ends (the spec makes them optional then).
    if (rings <= 1) plan.ends = [];
  } else if (type === WKB_MULTIPOINT) {
    const n = wkb.readUInt32LE(p);
    p += 4;
    for (let i = 0; i < n; i++) {
      p += 5;
      addRun(1);
    }
  } else if (type === WKB_MULTIPOLYGON || type === WKB_COLLECTION) {
    const n = wkb.readUInt32LE(p);
    p += 4;
    for (let i = 0; i < n; i++) {
      const part = planGeometry(wkb, p, end);
      plan.parts.push(part);
      p = part.next;
    }
  } else {
    throw new WkbError(`unsupported WKB geometry type ${type}`);
  }
  plan.next = p;
  return plan;
}

/** A value as read from the database for a column of the given type; null or undefined = absent. */
export type FgbValue = string | number | boolean | Date | null | undefined;

/**
 * Encodes features into a reusable growing buffer; take() hands out what was written since the
 * last take (a copy-free view is unsafe because the buffer is reused).
 */
export class FgbFeatureWriter {
  private buf: Buffer;
  private pos = 0;
  private base = 0;
  private readonly columns: FgbColumn[];

  constructor(columns: FgbColumn[], initialBytes = 256 * 1024) {
    this.columns = columns;
    this.buf = Buffer.alloc(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  /** Bytes written since the last take(), as a fresh Buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  /** Appends one feature: `wkb` is 2D little-endian WKB, `values` line up with the columns. */
  write(wkb: Buffer, values: readonly FgbValue[]): void {
    const plan = planGeometry(wkb, 0);
    this.ensure(64 + plan.xyBytes * 1 + this.geomOverhead(plan) + this.propsBound(values));
    const base = this.pos;
    this.base = base;
    // [0] size prefix, [4] root offset, [8] Feature vtable (8 bytes), [16] Feature table (12 bytes).
    this.u32(base + 4, 12);
    this.buf.writeUInt16LE(8, base + 8); // vtable size: 2 fields
    this.buf.writeUInt16LE(12, base + 10); // table inline size
    this.buf.writeUInt16LE(4, base + 12); // geometry at table + 4
    this.buf.writeUInt16LE(8, base + 14); // properties at table + 8
    this.buf.writeInt32LE(8, base + 16); // table - vtable
    const geomField = base + 20;
    const propsField = base + 24;
    this.pos = base + 28;

    const geomAt = this.writeGeometry(wkb, plan);
    this.u32(geomField, geomAt - geomField);

    this.align(4, 0);
    const propsLenAt = this.pos;
    this.u32(propsField, propsLenAt - propsField);
    this.pos += 4;
    const propsStart = this.pos;
    this.writeProperties(values);
    this.u32(propsLenAt, this.pos - propsStart);

    this.align(8, 0);
    this.u32(base, this.pos - base - 4);
  }

  /**
   * Appends one feature straight from a binary COPY row (open-data.export.ts), without creating
   * a Buffer or string per field: field i of the row is src[start[i], start[i] + len[i]) (len -1
   * = NULL). Fields 0 .. fixed-1 are the first columns in raw form ('long' = int8 big-endian,
   * 'int' = int4 big-endian, text types = UTF-8, copied as they are); field `geomField` is
   * little-endian WKB; the remaining columns' values come as JS values in `attrs`.
   */
  writeCopyRow(src: Buffer, start: Int32Array, len: Int32Array, fixed: number, geomField: number, attrs: readonly FgbValue[]): void {
    const gAt = start[geomField]!;
    const gLen = len[geomField]!;
    if (gLen < 0) throw new WkbError('feature without geometry');
    const plan = planGeometry(src, gAt, gAt + gLen);
    let bound = 64 + plan.xyBytes + this.geomOverhead(plan) + 8;
    for (let i = 0; i < fixed; i++) bound += 14 + Math.max(len[i]!, 0);
    for (const v of attrs) bound += 14 + (typeof v === 'string' ? v.length * 3 : 32);
    this.ensure(bound);
    const base = this.pos;
    this.base = base;
    const buf = this.buf;
    this.u32(base + 4, 12);
    buf.writeUInt16LE(8, base + 8);
    buf.writeUInt16LE(12, base + 10);
    buf.writeUInt16LE(4, base + 12);
    buf.writeUInt16LE(8, base + 14);
    buf.writeInt32LE(8, base + 16);
    const geomFieldAt = base + 20;
    const propsField = base + 24;
    this.pos = base + 28;
    const geomAt = this.writeGeometry(src, plan);
    this.u32(geomFieldAt, geomAt - geomFieldAt);
    this.align(4, 0);
    const propsLenAt = this.pos;
    this.u32(propsField, propsLenAt - propsField);
    this.pos += 4;
    const propsStart = this.pos;
    const cols = this.columns;
    for (let i = 0; i < fixed; i++) {
      const n = len[i]!;
      if (n < 0) continue;
      const at = start[i]!;
      const type = cols[i]!.type;
      if (type === 'long') {
        if (n !== 8) continue;
        this.u16(i);
        for (let k = 0; k < 8; k++) buf[this.pos + k] = src[at + 7 - k]!;
        this.pos += 8;
      } else if (type === 'int') {
        if (n !== 4) continue;
        this.u16(i);
        buf.writeInt32LE(src.readInt32BE(at), this.pos);
        this.pos += 4;
      } else if (type === 'string' || type === 'json' || type === 'datetime') {
        this.u16(i);
        this.u32(this.pos, n);
        src.copy(buf, this.pos + 4, at, at + n);
        this.pos += 4 + n;
      } else {
        throw new Error(`column ${cols[i]!.name}: raw ${type} is not supported`);
      }
    }
    for (let i = fixed; i < cols.length; i++) {
      const v = attrs[i - fixed];
      if (v !== null && v !== undefined) this.writeValue(i, v);
    }
    this.u32(propsLenAt, this.pos - propsStart);
    this.align(8, 0);
    this.u32(base, this.pos - base - 4);
  }

  private geomOverhead(plan: GeomPlan): number {
    let n = 64 + plan.ends.length * 4;
    for (const part of plan.parts) n += this.geomOverhead(part) + part.xyBytes + 4;
    return n;
  }

  private propsBound(values: readonly FgbValue[]): number {
    let n = 8;
    for (const v of values) n += 12 + (typeof v === 'string' ? v.length * 3 : 32);
    return n;
  }

  /** Writes vtable, table and vectors of a Geometry; returns the table's position. */
  private writeGeometry(wkb: Buffer, plan: GeomPlan): number {
    const hasXy = plan.xyBytes > 0;
    const hasEnds = plan.ends.length > 0;
    const hasParts = plan.parts.length > 0;
    // Table: soffset, [xy], [ends], [parts], type (u8).
    let off = 4;
    const xyOff = hasXy ? ((off += 4), off - 4) : 0;
    const endsOff = hasEnds ? ((off += 4), off - 4) : 0;
    const partsOff = hasParts ? ((off += 4), off - 4) : 0;
    const typeOff = off;
    const tableSize = off + 1;
    const fields = hasParts ? 8 : 7; // ends, xy, z, m, t, tm, type, parts
    const vtSize = 4 + 2 * fields;

    this.align(2, 0);
    const vt = this.pos;
    this.buf.fill(0, vt, vt + vtSize);
    this.buf.writeUInt16LE(vtSize, vt);
    this.buf.writeUInt16LE(tableSize, vt + 2);
    this.buf.writeUInt16LE(endsOff, vt + 4);
    this.buf.writeUInt16LE(xyOff, vt + 6);
    this.buf.writeUInt16LE(typeOff, vt + 16);
    if (hasParts) this.buf.writeUInt16LE(partsOff, vt + 18);
    this.pos = vt + vtSize;

    this.align(4, 0);
    const table = this.pos;
    this.buf.writeInt32LE(table - vt, table);
    this.buf.fill(0, table + 4, table + tableSize);
    this.buf[table + typeOff] = plan.type;
    this.pos = table + tableSize;

    if (hasEnds) {
      this.align(4, 0);
      this.u32(table + endsOff, this.pos - (table + endsOff));
      this.u32(this.pos, plan.ends.length);
      this.pos += 4;
      for (const e of plan.ends) {
        this.u32(this.pos, e);
        this.pos += 4;
      }
    }
    if (hasXy) {
      // The doubles must be 8-aligned, so the length word sits at 4 mod 8.
      this.align(8, 4);
      this.u32(table + xyOff, this.pos - (table + xyOff));
      this.u32(this.pos, plan.xyBytes / 8);
      this.pos += 4;
      for (let i = 0; i < plan.xy.length; i += 2) {
        wkb.copy(this.buf, this.pos, plan.xy[i]!, plan.xy[i]! + plan.xy[i + 1]!);
        this.pos += plan.xy[i + 1]!;
      }
    }
    if (hasParts) {
      this.align(4, 0);
      const vec = this.pos;
      this.u32(table + partsOff, vec - (table + partsOff));
      this.u32(vec, plan.parts.length);
      this.pos = vec + 4 + 4 * plan.parts.length;
      plan.parts.forEach((part, i) => {
        const slot = vec + 4 + 4 * i;
        const at = this.writeGeometry(wkb, part);
        this.u32(slot, at - slot);
      });
    }
    return table;
  }

  private writeProperties(values: readonly FgbValue[]): void {
    for (let i = 0; i < this.columns.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) this.writeValue(i, v);
    }
  }

  /** One property from a JS value; a value that does not fit the column's type is left out. */
  private writeValue(i: number, v: string | number | boolean | Date): void {
    switch (this.columns[i]!.type) {
      case 'long': {
        const n = typeof v === 'number' ? v : Number(v);
        if (!Number.isSafeInteger(n)) return;
        this.u16(i);
        this.buf.writeUInt32LE(n >>> 0, this.pos);
        this.buf.writeInt32LE(Math.floor(n / 4294967296), this.pos + 4);
        this.pos += 8;
        return;
      }
      case 'int': {
        const n = typeof v === 'number' ? v : Number(v);
        if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) return;
        this.u16(i);
        this.buf.writeInt32LE(n, this.pos);
        this.pos += 4;
        return;
      }
      case 'double': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) return;
        this.u16(i);
        this.buf.writeDoubleLE(n, this.pos);
        this.pos += 8;
        return;
      }
      case 'bool':
        if (typeof v !== 'boolean') return;
        this.u16(i);
        this.buf[this.pos++] = v ? 1 : 0;
        return;
      default: {
        // string, json, datetime: u32 byte length + UTF-8.
        const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
        this.u16(i);
        const n = this.buf.write(s, this.pos + 4, 'utf8');
        this.u32(this.pos, n);
        this.pos += 4 + n;
      }
    }
  }

  private u16(v: number): void {
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  private u32(at: number, v: number): void {
    this.buf.writeUInt32LE(v, at);
  }

  /** Pads with zeros until (pos - feature start) % n === rem. */
  private align(n: number, rem: number): void {
    while ((this.pos - this.base) % n !== rem) this.buf[this.pos++] = 0;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
