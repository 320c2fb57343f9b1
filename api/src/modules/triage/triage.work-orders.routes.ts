/**
 * Work orders from the triage desk (mounted at /api): the reports must be writable by the
 * caller; the rest (kind, asset, department, crew, generated title, starting the reports) is the
 * registries' work-order service, the same one the registries screen uses.
 */
import { TriageWorkOrderCreatedSchema, TriageWorkOrderSchema, WRITERS } from '../../../../lib/triage.schema.ts';
import { titleIn } from '../../../../lib/work-order-title.ts';
import type { AppDeps } from '../../deps.ts';
import { unprocessable } from '../../errors.ts';
import { readerLocale } from '../../http/locale.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { writableIncident } from '../incidents/incidents.service.ts';
import type { IncidentOwnerRow } from '../incidents/incidents.sql.ts';
import { createWorkOrder } from '../registries/work-orders.service.ts';

const workOrder = defineRoute({
  method: 'post',
  path: '/triage/work-orders',
  summary:
    'Open a repair work order from one or more reports: the first report with an asset lends it, its kind and its point; with startIncidents the open reports move to in_progress',
  tags: ['triage'],
  security: staffSession,
  middleware: [requireStaff(WRITERS)],
  request: { body: jsonRequest(TriageWorkOrderSchema) },
  responses: { 201: jsonResponse(TriageWorkOrderCreatedSchema, 'the work order, linked to the reports'), ...errorResponses(400, 401, 403, 404, 422) },
});

export function triageWorkOrderRoutes(deps: AppDeps) {
  const { sql, boss } = deps;
  const app = createRouter();

  /**
   * A repair work order from one or more reports: the first report with an asset lends it, its
   * kind and its point; every report gets a timeline row, and with startIncidents the open ones
   * move to in_progress with a public note.
   */
  app.openapi(workOrder, async (c) => {
    const body = c.req.valid('json');
    if (body.plannedStart && body.plannedEnd && body.plannedEnd < body.plannedStart) throw unprocessable('invalid_body', 'plannedEnd is before plannedStart');
    const w = await sql.begin(async (tx) => {
      // Locked in id order (as a bulk action locks), linked in the order given.
      const locked = new Map<number, IncidentOwnerRow>();
      for (const id of [...body.incidentIds].sort((a, b) => a - b)) locked.set(id, await writableIncident(tx, c, id, { forUpdate: true }));
      const { incidentIds, ...input } = body;
      return createWorkOrder(tx, { c, staff: c.get('staff'), boss }, input, incidentIds.map((id) => locked.get(id)!));
    });
    const title = titleIn({ title: w.title, titleI18n: w.title_i18n }, readerLocale(c));
    return c.json({ workOrder: { id: w.id, kind: w.kind, title, titleI18n: w.title_i18n, status: w.status, department: w.department_id, asset: w.asset_id, incidentIds: w.incident_ids, crew: w.crew } }, 201);
  });

  return app;
}
