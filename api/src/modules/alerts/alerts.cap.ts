/**
 * CAP 1.2 out (XML and an Atom index, built with xmlbuilder2, never by string concatenation) and
 * CAP 1.0 / 1.1 / 1.2 in (fast-xml-parser). Pure functions: no I/O.
 *
 * Input safety: a size cap before anything is decoded, the declared encoding honoured, and any
 * DOCTYPE refused outright. CAP never needs a DTD, and without one the only entities left are
 * XML's five predefined ones and character references, so no external entity can be read or
 * fetched and no entity expansion can blow up (the XXE test checks both).
 */
import { XMLParser } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import type { Position } from 'geojson';
import { capCircleText, capPolygonToRing, parseCapCircle, ringToCapPolygon } from '../../../../lib/area.ts';

export const CAP12_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
const CAP_NAMESPACES = ['urn:oasis:names:tc:emergency:cap:1.0', 'urn:oasis:names:tc:emergency:cap:1.1', CAP12_NS];
const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** Largest CAP or Atom document accepted (bytes, before decoding). @default 512 KiB */
export const CAP_MAX_BYTES = 512 * 1024;

export interface CapInfo {
  language: string;
  category: string[];
  event: string;
  responseType: string[];
  urgency: string;
  severity: string;
  certainty: string;
  effective?: Date | null;
  onset: Date | null;
  expires: Date | null;
  senderName: string | null;
  headline: string | null;
  description: string | null;
  instruction: string | null;
  web: string | null;
  contact: string | null;
}

export interface CapArea {
  areaDesc: string;
  /** GeoJSON rings ([lon, lat]), one per CAP <polygon>. */
  polygons: Position[][];
  circles: { lat: number; lon: number; radiusKm: number }[];
  geocodes: { valueName: string; value: string }[];
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: Date;
  status: string;
  msgType: string;
  scope: string;
  note: string | null;
  /** CAP <references> text: "sender,identifier,sent" triples separated by spaces. */
  references: string | null;
  info: CapInfo[];
  /** Areas shared by every info block (ours) or gathered from all blocks (imported). */
  areas: CapArea[];
}

/** CAP dateTime: seconds, an explicit offset, never "Z" or fractions (the 1.2 schema's pattern). */
export function capDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

/** One CAP 1.2 message. `areas` go into every info block (CAP attaches areas to info). */
export function buildCapXml(a: CapAlert): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const alert = doc.ele(CAP12_NS, 'alert');
  const el = (parent: ReturnType<typeof alert.ele>, name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') parent.ele(name).txt(value);
  };
  el(alert, 'identifier', a.identifier);
  el(alert, 'sender', a.sender);
  el(alert, 'sent', capDateTime(a.sent));
  el(alert, 'status', a.status);
  el(alert, 'msgType', a.msgType);
  el(alert, 'scope', a.scope);
  el(alert, 'note', a.note);
  el(alert, 'references', a.references);
  for (const i of a.info) {
    const info = alert.ele('info');
    el(info, 'language', i.language);
    for (const c of i.category) el(info, 'category', c);
    el(info, 'event', i.event);
    for (const r of i.responseType) el(info, 'responseType', r);
    el(info, 'urgency', i.urgency);
    el(info, 'severity', i.severity);
    el(info, 'certainty', i.certainty);
    if (i.effective) el(info, 'effective', capDateTime(i.effective));
    if (i.onset) el(info, 'onset', capDateTime(i.onset));
    if (i.expires) el(info, 'expires', capDateTime(i.expires));
    el(info, 'senderName', i.senderName);
    el(info, 'headline', i.headline);
    el(info, 'description', i.description);
    el(info, 'instruction', i.instruction);
    el(info, 'web', i.web);
    el(info, 'contact', i.contact);
    for (const ar of a.areas) {
      const area = info.ele('area');
      el(area, 'areaDesc', ar.areaDesc);
      for (const ring of ar.polygons) el(area, 'polygon', ringToCapPolygon(ring));
      for (const c of ar.circles) el(area, 'circle', capCircleText(c));
      for (const g of ar.geocodes) {
        const gc = area.ele('geocode');
        el(gc, 'valueName', g.valueName);
        el(gc, 'value', g.value);
      }
    }
  }
  return doc.end({ prettyPrint: true });
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  summary: string | null;
  capUrl: string;
  status: string;
  msgType: string;
}

/** The Atom index of current alerts: one entry per CAP message, linking its XML. */
export function buildAtom(o: { id: string; title: string; selfUrl: string; updated: Date; entries: AtomEntry[] }): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM_NS, 'feed');
  feed.ele('id').txt(o.id);
  feed.ele('title').txt(o.title);
  feed.ele('updated').txt(o.updated.toISOString());
  feed.ele('link', { rel: 'self', href: o.selfUrl, type: 'application/atom+xml' });
  feed.ele('author').ele('name').txt(o.title);
  for (const e of o.entries) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(e.id);
    entry.ele('title').txt(e.title);
    entry.ele('updated').txt(e.updated.toISOString());
    if (e.summary) entry.ele('summary').txt(e.summary);
    entry.ele('category', { term: `${e.status}/${e.msgType}` });
    entry.ele('link', { rel: 'alternate', type: 'application/cap+xml', href: e.capUrl });
  }
  return doc.end({ prettyPrint: true });
}

// ---------------------------------------------------------------------------------------------
// Input

export class CapInputError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Decodes bytes by BOM or the XML declaration's encoding (ISO-8859-7, windows-1253, UTF-16 ...). */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes.byteLength > CAP_MAX_BYTES) throw new CapInputError('too_large', `the document is over ${CAP_MAX_BYTES} bytes`);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  // The declaration is ASCII in every ASCII-compatible encoding, so read it as latin1 first.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(head);
  const label = m ? m[1]!.toLowerCase() : 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new CapInputError('unknown_encoding', `unsupported encoding ${label}`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new CapInputError('bad_encoding', `the bytes are not valid ${label}`);
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only XML's predefined entities and character references: there is no DTD (refused below).
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ['info', 'area', 'polygon', 'circle', 'geocode', 'category', 'responseType', 'entry', 'link', 'alert'].includes(name),
});

function parseXml(text: string): Record<string, unknown> {
  // No DTD, ever: refuses XXE, parameter entities and billion-laughs before the parser runs.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new CapInputError('dtd_not_allowed', 'documents with a DOCTYPE or ENTITY declaration are refused');
  try {
    return parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new CapInputError('not_xml', `not well-formed XML: ${String((err as Error).message).slice(0, 120)}`);
  }
}

const text = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') {
    const t = (v as Record<string, unknown>)['#text'];
    return t === undefined ? null : String(t);
  }
  const s = String(v).trim();
  return s === '' ? null : s;
};
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function capDate(v: unknown, field: string, required: boolean): Date | null {
  const s = text(v);
  if (!s) {
    if (required) throw new CapInputError('missing_field', `<${field}> is required`);
    return null;
  }
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new CapInputError('invalid_date', `<${field}> is not a date-time`);
  return d;
}

function need(v: unknown, field: string, allowed?: readonly string[]): string {
  const s = text(v);
  if (!s) throw new CapInputError('missing_field', `<${field}> is required`);
  if (allowed && !allowed.includes(s)) throw new CapInputError('invalid_value', `<${field}> ${s.slice(0, 40)} is not one of ${allowed.join(', ')}`);
  return s;
}

const STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
const MSG_TYPE = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
const SCOPE = ['Public', 'Restricted', 'Private'] as const;
const CATEGORY = ['Geo', 'Met', 'Safe', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
const RESPONSE = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
const URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
const SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
const CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

function readAlert(node: Record<string, unknown>, version: string): CapAlert {
  const info: CapInfo[] = [];
  const areas: CapArea[] = [];
  for (const raw of list(node.info)) {
    const i = raw as Record<string, unknown>;
    // CAP 1.0's "Very Likely" became "Likely" in 1.1.
    const certaintyText = text(i.certainty) === 'Very Likely' ? 'Likely' : i.certainty;
    info.push({
      language: text(i.language) ?? 'en-US',
      category: list(i.category).map((c) => need(c, 'category', CATEGORY)),
      event: need(i.event, 'event'),
      responseType: list(i.responseType).map((r) => need(r, 'responseType', RESPONSE)),
      urgency: need(i.urgency, 'urgency', URGENCY),
      severity: need(i.severity, 'severity', SEVERITY),
      certainty: need(certaintyText, 'certainty', CERTAINTY),
      effective: capDate(i.effective, 'effective', false),
      onset: capDate(i.onset, 'onset', false),
      expires: capDate(i.expires, 'expires', false),
      senderName: text(i.senderName),
      headline: text(i.headline),
      description: text(i.description),
      instruction: text(i.instruction),
      web: text(i.web),
      contact: text(i.contact),
    });
    if (info[info.length - 1]!.category.length === 0) throw new CapInputError('missing_field', '<category> is required');
    for (const rawArea of list(i.area)) {
      const ar = rawArea as Record<string, unknown>;
      const area: CapArea = {
        areaDesc: need(ar.areaDesc, 'areaDesc'),
        polygons: list(ar.polygon).map((p) => {
          try {
            const ring = capPolygonToRing(need(p, 'polygon'));
            const [f, l] = [ring[0]!, ring[ring.length - 1]!];
            if (f[0] !== l[0] || f[1] !== l[1]) throw new Error('the polygon is not closed');
            return ring;
          } catch (err) {
            throw new CapInputError('invalid_polygon', `<polygon>: ${(err as Error).message}`);
          }
        }),
        circles: list(ar.circle).map((c) => {
          try {
            return parseCapCircle(need(c, 'circle'));
          } catch (err) {
            throw new CapInputError('invalid_circle', `<circle>: ${(err as Error).message}`);
          }
        }),
        geocodes: list(ar.geocode).map((g) => ({ valueName: text((g as Record<string, unknown>).valueName) ?? '', value: text((g as Record<string, unknown>).value) ?? '' })),
      };
      // The same area repeated in each language block is kept once.
      if (!areas.some((x) => JSON.stringify(x) === JSON.stringify(area))) areas.push(area);
    }
  }
  const status = need(node.status, 'status', STATUS);
  return {
    identifier: need(node.identifier, 'identifier'),
    sender: need(node.sender, 'sender'),
    sent: capDate(node.sent, 'sent', true)!,
    status,
    msgType: need(node.msgType, 'msgType', MSG_TYPE),
    // CAP 1.0 messages without scope are read as Public (the common case); 1.1+ require it.
    scope: version === '1.0' && !text(node.scope) ? 'Public' : need(node.scope, 'scope', SCOPE),
    note: text(node.note),
    references: text(node.references),
    info,
    areas,
  };
}

export interface ParsedDocument {
  kind: 'cap' | 'atom';
  /** Each message with its verbatim XML (signatures stay verifiable), or why it was refused. */
  messages: ({ ok: true; alert: CapAlert; xml: string; version: string } | { ok: false; code: string; reason: string; ref: string })[];
}

/** The CAP version declared for a message: its namespace URI (the parser drops xmlns attributes). */
function capVersion(xmlText: string): string | null {
  const m = /["'](urn:oasis:names:tc:emergency:cap:1\.[012])["']/.exec(xmlText);
  return m && CAP_NAMESPACES.includes(m[1]!) ? m[1]!.slice(-3) : null;
}

/** Parses an uploaded CAP message or an Atom/RSS index with embedded CAP messages. */
export function parseCapDocument(bytes: Uint8Array): ParsedDocument {
  const xml = decodeXml(bytes);
  const doc = parseXml(xml);
  if (doc.alert) {
    const node = list(doc.alert)[0] as Record<string, unknown>;
    const version = capVersion(xml);
    if (!version) throw new CapInputError('not_cap', 'the root <alert> is not in a CAP 1.0, 1.1 or 1.2 namespace');
    return { kind: 'cap', messages: [{ ok: true, alert: readAlert(node, version), xml, version }] };
  }
  const feed = (doc.feed ?? (doc.rss as Record<string, unknown> | undefined)?.channel) as Record<string, unknown> | undefined;
  if (!feed) throw new CapInputError('not_cap', 'neither a CAP <alert> nor an Atom <feed> / RSS <channel>');
  const entries = list(feed.entry ?? feed.item);
  const messages: ParsedDocument['messages'] = [];
  let embedded = 0;
  for (const [n, e] of entries.entries()) {
    const entry = e as Record<string, unknown>;
    const ref = text(entry.id) ?? text(entry.guid) ?? `entry ${n + 1}`;
    const content = entry.content as Record<string, unknown> | undefined;
    const alertNode = content && list(content.alert)[0] as Record<string, unknown> | undefined;
    if (!alertNode) {
      // A link-only entry: the upload path never fetches (only feeds named in config are polled).
      messages.push({ ok: false, code: 'not_embedded', reason: 'the entry links to its CAP message instead of embedding it; not fetched', ref });
      continue;
    }
    const nth = embedded++;
    const own = embeddedXml(xml, nth);
    const version = capVersion(own) ?? capVersion(xml);
    if (!version) {
      messages.push({ ok: false, code: 'not_cap', reason: 'embedded <alert> is not in a CAP namespace', ref });
      continue;
    }
    try {
      messages.push({ ok: true, alert: readAlert(alertNode, version), xml: own, version });
    } catch (err) {
      messages.push({ ok: false, code: err instanceof CapInputError ? err.code : 'invalid', reason: (err as Error).message, ref });
    }
  }
  return { kind: 'atom', messages };
}

/** The n-th embedded <alert ...>...</alert> of a feed, verbatim. */
function embeddedXml(xml: string, n: number): string {
  const re = /<(?:[A-Za-z_][\w.-]*:)?alert\b[\s\S]*?<\/(?:[A-Za-z_][\w.-]*:)?alert>/g;
  const all = xml.match(re) ?? [];
  return all[n] ?? '';
}
