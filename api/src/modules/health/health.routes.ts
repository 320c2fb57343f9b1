import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';

/** Liveness (process up) and readiness (database reachable and migrated). */
export function healthRoutes({ sql }: AppDeps) {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    try {
      const [row] = await sql<{ version: number | null }[]>`select max(version) as version from schema_migrations`;
      return c.json({ status: 'ready', schemaVersion: row?.version ?? null });
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
  });
  return app;
}
