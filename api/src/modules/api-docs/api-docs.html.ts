/**
 * The API reference page rendered on the server from the OpenAPI document: operations grouped by
 * tag, each a <details> that opens on its parameters, request body and responses. No script, so
 * it needs nothing beyond the app's `default-src 'self'` policy and no client library.
 */

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: object[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** `code` spans in summaries, the only markup they use. */
const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** One line of a parameter schema: type, enum, pattern, bounds and default. */
function schemaLine(s: Record<string, unknown> | undefined): string {
  if (!s) return '';
  const parts = [String(s.type ?? s.format ?? '')];
  if (s.format && s.type) parts.push(`(${s.format})`);
  if (Array.isArray(s.enum)) parts.push(`one of ${s.enum.join(', ')}`);
  if (s.pattern) parts.push(`pattern ${s.pattern}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? ''}…${s.maximum ?? ''}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  if (s.description) parts.push(`: ${s.description}`);
  return esc(parts.filter(Boolean).join(' '));
}

function operationHtml(method: string, path: string, op: Operation): string {
  const params = op.parameters ?? [];
  const paramRows = params.map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' *' : ''}</td><td>${esc(p.in)}</td><td>${schemaLine(p.schema)}${p.description ? ` ${inline(p.description)}` : ''}</td></tr>`).join('');
  const bodies = Object.entries(op.requestBody?.content ?? {})
    .map(([type, c]) => `<p>Body <code>${esc(type)}</code>${op.requestBody?.required ? ' (required)' : ''}</p>${c.schema ? `<pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>` : ''}`)
    .join('');
  const responses = Object.entries(op.responses ?? {})
    .map(([code, r]) => `<tr><td>${esc(code)}</td><td>${inline(r.description ?? '')}</td><td>${Object.keys(r.content ?? {}).map((t) => `<code>${esc(t)}</code>`).join(' ')}</td></tr>`)
    .join('');
  const staff = op.security?.length ? ' <span class="staff">staff session</span>' : '';
  return `<details id="${esc(`${method}-${slug(path)}`)}"><summary><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>${staff} ${inline(op.summary ?? '')}</summary>
${op.description ? `<p>${inline(op.description)}</p>` : ''}${params.length ? `<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>${paramRows}</table>` : ''}${bodies}
<table><tr><th>status</th><th>response</th><th>type</th></tr>${responses}</table></details>`;
}

/** The whole page; `specUrl` is where the raw document is served. */
export function apiDocsHtml(doc: OpenApiDocument, specUrl: string): string {
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const tags = [...byTag.keys()].sort();
  const nav = tags.map((t) => `<a href="#tag-${esc(slug(t))}">${esc(t)} (${byTag.get(t)!.length})</a>`).join(' · ');
  const sections = tags.map((t) => `<section id="tag-${esc(slug(t))}"><h2>${esc(t)}</h2>${byTag.get(t)!.join('\n')}</section>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(doc.info.title)}: API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;color:#1b1f23}
h2{border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
details{border:1px solid #dde;border-radius:4px;margin:.3rem 0;padding:.3rem .6rem}
summary{cursor:pointer}
.m{display:inline-block;min-width:3.6rem;font:600 .8rem monospace;text-align:center;border-radius:3px;padding:.1rem .2rem;color:#fff;background:#555}
.get{background:#1f6feb}.post{background:#2da44e}.put,.patch{background:#bf8700}.delete{background:#cf222e}
.staff{font-size:.75rem;border:1px solid #bf8700;border-radius:3px;padding:0 .3rem;color:#7d4e00}
table{border-collapse:collapse;margin:.5rem 0;width:100%}td,th{border:1px solid #dde;padding:.2rem .4rem;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem;font-size:.8rem}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
${doc.info.description ? `<p>${inline(doc.info.description)}</p>` : ''}
<p>Machine-readable: <a href="${esc(specUrl)}">${esc(specUrl)}</a> (OpenAPI 3.1). Operations marked <span class="staff">staff session</span> need the cookie from <code>POST /api/auth/login</code>.</p>
<nav>${nav}</nav>
${sections}
</body></html>`;
}
