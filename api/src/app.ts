/**
 * The app factory: createApp(deps) builds the whole HTTP surface (API, tiles, open data and the
 * built web app) on one hono instance. Tests call it with a per-file database.
 */
import { createRouter } from './http/router.ts';
import { buildOpenApi } from './openapi.ts';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { toHttpError } from './errors.ts';
import { clientAddress } from './http/client-ip.ts';
import { bodyLimits } from './http/body-limit.ts';
import { heavyGetLimit } from './http/rate-limit.ts';
import { AccessDenied } from './modules/auth/authz.ts';
import { recordAudit } from './modules/audit/audit.ts';
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
import { triageColumnsRoutes } from './modules/triage/triage-columns.routes.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { crewRoutes } from './modules/crew/crew.routes.ts';
import { networksRoutes, publicOutagesRoutes } from './modules/networks/networks.routes.ts';
import { riskZonesRoutes } from './modules/risk-zones/risk-zones.routes.ts';
import { alertsRoutes, capRoutes } from './modules/alerts/alerts.routes.ts';
import { subscriptionsRoutes } from './modules/alerts/subscriptions.routes.ts';
import { reportSubscriptionsRoutes } from './modules/incidents/subscriptions.routes.ts';
import { assignmentRoutes } from './modules/registries/assignment.routes.ts';
import { jobsRoutes } from './modules/jobs/jobs.routes.ts';
import { layerPublicationRoutes } from './modules/layers/publication.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { basemapRoutes } from './modules/basemap/basemap.routes.ts';
import { compressResponses } from './middleware/compression.ts';
import { apiDocsRoutes } from './modules/api-docs/api-docs.routes.ts';

/**
 * Paths that carry a secret (the private tracking token of a report) are logged with the secret
 * replaced, so logs never hold a key to someone's report (docs/reliability.md Z11).
 */
export function loggablePath(path: string): string {
  return path.replace(/^\/api\/track\/[^/]+/, '/api/track/:token');
}

export type AppEnv = { Variables: { requestId: string } };

export function createApp(deps: AppDeps) {
  // The root router merges every module's declared routes, for the generated /openapi.json.
  const app = createRouter<AppEnv>();
  let document: ReturnType<typeof buildOpenApi> | undefined;
  const openApi = () => (document ??= buildOpenApi(app, deps.config.publicUrl));
  const { logger } = deps;

  app.use(requestId());
  app.use(clientAddress(deps.config.trustProxy));
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
  // Every route has a body cap (1 MiB unless http/body-limit.ts lists a route's own), checked
  // before any handler reads a byte.
  app.use(bodyLimits());
  // Per-client budgets for the public reads that cost most (http/rate-limit.ts).
  app.use(heavyGetLimit());

  app.onError(async (err, c) => {
    // Refusals are audited here, after the handler's transaction is gone (auth/authz.ts).
    if (err instanceof AccessDenied) await recordAudit(deps.sql, c, err.audit).catch((e) => logger.error('audit failed', { reqId: c.get('requestId'), error: String(e?.message ?? e).slice(0, 200) }));
    const e = toHttpError(err);
    // A 503 is temporary (database restarting, lock or pool wait): tell clients when to retry.
    if (e.status === 503) c.header('Retry-After', '2');
    if (e.status >= 500) logger.error('unhandled', { reqId: c.get('requestId'), path: loggablePath(c.req.path), error: String((err as Error)?.message ?? err).slice(0, 300) });
    return c.json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }, e.status);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'not found' } }, 404));

  app.use('/api/*', compressResponses());
  app.use('/tiles/*', compressResponses());
  // Staff sessions: requireStaff() on a route reads the deps set here (no I/O per request).
  app.use(authContext(deps));
  app.route('/api', authRoutes(deps));
  app.route('/api', auditRoutes(deps));
  app.route('/api', assignmentRoutes(deps));
  app.route('/api', registriesRoutes(deps));
  app.route('/api', triageRoutes(deps));
  app.route('/api', triageColumnsRoutes(deps));
  app.route('/api', statsRoutes(deps));
  app.route('/tiles/staff', staffTilesRoutes(deps));
  app.route('/api', crewRoutes(deps));
  app.route('/api', networksRoutes(deps));
  app.route('/api', publicOutagesRoutes(deps));
  app.route('/api', riskZonesRoutes(deps));
  app.route('/api', alertsRoutes(deps));
  app.route('/cap', capRoutes(deps));
  app.route('/api', subscriptionsRoutes(deps));
  app.route('/api', reportSubscriptionsRoutes(deps));
  app.route('/api', jobsRoutes(deps));
  app.route('/api', layerPublicationRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', openapiRoutes(openApi));
  app.route('/', apiDocsRoutes(openApi));
  // Public read paths that tolerate replica lag read from DATABASE_READ_URL when it is set.
  const readDeps: AppDeps = { ...deps, sql: deps.readSql ?? deps.sql };
  app.route('/api', layersRoutes(readDeps));
  app.route('/api', importsRoutes(deps));
  app.route('/api', adminRoutes(deps));
  app.route('/api', siteRoutes(deps));
  app.route('/api', categoriesRoutes(deps));
  app.route('/api', searchRoutes(deps));
  app.route('/', basemapRoutes(deps));
  app.route('/api', incidentsRoutes(deps));
  app.route('/open311/v2', open311Routes(deps));
  app.route('/tiles', tilesRoutes(deps));
  app.route('/ogc', openDataRoutes(readDeps));
  app.route('/', webRoutes(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
