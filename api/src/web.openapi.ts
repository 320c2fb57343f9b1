import type { PathsObject } from './openapi.ts';
import { body, errors } from './openapi-parts.ts';

/**
 * The pages and unhashed PWA files of the built web app (web.routes.ts). They are documented so
 * that every route the app answers is in the document; the hashed bundles under /assets and
 * /static are not (their names change with every build).
 */
const tags = ['web'];
const html = (summary: string) => ({ get: { summary, tags, responses: { 200: body('HTML page (revalidated on every load)', 'text/html', { type: 'string' }), 503: body('the web app is not built yet', 'text/plain', { type: 'string' }) } } });
const file = (summary: string, type: string) => ({ get: { summary, tags, responses: { 200: body(summary, type, { type: 'string', format: 'binary' }), ...errors(404) } } });

export const webOpenApi: PathsObject = {
  '/': html('The citizen map: report a problem, follow reports, outages and alerts'),
  '/control': html('The control room (staff sign-in)'),
  '/crew': html('The crew app for field work, installable and usable offline'),
  '/crew-sw.js': file('The crew app service worker (one URL across releases so its registration survives)', 'text/javascript'),
  '/crew.webmanifest': file('The crew app manifest', 'application/manifest+json'),
  '/crew-icon-192.png': file('Crew app icon, 192 px', 'image/png'),
  '/crew-icon-512.png': file('Crew app icon, 512 px', 'image/png'),
};
