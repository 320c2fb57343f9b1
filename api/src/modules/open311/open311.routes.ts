import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';

export function open311Routes(_deps: AppDeps) {
  const app = new Hono();
  return app;
}
