/**
 * Serves the built web app (Vite output in dist/web): `/` is the citizen map, `/control` the
 * control room. Hashed assets are immutable; the HTML pages are revalidated on every load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { projectRoot } from './config.ts';
import type { AppDeps } from './deps.ts';
import { binary, mediaResponse } from './http/media.ts';
import { createRouter, errorResponses } from './http/router.ts';
import { getSettings, nameIn, type MunicipalitySettings } from './modules/municipality/settings.sql.ts';

export const webDist = join(projectRoot, 'dist', 'web');

const PAGES: Record<string, { file: string; summary: string }> = {
  '/': { file: 'index.html', summary: 'The citizen map: report a problem, follow reports, outages and alerts' },
  '/control': { file: 'control.html', summary: 'The control room (staff sign-in)' },
  '/crew': { file: 'crew.html', summary: 'The crew app for field work, installable and usable offline' },
};

/**
 * The crew PWA's unhashed files (web/public): the service worker must keep one URL for its
 * registration to survive releases, so it is revalidated on every load like the pages.
 */
const PWA_FILES: Record<string, { type: string; summary: string }> = {
  '/crew-sw.js': { type: 'text/javascript; charset=utf-8', summary: 'The crew app service worker (one URL across releases so its registration survives)' },
  '/crew.webmanifest': { type: 'application/manifest+json', summary: 'The crew app manifest' },
  '/crew-icon-192.png': { type: 'image/png', summary: 'Crew app icon, 192 px' },
  '/crew-icon-512.png': { type: 'image/png', summary: 'Crew app icon, 512 px' },
};

/**
 * The page as built, with the municipality's default language in `html lang` and its name in
 * the title, read from municipality_settings on each load (pages are never cached).
 */
export function localisePage(html: string, s: Pick<MunicipalitySettings, 'names' | 'locales'>): string {
  const lang = s.locales[0] ?? 'en';
  const name = nameIn(s, lang);
  return html
    .replace(/<html lang="[^"]*"/, `<html lang="${escapeHtml(lang)}"`)
    .replace(/<title>([^<]*)<\/title>/, (_m, t: string) => `<title>${t} · ${escapeHtml(name)}</title>`);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function webRoutes({ sql }: AppDeps) {
  const app = createRouter();
  // The pages and unhashed PWA files are documented so that every route the app answers is in
  // the document; the hashed bundles under /assets and /static are not (names change per build).
  for (const [path, { file, summary }] of Object.entries(PAGES)) {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path,
      summary,
      tags: ['web'],
      responses: { 200: mediaResponse('HTML page (revalidated on every load)', 'text/html'), 503: mediaResponse('the web app is not built yet', 'text/plain') },
    });
    app.get(path, async (c) => {
      const full = join(webDist, file);
      if (!existsSync(full)) {
        return c.text('The web app is not built yet: run `npm run build` (npm start does it for you).', 503);
      }
      c.header('Cache-Control', 'no-cache');
      return c.html(localisePage(readFileSync(full, 'utf8'), await getSettings(sql)));
    });
  }
  for (const [path, { type, summary }] of Object.entries(PWA_FILES)) {
    app.openAPIRegistry.registerPath({ method: 'get', path, summary, tags: ['web'], responses: { 200: mediaResponse(summary, type.split(';')[0]!, binary), ...errorResponses(404) } });
    app.get(path, (c) => {
      const full = join(webDist, path.slice(1));
      if (!existsSync(full)) return c.json({ error: { code: 'not_found', message: 'not built yet' } }, 404);
      return c.body(new Uint8Array(readFileSync(full)), 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    });
  }
  app.use(
    '/assets/*',
    serveStatic({
      root: webDist,
      rewriteRequestPath: (p) => p,
      // Brotli / gzip copies written at build (scripts/precompress.ts).
      precompressed: true,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('/static/*', serveStatic({ root: webDist }));
  return app;
}
