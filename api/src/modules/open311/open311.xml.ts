/**
 * A tiny XML writer for Open311 responses. Every text node and attribute is escaped, and
 * characters XML 1.0 cannot carry at all (most C0 controls) are dropped, so user text such as
 * `<script>` or `&` always arrives as text.
 */
export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [tag: string]: XmlValue;
}

export function escapeXml(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function render(tag: string, v: XmlValue): string {
  if (Array.isArray(v)) return v.map((x) => render(tag, x)).join('');
  if (v === null || v === undefined) return `<${tag}></${tag}>`;
  if (typeof v === 'object') return `<${tag}>${Object.entries(v).map(([k, x]) => render(k, x)).join('')}</${tag}>`;
  return `<${tag}>${escapeXml(String(v))}</${tag}>`;
}

/** `toXml('services', { service: [...] })` → `<?xml ...?><services><service>…</service></services>` */
export function toXml(root: string, body: XmlNode | XmlNode[] | Record<string, XmlValue>): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${render(root, body as XmlValue)}`;
}
