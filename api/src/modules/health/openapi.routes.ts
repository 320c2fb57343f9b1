import { z } from 'zod';
import { createRouter } from '../../http/router.ts';
import { mediaResponse } from '../../http/media.ts';

/** The OpenAPI 3.1 description of the JSON API, served by the app itself (api/src/openapi.ts). */
export function openapiRoutes(document: () => object) {
  const app = createRouter();
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['platform'],
    responses: { 200: mediaResponse('OpenAPI 3.1 document', 'application/json', z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) })) },
  });
  app.get('/openapi.json', (c) => c.json(document()));
  return app;
}
