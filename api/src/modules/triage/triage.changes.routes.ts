/**
 * The triage desk's changes (mounted at /api): one report, a status move, a bulk action, merge,
 * notes and public updates, moderation. Each route checks write scope (writableIncident: 404
 * outside read scope, 403 when readable but not writable, both audited) and hands the change to
 * changeIncident (incidents/changes.service.ts), the one place that writes, audits and emails.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import {
  BulkResultSchema,
  BulkSchema,
  ChangedSchema,
  IncidentIdParamsSchema,
  MergedSchema,
  MergeSchema,
  ModeratedSchema,
  ModerationSchema,
  NoteAddedSchema,
  NoteSchema,
  PatchIncidentSchema,
  StatusMoveSchema,
  WRITERS,
} from '../../../../lib/triage.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { changeIncident, type ChangeActor, type IncidentChange } from '../incidents/changes.service.ts';
import { writableIncident } from '../incidents/incidents.service.ts';
import type { IncidentOwnerRow } from '../incidents/incidents.sql.ts';
import { queueItem } from './triage.json.ts';
import { getStaffIncident } from './triage.sql.ts';

const writer = { tags: ['triage'], security: staffSession, middleware: [requireStaff(WRITERS)] };
const refused = errorResponses(400, 401, 403, 404, 422);

/** A change of one report (`{id}`) by a writer: its JSON body in, `answer` out with 200. */
function oneReport<B extends z.ZodType, A extends z.ZodType>(method: 'patch' | 'post', path: string, summary: string, body: B, answer: A, description: string) {
  return defineRoute({
    method,
    path,
    summary,
    ...writer,
    request: { params: IncidentIdParamsSchema, body: jsonRequest(body) },
    responses: { 200: jsonResponse(answer, description), ...refused },
  });
}

const patch = oneReport(
  'patch',
  '/triage/incidents/{id}',
  'Change priority, department, assignee, category and/or move the status, in one transaction (dispatcher, technician, admin)',
  PatchIncidentSchema,
  ChangedSchema,
  'the report after the change',
);
const status = oneReport(
  'post',
  '/triage/incidents/{id}/status',
  'Move the status with a public note; a rejection must carry the reason the citizen reads',
  StatusMoveSchema,
  ChangedSchema,
  'the report after the move',
);
const moderation = oneReport(
  'post',
  '/triage/incidents/{id}/moderation',
  'Publish or hide a report and/or edit its public description (the original stays in the audit log)',
  ModerationSchema,
  ModeratedSchema,
  'the report after moderation',
);
const merge = oneReport(
  'post',
  '/triage/incidents/{id}/merge',
  'Merge this report into a master report as its duplicate: supporters and subscribers carry over, the citizen is told',
  MergeSchema,
  MergedSchema,
  'the duplicate and its master',
);

const notes = defineRoute({
  method: 'post',
  path: '/triage/incidents/{id}/notes',
  summary: 'An internal note (never public) or a public update (timeline and email to the subscribers)',
  ...writer,
  request: { params: IncidentIdParamsSchema, body: jsonRequest(NoteSchema) },
  responses: { 201: jsonResponse(NoteAddedSchema, 'the note is on the timeline'), ...refused },
});

const bulk = defineRoute({
  method: 'post',
  path: '/triage/incidents/bulk',
  summary: 'One change over up to 500 reports in one transaction: every report must be writable and every status move allowed, else nothing changes',
  ...writer,
  request: { body: jsonRequest(BulkSchema) },
  responses: { 200: jsonResponse(BulkResultSchema, 'every report changed'), ...refused },
});

export function triageChangeRoutes(deps: AppDeps) {
  const { sql, boss, logger } = deps;
  const app = createRouter();
  const actor = (c: Context): ChangeActor => ({ c, userId: c.get('staff').id, boss });

  /** One locked, writable report changed in one transaction; answers with its fresh queue row. */
  const changeOne = async (c: Context, id: number, change: (inc: IncidentOwnerRow) => IncidentChange) => {
    const result = await sql.begin(async (tx) => {
      const inc = await writableIncident(tx, c, id, { forUpdate: true });
      return changeIncident(tx, actor(c), inc, change(inc));
    });
    const row = await getStaffIncident(sql, { all: true }, id);
    return { incident: queueItem(row!), result };
  };

  /** One report: priority, department, assignee, category and/or a status move. */
  app.openapi(patch, async (c) => {
    const changes = c.req.valid('json');
    const { incident, result } = await changeOne(c, c.req.valid('param').id, () => changes);
    return c.json({ incident, statusEventId: result.statusEventId }, 200);
  });

  /** A status move with its public note (a rejection must carry the reason the citizen reads). */
  app.openapi(status, async (c) => {
    const move = c.req.valid('json');
    const { incident, result } = await changeOne(c, c.req.valid('param').id, () => ({ status: move }));
    return c.json({ incident, statusEventId: result.statusEventId }, 200);
  });

  /** Moderation: publish or hide, and/or edit the public description; the original is kept in the audit row. */
  app.openapi(moderation, async (c) => {
    const body = c.req.valid('json');
    const { incident } = await changeOne(c, c.req.valid('param').id, () => ({ moderation: body }));
    return c.json({ incident }, 200);
  });

  /** Internal note (never public) or public update (timeline + email to the report's subscribers). */
  app.openapi(notes, async (c) => {
    const body = c.req.valid('json');
    const { id } = c.req.valid('param');
    const result = await sql.begin(async (tx) => changeIncident(tx, actor(c), await writableIncident(tx, c, id, { forUpdate: true }), { note: body }));
    return c.json({ eventId: result.noteEventId, public: body.public }, 201);
  });

  /**
   * Bulk action over up to 500 reports in one transaction: rows locked in id order (no deadlock
   * with a concurrent bulk), every report must be writable and every status move allowed, else
   * nothing changes and the answer names the first report that failed.
   */
  app.openapi(bulk, async (c) => {
    const body = c.req.valid('json');
    const ids = [...body.ids].sort((a, b) => a - b);
    const statusEvents = await sql.begin(async (tx) => {
      await tx`select id from incidents where id = any(${ids}::bigint[]) order by id for update`;
      // Every report is checked before anything changes: a refusal is audited outside this
      // transaction, which must not yet hold the audit chain's lock (it would wait on itself).
      const incidents: IncidentOwnerRow[] = [];
      for (const id of ids) incidents.push(await writableIncident(tx, c, id));
      let events = 0;
      for (const inc of incidents) if ((await changeIncident(tx, actor(c), inc, body.set)).statusEventId !== null) events++;
      return events;
    });
    logger.info('triage bulk', { userId: c.get('staff').id, count: ids.length, statusEvents });
    return c.json({ updated: ids.length, ids }, 200);
  });

  /** Merge a duplicate into a master (incident_merge in 0030 carries supporters and subscribers). */
  app.openapi(merge, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const out = await sql.begin(async (tx) => {
      // Lock in id order, like incident_merge does, so crossing merges cannot deadlock.
      const [first, second] = id < body.into ? [id, body.into] : [body.into, id];
      const a = await writableIncident(tx, c, first, { forUpdate: true });
      const b = first === second ? a : await writableIncident(tx, c, second, { forUpdate: true });
      const [dup, master] = a.id === id ? [a, b] : [b, a];
      const r = await changeIncident(tx, actor(c), dup, { merge: { master, note: body.note ?? null } });
      return { master, dup, eventId: r.statusEventId };
    });
    const [m] = await sql<{ support_count: number }[]>`select support_count from incidents where id = ${out.master.id}`;
    return c.json({ duplicate: { id: out.dup.id, number: out.dup.number, status: 'duplicate' }, master: { id: out.master.id, number: out.master.number, supportCount: m!.support_count }, eventId: out.eventId }, 200);
  });

  return app;
}
