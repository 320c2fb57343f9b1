/**
 * Readable HTML pages of the OGC API (the HTML conformance class): landing page, collections and
 * a page of items as tables with links. Every value is escaped; no script, no external asset.
 */

export function esc(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface HtmlLink {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

export function page(title: string, lang: string, body: string): string {
  return `<!doctype html>
<html lang="${esc(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eef}code{font-size:.9em}</style>
</head><body>${body}</body></html>`;
}

export function linkList(links: HtmlLink[]): string {
  return `<ul>${links.map((l) => `<li><a href="${esc(l.href)}" rel="${esc(l.rel)}">${esc(l.title ?? l.rel)}</a> <small>${esc(l.type ?? '')}</small></li>`).join('')}</ul>`;
}

export function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'object' && c !== null && 'html' in (c as object) ? (c as { html: string }).html : esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A cell holding a link (already escaped here). */
export const a = (href: string, text: string) => ({ html: `<a href="${esc(href)}">${esc(text)}</a>` });

/** True when the client asks for HTML: `f=html`, or a browser's Accept header (text/html before JSON). */
export function wantsHtml(f: string | undefined, accept: string | undefined): boolean {
  if (f !== undefined) return f.toLowerCase() === 'html';
  const acc = (accept ?? '').toLowerCase();
  const html = acc.indexOf('text/html');
  if (html < 0) return false;
  const json = acc.search(/application\/(?:geo\+)?json/);
  return json < 0 || html < json;
}
