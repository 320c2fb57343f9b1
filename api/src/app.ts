/**
 * The app factory: createApp(deps) builds the whole HTTP surface (API, tiles, open data and the
 * built web app) on one hono instance. Tests call it with a per-file database.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { toHttpError } from './errors.ts';
import type { AppDeps } from './deps.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { openapiRoutes } from './modules/health/openapi.routes.ts';
import { layersRoutes } from './modules/layers/layers.routes.ts';
import { tilesRoutes } from './modules/tiles/tiles.routes.ts';
import { openDataRoutes } from './modules/open-data/open-data.routes.ts';
import { importsRoutes } from './modules/imports/imports.routes.ts';
import { siteRoutes } from './modules/site/site.routes.ts';
import { incidentsRoutes } from './modules/incidents/incidents.routes.ts';
import { categoriesRoutes } from './modules/categories/categories.routes.ts';
import { open311Routes } from './modules/open311/open311.routes.ts';
import { webRoutes } from './web.routes.ts';
import { adminRoutes } from './modules/admin/admin.routes.ts';
import { authContext } from './middleware/auth.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { registriesRoutes } from './modules/registries/registries.routes.ts';
import { staffTilesRoutes, triageRoutes } from './modules/triage/triage.routes.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { crewRoutes } from './modules/crew/crew.routes.ts';

/**
 * Paths that carry a secret (the private tracking token of a report) are logged with the secret
 * replaced, so logs never hold a key to someone's report (RELIABILITY.md Z11).
 */
export function loggablePath(path: string): string {
  return path.replace(/^\/api\/track\/[^/]+/, '/api/track/:token');
}

export type AppEnv = { Variables: { requestId: string } };

/** Default JSON body cap; upload routes set their own larger limit. */
const JSON_BODY_LIMIT = 1024 * 1024;

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { logger } = deps;

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Path without query string: queries may carry search text; ids and timing only.
    logger.info('request', {
      reqId: c.get('requestId'),
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...(deps.config.basemapStyleUrl ? [new URL(deps.config.basemapStyleUrl).origin] : [])],
        frameAncestors: ["'none'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('/api/*', async (c, next) => {
    if (c.req.path.startsWith('/api/imports')) return next();
    // Report photos carry their own 10 MB limit (incidents.routes.ts).
    if (/^\/api\/incidents\/\d{4}\/\d{1,6}\/photos$/.test(c.req.path)) return next();
    // Crew work-order photos likewise (crew.routes.ts).
    if (/^\/api\/crew\/work-orders\/\d{1,15}\/photos$/.test(c.req.path)) return next();
    return bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: (cc) => cc.json({ error: { code: 'payload_too_large', message: `body over ${JSON_BODY_LIMIT} bytes` } }, 413) })(c, next);
  });

  app.onError((err, c) => {
    const e = toHttpError(err);
    if (e.status >= 500) logger.error('unhandled', { reqId: c.get('requestId'), path: loggablePath(c.req.path), error: String((err as Error)?.message ?? err).slice(0, 300) });
    return c.json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }, e.status);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'not found' } }, 404));

  // Staff sessions: requireStaff() on a route reads the deps set here (no I/O per request).
  app.use(authContext(deps));
  app.route('/api', authRoutes(deps));
  app.route('/api', auditRoutes(deps));
  app.route('/api', registriesRoutes(deps));
  app.route('/api', triageRoutes(deps));
  app.route('/api', statsRoutes(deps));
  app.route('/tiles/staff', staffTilesRoutes(deps));
  app.route('/api', crewRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', openapiRoutes(deps));
  app.route('/api', layersRoutes(deps));
  app.route('/api', importsRoutes(deps));
  app.route('/api', adminRoutes(deps));
  app.route('/api', siteRoutes(deps));
  app.route('/api', categoriesRoutes(deps));
  app.route('/api', incidentsRoutes(deps));
  app.route('/open311/v2', open311Routes(deps));
  app.route('/tiles', tilesRoutes(deps));
  app.route('/ogc', openDataRoutes(deps));
  app.route('/', webRoutes(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
