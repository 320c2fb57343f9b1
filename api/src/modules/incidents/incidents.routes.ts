import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';

export function incidentsRoutes(_deps: AppDeps) {
  const app = new Hono();
  return app;
}
