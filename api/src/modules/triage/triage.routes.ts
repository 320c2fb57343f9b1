/**
 * Staff triage desk and the control room's incident data, mounted at /api: one sub-app per role.
 *
 *   triage.read.routes.ts         reference data, the queue, the detail panel, photos (read side)
 *   triage.map.routes.ts          map snapshot, SSE stream of changes, staff MVT tiles
 *   triage.changes.routes.ts      single, status, bulk, merge, notes, moderation → changeIncident
 *   triage.work-orders.routes.ts  work orders from reports → the registries' createWorkOrder
 *
 * Authorization: requireStaff on every route; reads are filtered by the caller's RowScope in SQL
 * (a report outside it is a 404, audited), changes need write scope on the report (403 when it is
 * readable but not writable). Every change writes its audit row in the same transaction.
 */
import type { AppDeps } from '../../deps.ts';
import { createRouter } from '../../http/router.ts';
import { triageChangeRoutes } from './triage.changes.routes.ts';
import { triageMapRoutes } from './triage.map.routes.ts';
import { triageReadRoutes } from './triage.read.routes.ts';
import { triageWorkOrderRoutes } from './triage.work-orders.routes.ts';

export { staffTilesRoutes } from './triage.map.routes.ts';

export function triageRoutes(deps: AppDeps) {
  return createRouter().route('/', triageReadRoutes(deps)).route('/', triageMapRoutes(deps)).route('/', triageChangeRoutes(deps)).route('/', triageWorkOrderRoutes(deps));
}
