/**
 * The OpenAPI description. Routes declared with `defineRoute` (http/router.ts) are generated
 * from their schemas by @hono/zod-openapi; the modules not yet moved to declared routes still
 * contribute a hand-written fragment (*.openapi.ts), which the generated operations replace path
 * by path as each module moves. api/src/openapi.test.ts lists which routes are still hand-written.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { tilesOpenApi } from './modules/tiles/tiles.openapi.ts';
import { openDataOpenApi } from './modules/open-data/open-data.openapi.ts';
import { registriesOpenApi } from './modules/registries/registries.openapi.ts';
import { incidentsOpenApi } from './modules/incidents/incidents.openapi.ts';
import { crewOpenApi } from './modules/crew/crew.openapi.ts';
import { triageOpenApi } from './modules/triage/triage.openapi.ts';
import { triageColumnsOpenApi } from './modules/triage/triage-columns.openapi.ts';
import { statsOpenApi } from './modules/stats/stats.openapi.ts';
import { assignmentOpenApi } from './modules/registries/assignment.openapi.ts';
import { networksOpenApi } from './modules/networks/networks.openapi.ts';
import { riskZonesOpenApi } from './modules/risk-zones/risk-zones.openapi.ts';
import { alertsOpenApi } from './modules/alerts/alerts.openapi.ts';
import { subscriptionsOpenApi } from './modules/alerts/subscriptions.openapi.ts';
import { reportSubscriptionsOpenApi } from './modules/incidents/subscriptions.openapi.ts';
import { apiDocsOpenApi } from './modules/api-docs/api-docs.openapi.ts';
import { webOpenApi } from './web.openapi.ts';
import { basemapOpenApi } from './modules/basemap/basemap.openapi.ts';
import { jobsOpenApi } from './modules/jobs/jobs.openapi.ts';

export type PathsObject = Record<string, Record<string, unknown>>;

const fragments: PathsObject[] = [
  tilesOpenApi, openDataOpenApi, registriesOpenApi, incidentsOpenApi, crewOpenApi,
  triageOpenApi, statsOpenApi, assignmentOpenApi, networksOpenApi, riskZonesOpenApi, alertsOpenApi, subscriptionsOpenApi, apiDocsOpenApi, webOpenApi,
  basemapOpenApi, jobsOpenApi,
  reportSubscriptionsOpenApi,
  triageColumnsOpenApi,
];

/** Hand-written operations, for the routes not yet declared with their schemas. */
export function handWrittenPaths(): PathsObject {
  const paths: PathsObject = {
    '/health': { get: { summary: 'Liveness', tags: ['platform'], responses: { 200: { description: 'process is up' } } } },
    '/ready': { get: { summary: 'Readiness: database reachable and migrated', tags: ['platform'], responses: { 200: { description: 'ready' }, 503: { description: 'database unavailable' } } } },
  };
  for (const fragment of fragments) Object.assign(paths, fragment);
  return paths;
}

/** The whole document: the app's declared routes, generated, over the hand-written rest. */
export function buildOpenApi(app: OpenAPIHono<any>, baseUrl: string) {
  const generated = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: '', version: '' } }) as { paths?: PathsObject; components?: { schemas?: Record<string, unknown> } };
  const paths = handWrittenPaths();
  for (const [path, ops] of Object.entries(generated.paths ?? {})) paths[path] = { ...paths[path], ...ops };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Municipal GIS asset and incident platform',
      version: '0.1.0',
      description: 'Multilayer asset model, vector tiles, open data (OGC API Features) and imports.',
    },
    servers: [{ url: baseUrl }],
    paths,
    components: {
      securitySchemes: { staffSession: { type: 'apiKey', in: 'cookie', name: '__Host-session', description: 'staff session from POST /api/auth/login' } },
      schemas: {
        ...generated.components?.schemas,
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
  };
}
