import { Hono } from 'hono';

/** The OpenAPI 3.1 description of the JSON API, served by the app itself (api/src/openapi.ts). */
export function openapiRoutes(document: () => object) {
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(document()));
  return app;
}
