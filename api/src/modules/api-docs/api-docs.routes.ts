import { Hono } from 'hono';
import { apiDocsHtml, type OpenApiDocument } from './api-docs.html.ts';

/** GET /api/docs: the human-readable view of GET /openapi.json, built from the same document once. */
export function apiDocsRoutes(document: () => object) {
  const app = new Hono();
  let page: string | undefined;
  app.get('/api/docs', (c) => {
    page ??= apiDocsHtml(document() as unknown as OpenApiDocument, '/openapi.json');
    c.header('Cache-Control', 'no-cache');
    return c.html(page);
  });
  return app;
}
