/**
 * The control room's incident snapshot as columns: one typed array per field, so the browser
 * hands them to deck.gl as binary attributes and never parses 100,000 JSON objects. 32
 * bytes a report before compression (the GeoJSON it replaces: about 350).
 *
 * Layout (little-endian):
 *   bytes 0-3   "SIC1"
 *   bytes 4-7   u32 length L of the header
 *   8 .. 8+L    header, UTF-8 JSON: count, feedId, the dictionaries (code -> text) and where
 *               each column starts
 *   then        the columns, each starting on a multiple of 8 bytes
 *
 * Codes: status, priority and SLA state are u8 indexes into their dictionaries; category,
 * department and district u16 (district NO_DISTRICT = none); positions f32 lon/lat pairs (about
 * 0.2 m at these longitudes, and what deck.gl uploads anyway); ids, protocol sequence and creation
 * time (epoch seconds) u32; protocol year u16; held (hidden or awaiting moderation) u8 0/1.
 *
 * Only these fields exist in the format: the encoder's input type has no slot for a reporter,
 * a description or a photo, so no personal data can be written into a snapshot.
 */

export const COLUMNS_MAGIC = 'SIC1';
export const COLUMNS_MEDIA_TYPE = 'application/octet-stream';
export const NO_DISTRICT = 0xffff;

/** One report as the encoder reads it (the snapshot SQL's row). */
export interface StaffIncidentColumnRow {
  id: number;
  year: number;
  seq: number;
  lon: number;
  lat: number;
  status: string;
  priority: string;
  category: string;
  department: string;
  district: string | null;
  sla: string;
  /** Epoch seconds. */
  created: number;
  held: boolean;
}

export interface StaffIncidentDictionaries {
  status: string[];
  priority: string[];
  sla: string[];
  category: string[];
  department: string[];
  district: string[];
}

/** The decoded snapshot: `positions` is [lon0, lat0, lon1, lat1, ...]. */
export interface StaffIncidentColumns {
  count: number;
  /** The staff feed position the snapshot includes (resume the stream after it). */
  feedId: number;
  dictionaries: StaffIncidentDictionaries;
  id: Uint32Array;
  positions: Float32Array;
  year: Uint16Array;
  seq: Uint32Array;
  status: Uint8Array;
  priority: Uint8Array;
  sla: Uint8Array;
  held: Uint8Array;
  category: Uint16Array;
  department: Uint16Array;
  district: Uint16Array;
  created: Uint32Array;
}

type ColumnName = Exclude<keyof StaffIncidentColumns, 'count' | 'feedId' | 'dictionaries'>;
type ArrayKind = 'f32' | 'u8' | 'u16' | 'u32';

/** Column order and types; `size` values per report. */
const LAYOUT: readonly { name: ColumnName; kind: ArrayKind; size: number }[] = [
  { name: 'positions', kind: 'f32', size: 2 },
  { name: 'id', kind: 'u32', size: 1 },
  { name: 'seq', kind: 'u32', size: 1 },
  { name: 'created', kind: 'u32', size: 1 },
  { name: 'year', kind: 'u16', size: 1 },
  { name: 'category', kind: 'u16', size: 1 },
  { name: 'department', kind: 'u16', size: 1 },
  { name: 'district', kind: 'u16', size: 1 },
  { name: 'status', kind: 'u8', size: 1 },
  { name: 'priority', kind: 'u8', size: 1 },
  { name: 'sla', kind: 'u8', size: 1 },
  { name: 'held', kind: 'u8', size: 1 },
];

const CTORS = { f32: Float32Array, u8: Uint8Array, u16: Uint16Array, u32: Uint32Array } as const;
const BYTES: Record<ArrayKind, number> = { f32: 4, u8: 1, u16: 2, u32: 4 };
const LIMITS: Record<keyof StaffIncidentDictionaries, number> = { status: 255, priority: 255, sla: 255, category: 0xffff, department: 0xffff, district: NO_DISTRICT };

interface Header {
  count: number;
  feedId: number;
  dictionaries: StaffIncidentDictionaries;
  columns: { name: ColumnName; kind: ArrayKind; size: number; offset: number }[];
}

const align8 = (n: number) => (n + 7) & ~7;

/** Codes in order of first appearance. */
class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly name: string;
  private readonly limit: number;
  constructor(name: string, limit: number) {
    this.name = name;
    this.limit = limit;
  }
  code(value: string): number {
    let c = this.index.get(value);
    if (c === undefined) {
      c = this.values.length;
      if (c >= this.limit) throw new RangeError(`too many distinct ${this.name} values for the column encoding (limit ${this.limit})`);
      this.values.push(value);
      this.index.set(value, c);
    }
    return c;
  }
}

const u32 = (v: number, what: string) => {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${what} ${v} does not fit the column encoding`);
  return v;
};

export function encodeStaffIncidentColumns(rows: readonly StaffIncidentColumnRow[], opts: { feedId: number }): Uint8Array {
  const n = rows.length;
  const dict = Object.fromEntries((Object.keys(LIMITS) as (keyof StaffIncidentDictionaries)[]).map((k) => [k, new Dictionary(k, LIMITS[k])])) as Record<keyof StaffIncidentDictionaries, Dictionary>;
  const cols = Object.fromEntries(LAYOUT.map((c) => [c.name, new CTORS[c.kind](n * c.size)])) as unknown as Omit<StaffIncidentColumns, 'count' | 'feedId' | 'dictionaries'>;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    cols.positions[i * 2] = r.lon;
    cols.positions[i * 2 + 1] = r.lat;
    cols.id[i] = u32(r.id, 'id');
    cols.seq[i] = u32(r.seq, 'protocol sequence');
    cols.created[i] = u32(Math.floor(r.created), 'created');
    if (!Number.isInteger(r.year) || r.year < 0 || r.year > 0xffff) throw new RangeError(`protocol year ${r.year} does not fit the column encoding`);
    cols.year[i] = r.year;
    cols.status[i] = dict.status.code(r.status);
    cols.priority[i] = dict.priority.code(r.priority);
    cols.sla[i] = dict.sla.code(r.sla);
    cols.category[i] = dict.category.code(r.category);
    cols.department[i] = dict.department.code(r.department);
    cols.district[i] = r.district === null ? NO_DISTRICT : dict.district.code(r.district);
    cols.held[i] = r.held ? 1 : 0;
  }
  // Offsets are relative to the first column, so the header's own length does not move them.
  let offset = 0;
  const columns = LAYOUT.map((c) => {
    const at = offset;
    offset = align8(offset + n * c.size * BYTES[c.kind]);
    return { ...c, offset: at };
  });
  const header: Header = {
    count: n,
    feedId: opts.feedId,
    dictionaries: Object.fromEntries(Object.entries(dict).map(([k, d]) => [k, d.values])) as unknown as StaffIncidentDictionaries,
    columns,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const start = align8(8 + headerBytes.length);
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(COLUMNS_MAGIC), 0);
  new DataView(out.buffer).setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  for (const c of columns) {
    const a = cols[c.name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), start + c.offset);
  }
  return out;
}

/** Reads a snapshot; the typed arrays are views on `bytes` when it is 8-byte aligned (no copy). */
export function decodeStaffIncidentColumns(input: ArrayBuffer | Uint8Array): StaffIncidentColumns {
  let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== COLUMNS_MAGIC) throw new Error('not an incident column snapshot (bad magic)');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new Error('incident column snapshot truncated (header)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header;
  const start = align8(8 + headerLength);
  const out = { count: header.count, feedId: header.feedId, dictionaries: header.dictionaries } as StaffIncidentColumns;
  for (const c of header.columns) {
    const length = header.count * c.size;
    const begin = start + c.offset;
    if (begin + length * BYTES[c.kind] > bytes.length) throw new Error(`incident column snapshot truncated (${c.name})`);
    (out as unknown as Record<string, unknown>)[c.name] = new CTORS[c.kind](bytes.buffer as ArrayBuffer, bytes.byteOffset + begin, length);
  }
  for (const c of LAYOUT) if (!(c.name in out)) throw new Error(`incident column snapshot lacks ${c.name}`);
  return out;
}

/** `2026/001234`, as incidents.protocol_number (migration 0011). */
export function protocolNumber(year: number, seq: number): string {
  return `${year}/${String(seq).padStart(6, '0')}`;
}

/** Report i of a decoded snapshot as plain values (the text of its codes). */
export function columnRow(c: StaffIncidentColumns, i: number): StaffIncidentColumnRow {
  const d = c.dictionaries;
  const district = c.district[i]!;
  return {
    id: c.id[i]!,
    year: c.year[i]!,
    seq: c.seq[i]!,
    lon: c.positions[i * 2]!,
    lat: c.positions[i * 2 + 1]!,
    status: d.status[c.status[i]!]!,
    priority: d.priority[c.priority[i]!]!,
    category: d.category[c.category[i]!]!,
    department: d.department[c.department[i]!]!,
    district: district === NO_DISTRICT ? null : d.district[district]!,
    sla: d.sla[c.sla[i]!]!,
    created: c.created[i]!,
    held: c.held[i] === 1,
  };
}
