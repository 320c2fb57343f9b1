import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { buildOpenApi } from '../../openapi.ts';

/** The OpenAPI 3.1 description of the JSON API, served by the app itself. */
export function openapiRoutes({ config }: AppDeps) {
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(buildOpenApi(config.publicUrl)));
  return app;
}
