import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';

export function openDataRoutes(_deps: AppDeps) {
  const app = new Hono();
  return app;
}
