/**
 * Every route the app serves is in the OpenAPI document: the routes are enumerated from the real
 * app (createApp with a placeholder sql: nothing here runs a query) and each (method, path) must
 * have an operation. A route added without its declaration (defineRoute or registerPath) fails
 * here with its name; a declaration without its schemas fails the last test.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { buildOpenApi } from './openapi.ts';

/**
 * Routes whose last segment is one hono parameter (`:file`) that the handler splits itself: the
 * public shape they serve, as documented. A new route of this kind must be added here.
 */
const FILE_ROUTES: Record<string, string[]> = {
  '/tiles/:layer/:z/:x/:file': ['/tiles/{layer}/{z}/{x}/{y}.mvt'],
  '/tiles/:file': ['/tiles/{layer}.json'],
  '/tiles/staff/incidents/:z{[0-9]{1,2}}/:x{[0-9]{1,7}}/:y': ['/tiles/staff/incidents/{z}/{x}/{y}.mvt'],
  '/ogc/collections/:id/:file': ['/ogc/collections/{collectionId}/download.{format}'],
};

/** Reads `:name` or `:name{regex}` at `i` (just past the colon); regexes may nest braces (`{1,6}`). */
function readParam(path: string, i: number): { name: string; regex: string | null; end: number } {
  let j = i;
  while (j < path.length && /[A-Za-z0-9_]/.test(path[j]!)) j++;
  const name = path.slice(i, j);
  if (path[j] !== '{') return { name, regex: null, end: j };
  let depth = 0;
  let k = j;
  for (; k < path.length; k++) {
    if (path[k] === '\\') k++;
    else if (path[k] === '{') depth++;
    else if (path[k] === '}' && --depth === 0) break;
  }
  return { name, regex: path.slice(j + 1, k), end: k + 1 };
}

/**
 * A parameter's regex as the public path shape: `x\.(json|xml)` ends in `.{format}`, `x\.xml` in
 * `.xml`; a leading alternation of literals (`(discovery|services)`) gives one path per literal.
 * Anything else stays `{name}`.
 */
function paramShapes(name: string, regex: string | null): string[] {
  if (regex === null) return [`{${name}}`];
  let stem = regex;
  let suffix = '';
  const formats = /\\\.\(([a-z|]+)\)$/.exec(stem);
  const fixed = /\\\.([a-z]+)$/.exec(stem);
  if (formats) {
    stem = stem.slice(0, formats.index);
    suffix = '.{format}';
  } else if (fixed) {
    stem = stem.slice(0, fixed.index);
    suffix = `.${fixed[1]}`;
  }
  const literals = /^\(([a-z0-9_|]+)\)$/.exec(stem) ?? /^([a-z0-9_]+)$/.exec(stem);
  if (literals) return literals[1]!.split('|').map((l) => l + suffix);
  return [`{${name}}${suffix}`];
}

/** A hono route pattern as the OpenAPI paths it serves. */
function openApiPaths(honoPath: string): string[] {
  if (FILE_ROUTES[honoPath]) return FILE_ROUTES[honoPath];
  let out = [''];
  let i = 0;
  while (i < honoPath.length) {
    if (honoPath[i] === ':') {
      const p = readParam(honoPath, i + 1);
      const shapes = paramShapes(p.name, p.regex);
      out = out.flatMap((prefix) => shapes.map((s) => prefix + s));
      i = p.end;
    } else {
      const ch = honoPath[i]!;
      out = out.map((prefix) => prefix + ch);
      i++;
    }
  }
  return out;
}

/** OpenAPI treats `/a/{x}` and `/a/{y}` as the same template, so names do not take part. */
const template = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

describe('openApiPaths', () => {
  it('maps hono parameters, regex constraints and file patterns to OpenAPI paths', () => {
    expect(openApiPaths('/api/alerts/:id{[0-9]{1,15}}/cap.xml')).toEqual(['/api/alerts/{id}/cap.xml']);
    expect(openApiPaths('/api/incidents/:year{[0-9]{4}}/:seq{[0-9]{1,6}}')).toEqual(['/api/incidents/{year}/{seq}']);
    expect(openApiPaths('/cap/alerts/:file{[0-9]{1,15}\\.xml}')).toEqual(['/cap/alerts/{file}.xml']);
    expect(openApiPaths('/open311/v2/:file{(discovery|services|requests)\\.(json|xml)}')).toEqual([
      '/open311/v2/discovery.{format}',
      '/open311/v2/services.{format}',
      '/open311/v2/requests.{format}',
    ]);
    expect(openApiPaths('/open311/v2/:file{requests\\.(json|xml)}')).toEqual(['/open311/v2/requests.{format}']);
    expect(openApiPaths('/api/risk-zones/from-layer/:layerId{[a-z][a-z0-9_]{1,62}}')).toEqual(['/api/risk-zones/from-layer/{layerId}']);
    expect(openApiPaths('/tiles/:file')).toEqual(['/tiles/{layer}.json']);
  });
});

describe('OpenAPI document', () => {
  const app = createApp({ sql: {} as never, config: loadConfig({}), logger: createLogger('error'), boss: null });
  const doc = buildOpenApi(app, 'http://localhost') as unknown as { paths: Record<string, Record<string, unknown>> };
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${template(path)}`)));

  it('documents every route the app serves', () => {
    const missing = new Set<string>();
    for (const r of app.routes) {
      // `ALL` entries are middleware registered with use() (request id, auth context, CORS,
      // body limits) and the static serving of the Vite bundle under /assets and /static, whose
      // file names are content hashes: none is an operation of its own.
      if (r.method === 'ALL') continue;
      for (const path of openApiPaths(r.path)) {
        if (!documented.has(`${r.method} ${template(path)}`)) missing.add(`${r.method} ${path}`);
      }
    }
    expect([...missing].sort()).toEqual([]);
  });

  it('gives every operation a summary, a tag and responses, and refers only to schemas it defines', () => {
    const schemas = Object.keys((doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas);
    const bad: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { summary?: string; tags?: string[]; responses?: object }>)) {
        if (!op.summary || !op.tags?.length || !op.responses || Object.keys(op.responses).length === 0) bad.push(`${method} ${path}`);
      }
    }
    expect(bad).toEqual([]);
    // Schemas derived from zod must be inlined: a `#/$defs/…` reference would not resolve inside the document.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !schemas.map((n) => `#/components/schemas/${n}`).includes(r))).toEqual([]);
  });

  it('gives every declared route a schema for its parameters, JSON body and JSON answers', () => {
    const missing: string[] = [];
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type !== 'route') continue;
      const { method, path, request, responses } = def.route;
      const name = `${method.toUpperCase()} ${path}`;
      for (const param of path.match(/\{[^}]+\}/g) ?? []) if (!request?.params) missing.push(`${name}: path parameter ${param}`);
      for (const [type, media] of Object.entries(request?.body?.content ?? {}) as [string, { schema?: unknown }][]) if (!media?.schema) missing.push(`${name}: ${type} body`);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^2/.test(status) || !('content' in response)) continue;
        for (const [type, media] of Object.entries(response.content ?? {}) as [string, { schema?: unknown }][]) if (!media?.schema) missing.push(`${name}: ${status} ${type}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

