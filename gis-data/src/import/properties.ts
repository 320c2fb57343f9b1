/**
 * Attribute clean-up for imported features (docs/reliability.md I5). Hostile text such as
 * `<img onerror=...>` or `javascript:` URLs is kept verbatim as text: escaping is the renderer's
 * job (popups use textContent), and silently rewriting data would corrupt honest values. What is
 * changed is only what PostgreSQL or the memory budget cannot take: NUL characters and lone
 * surrogates (jsonb rejects both), values over the per-field cap, and absurd field counts.
 * No I/O.
 */

/** Longest string stored per attribute value, in UTF-16 code units. @default 10000 */
export const MAX_FIELD_CHARS = 10_000;
/** Attributes kept per feature; the rest are dropped with a warning. @default 500 */
export const MAX_FIELDS = 500;
/** Longest attribute name. @default 200 */
export const MAX_KEY_CHARS = 200;
/** Nesting kept for object/array values. @default 8 */
const MAX_DEPTH = 8;

export interface CleanStats {
  /** Values (or names) shortened to the cap. */
  truncated: number;
  /** Fields dropped beyond MAX_FIELDS. */
  dropped: number;
}

export function cleanText(s: string, max = MAX_FIELD_CHARS, stats?: CleanStats): string {
  let out = s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
  out = out.toWellFormed();
  if (out.length > max) {
    if (stats) stats.truncated++;
    // Do not cut a surrogate pair in half.
    out = out.slice(0, max).toWellFormed();
  }
  return out;
}

function cleanValue(v: unknown, depth: number, stats: CleanStats): unknown {
  switch (typeof v) {
    case 'string':
      return cleanText(v, MAX_FIELD_CHARS, stats);
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'object': {
      if (v === null) return null;
      if (v instanceof Uint8Array) {
        const b64 = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
        return cleanText(b64, MAX_FIELD_CHARS, stats);
      }
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (depth >= MAX_DEPTH) {
        stats.truncated++;
        return null;
      }
      let nested: unknown;
      if (Array.isArray(v)) nested = v.slice(0, MAX_FIELDS).map((x) => cleanValue(x, depth + 1, stats));
      else nested = cleanObject(v as Record<string, unknown>, depth + 1, stats);
      // A nested value is capped on its serialised size, like a string field.
      const text = JSON.stringify(nested);
      if (text.length > MAX_FIELD_CHARS) {
        stats.truncated++;
        return text.slice(0, MAX_FIELD_CHARS).toWellFormed();
      }
      return nested;
    }
    default:
      return null;
  }
}

function cleanObject(o: Record<string, unknown>, depth: number, stats: CleanStats): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(o)) {
    if (n >= MAX_FIELDS) {
      stats.dropped++;
      continue;
    }
    const k = cleanText(key, MAX_KEY_CHARS, stats);
    // __proto__ as an own key would otherwise be swallowed by the object literal's prototype setter.
    Object.defineProperty(out, k, { value: cleanValue(o[key], depth, stats), enumerable: true, writable: true, configurable: true });
    n++;
  }
  return out;
}

/** Returns a clean copy of a feature's properties (null or non-object → {}). */
export function cleanProperties(p: unknown, stats: CleanStats): Record<string, unknown> {
  if (p == null || typeof p !== 'object' || Array.isArray(p)) return {};
  return cleanObject(p as Record<string, unknown>, 0, stats);
}

/** Attribute names that usually hold a feature's display name, in order of preference. */
const NAME_CANDIDATES = ['name', 'Name', 'NAME', 'name_en', 'ENAME', 'site_name', 'common_name', 'station_name', 'FacilityName', 'title', 'label'];

/** Picks the display-name attribute from the first feature's properties when none was given. */
export function guessNameProperty(props: Record<string, unknown>): string | undefined {
  return NAME_CANDIDATES.find((k) => typeof props[k] === 'string' && (props[k] as string).trim() !== '');
}

/** A scalar attribute as a short text (names, external ids), or null. */
export function scalarText(v: unknown, max: number): string | null {
  if (v == null) return null;
  if (typeof v === 'string') {
    const t = cleanText(v, max).trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return null;
}
