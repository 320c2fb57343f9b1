import { HealthSchema, ReadySchema, UnavailableSchema } from '../../../../lib/health.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { createRouter, defineRoute, jsonResponse } from '../../http/router.ts';

const health = defineRoute({ method: 'get', path: '/health', summary: 'Liveness', tags: ['platform'], responses: { 200: jsonResponse(HealthSchema, 'process is up') } });
const ready = defineRoute({
  method: 'get',
  path: '/ready',
  summary: 'Readiness: database reachable and migrated',
  tags: ['platform'],
  responses: { 200: jsonResponse(ReadySchema, 'ready'), 503: jsonResponse(UnavailableSchema, 'database unavailable') },
});

/** Liveness (process up) and readiness (database reachable and migrated). */
export function healthRoutes({ sql }: AppDeps) {
  const app = createRouter();
  app.openapi(health, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(ready, async (c) => {
    try {
      const [row] = await sql<{ version: number | null }[]>`select max(version) as version from schema_migrations`;
      return c.json({ status: 'ready' as const, schemaVersion: row?.version ?? null }, 200);
    } catch {
      return c.json({ status: 'unavailable' as const }, 503);
    }
  });
  return app;
}
