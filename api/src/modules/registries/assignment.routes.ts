/**
 * Assignment (staff): who can be sent and how much open work they already carry, and which
 * registry a work order opened from reports belongs in, with the reason the dialog shows.
 *
 *   GET /api/registries/crews?department=   people (crew, technicians) and each department's load
 *   GET /api/registries/assignment/derive?incidentIds=1,2   { kind, reason, departmentId }
 *
 * Names of staff are staff-only; neither route is public. A technician sees their own
 * department's people only (the same scope as their work orders).
 */
import { CrewListSchema, CrewsQuerySchema, DeriveQuerySchema, DerivedKindSchema } from '../../../../lib/registries.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { deriveKind, departmentLoad, listCrewMembers } from './assignment.sql.ts';

const PLANNERS = ['dispatcher', 'technician'] as const;

function idList(text: string | undefined): number[] {
  if (!text) throw badRequest('invalid_parameter', 'give incidentIds as a comma-separated list of ids');
  const parts = text.split(',');
  if (parts.length > 50 || parts.some((p) => !/^\d{1,15}$/.test(p) || Number(p) < 1)) throw badRequest('invalid_parameter', 'incidentIds must be up to 50 positive integers');
  return parts.map(Number);
}

const planning = { tags: ['registries'], security: staffSession, middleware: [requireStaff(PLANNERS)] };

const crews = defineRoute({
  method: 'get',
  path: '/registries/crews',
  summary: 'Crew members who can be sent to work, with their open and in-progress work orders, and the load per department (dispatcher, technician: own department only, admin)',
  ...planning,
  request: { query: CrewsQuerySchema },
  responses: { 200: jsonResponse(CrewListSchema, 'people and the load per department'), ...errorResponses(400, 401, 403) },
});

const derive = defineRoute({
  method: 'get',
  path: '/registries/assignment/derive',
  summary: 'The registry kind a work order for these reports would have, derived from their assets and categories',
  ...planning,
  request: { query: DeriveQuerySchema },
  responses: { 200: jsonResponse(DerivedKindSchema, 'the derived kind and what it came from'), ...errorResponses(400, 401, 403) },
});

export function assignmentRoutes({ sql }: AppDeps) {
  const app = createRouter();

  app.openapi(crews, async (c) => {
    const staff = c.get('staff');
    const asked = c.req.valid('query').department;
    if (asked !== undefined && asked !== '' && !/^[a-z][a-z0-9_]{1,62}$/.test(asked)) throw badRequest('invalid_parameter', 'department is malformed');
    // Technicians plan their own department's work only.
    const department = staff.role === 'technician' ? staff.departmentId : asked || null;
    if (staff.role === 'technician' && !department) return c.json({ members: [], departments: [] }, 200);
    const [members, load] = await Promise.all([listCrewMembers(sql, department), departmentLoad(sql)]);
    const byDept = new Map<string, { departmentId: string; members: number; openWorkOrders: number; unassigned: number }>();
    for (const l of load) if (!department || l.department_id === department) byDept.set(l.department_id, { departmentId: l.department_id, members: 0, openWorkOrders: l.open_work_orders, unassigned: l.unassigned });
    for (const m of members) {
      if (!m.department_id) continue;
      const d = byDept.get(m.department_id) ?? { departmentId: m.department_id, members: 0, openWorkOrders: 0, unassigned: 0 };
      d.members++;
      byDept.set(m.department_id, d);
    }
    return c.json({
      members: members.map((m) => ({ id: m.id, name: m.name, role: m.role, departmentId: m.department_id, openWorkOrders: m.open_work_orders, inProgress: m.in_progress })),
      departments: [...byDept.values()].sort((a, b) => a.departmentId.localeCompare(b.departmentId)),
    }, 200);
  });

  app.openapi(derive, async (c) => {
    const ids = idList(c.req.valid('query').incidentIds);
    return c.json(await deriveKind(sql, ids), 200);
  });

  return app;
}
