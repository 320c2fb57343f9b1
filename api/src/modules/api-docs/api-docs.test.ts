import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { buildOpenApi } from '../../openapi.ts';
import { apiDocsHtml, type OpenApiDocument } from './api-docs.html.ts';

describe('GET /api/docs', () => {
  // The page reads no database: a placeholder sql proves it.
  const app = createApp({ sql: {} as never, config: loadConfig({}), logger: createLogger('error'), boss: null });
  const doc = buildOpenApi(app, 'http://localhost') as unknown as OpenApiDocument;

  it('renders every operation of the document once, grouped by tag, without any script', async () => {
    const res = await app.request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(html.match(/<details /g)?.length).toBe(operations);
    const tags = new Set(Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.tags![0]!)));
    for (const tag of tags) expect(html).toContain(`<h2>${tag}</h2>`);
    expect(html).toContain('<code>/api/triage/incidents/{id}</code>');
  });

  it('escapes what the document says', () => {
    const html = apiDocsHtml({ info: { title: '<b>t</b>', version: '1' }, paths: { '/x': { get: { summary: '<img src=x onerror=alert(1)> `a<b`', tags: ['t'], responses: { 200: { description: '"ok"' } } } } } }, '/openapi.json');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>t</b>');
    expect(html).toContain('<code>a&#60;b</code>');
  });
});
