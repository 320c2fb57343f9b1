/**
 * Attribute rows in the reader's language: the label the layer's catalogue gives a key
 * (layers.attribute_labels: {key: {el, en, unit?}}), else the platform's label for the fixed
 * asset fields, else the raw key, except internal identifiers, which a reader has no use for
 * without a label. Names are the popup's title, in the reader's language only, never a row; a
 * value with a translation beside it (`street` and `street_en`) is one row in the reader's language.
 */
import type { Lang } from '../i18n.ts';

export interface AttributeLabel {
  el: string;
  en: string;
  unit?: string;
}
export type AttributeLabels = Record<string, AttributeLabel>;

/** The columns every asset has (assets table), named the same for every layer. */
const FIXED: AttributeLabels = {
  id: { el: 'Κωδικός', en: 'ID' },
  external_id: { el: 'Εξωτερικός κωδικός', en: 'External ID' },
  condition: { el: 'Κατάσταση', en: 'Condition' },
  criticality: { el: 'Κρισιμότητα', en: 'Criticality' },
  install_date: { el: 'Ημερομηνία εγκατάστασης', en: 'Installation date' },
};

/** Shown as the title, not as rows. */
const NAME_KEYS = new Set(['name', 'name_el', 'name_en']);
/** Identifiers of source systems (GDAL fid, ArcGIS objectid, …): hidden unless a label names them. */
const INTERNAL = /^(fid|ogc_fid|gid|objectid|object_id|globalid|uuid)$|_id$/i;

/** Shown first, in this order; the rest alphabetically. */
const FIRST = ['id', 'name', 'external_id', 'condition', 'criticality', 'install_date'];
/** Not worth a row: the layer is in the header, geometry is on the map. */
const HIDDEN = new Set(['layer', 'layer_id', 'geom', 'geometry']);
const MAX_VALUE_CHARS = 300;

export function orderedAttributes(props: Record<string, unknown>): [string, string][] {
  const keys = Object.keys(props).filter((k) => !HIDDEN.has(k) && props[k] != null && props[k] !== '');
  keys.sort((a, b) => {
    const ia = FIRST.indexOf(a);
    const ib = FIRST.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a.localeCompare(b);
  });
  return keys.map((k) => [k, displayValue(props[k])]);
}

export function displayValue(value: unknown): string {
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

const BOOLEAN: Record<Lang, [string, string]> = { el: ['Ναι', 'Όχι'], en: ['Yes', 'No'] };

export interface AttributeRow {
  key: string;
  label: string;
  value: string;
}

/** The asset's name in the reader's language: name_el / name_en when the data has them, else name. */
export function nameIn(props: Record<string, unknown>, lang: Lang): string | null {
  for (const k of [`name_${lang}`, 'name']) {
    const v = props[k];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return null;
}

export function labelledAttributes(props: Record<string, unknown>, labels: AttributeLabels | undefined, lang: Lang): AttributeRow[] {
  const rows: AttributeRow[] = [];
  for (const [key] of orderedAttributes(props)) {
    if (NAME_KEYS.has(key)) continue;
    // `street_en` beside `street`: one row, in the reader's language.
    const pair = /^(.+)_(el|en)$/.exec(key);
    if (pair && pair[1]! in props) continue;
    const label = labels?.[key] ?? FIXED[key];
    if (!label && INTERNAL.test(key)) continue;
    const own = props[`${key}_${lang}`];
    const raw = typeof own === 'string' && own.trim() ? own : props[key];
    const text = typeof raw === 'boolean' ? BOOLEAN[lang][raw ? 0 : 1] : displayValue(raw);
    rows.push({ key, label: label?.[lang] || key, value: label?.unit ? `${text} ${label.unit}` : text });
  }
  return rows;
}
