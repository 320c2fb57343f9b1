import { createRouter } from '../../http/router.ts';
import { mediaResponse } from '../../http/media.ts';
import { apiDocsHtml, type OpenApiDocument } from './api-docs.html.ts';

/** GET /api/docs: the human-readable view of GET /openapi.json, built from the same document once. */
export function apiDocsRoutes(document: () => object) {
  const app = createRouter();
  let page: string | undefined;
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/docs',
    summary: 'The API reference: every operation of this document, grouped by tag, as an HTML page',
    tags: ['platform'],
    responses: { 200: mediaResponse('HTML page', 'text/html') },
  });
  app.get('/api/docs', (c) => {
    page ??= apiDocsHtml(document() as unknown as OpenApiDocument, '/openapi.json');
    c.header('Cache-Control', 'no-cache');
    return c.html(page);
  });
  return app;
}
