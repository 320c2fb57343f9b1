import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';

export function siteRoutes(_deps: AppDeps) {
  const app = new Hono();
  return app;
}
