/**
 * Serves the built web app (Vite output in dist/web): `/` is the citizen map, `/control` the
 * control room. Hashed assets are immutable; the HTML pages are revalidated on every load.
 */
import { Hono } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { projectRoot } from './config.ts';
import type { AppDeps } from './deps.ts';

export const webDist = join(projectRoot, 'dist', 'web');

const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/control': 'control.html',
};

export function webRoutes(_deps: AppDeps) {
  const app = new Hono();
  for (const [path, file] of Object.entries(PAGES)) {
    app.get(path, (c) => {
      const full = join(webDist, file);
      if (!existsSync(full)) {
        return c.text('The web app is not built yet: run `npm run build` (npm start does it for you).', 503);
      }
      c.header('Cache-Control', 'no-cache');
      return c.html(readFileSync(full, 'utf8'));
    });
  }
  app.use(
    '/assets/*',
    serveStatic({
      root: webDist,
      rewriteRequestPath: (p) => p,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('/static/*', serveStatic({ root: webDist }));
  return app;
}
