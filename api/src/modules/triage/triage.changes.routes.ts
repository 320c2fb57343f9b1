/**
 * The triage desk's changes (mounted at /api): one report, a status move, a bulk action, merge,
 * notes and public updates, moderation. Each route checks write scope (writableIncident: 404
 * outside read scope, 403 when readable but not writable, both audited) and hands the change to
 * changeIncident (incidents/changes.service.ts), the one place that writes, audits and emails.
 */
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { parseId } from '../../http/request.ts';
import { readJson, requireStaff } from '../../middleware/auth.ts';
import { changeIncident, type ChangeActor, type IncidentChange } from '../incidents/changes.service.ts';
import { writableIncident } from '../incidents/incidents.service.ts';
import type { IncidentOwnerRow } from '../incidents/incidents.sql.ts';
import { queueItem } from './triage.json.ts';
import { BulkSchema, MergeSchema, ModerationSchema, NoteSchema, PatchIncidentSchema, StatusMoveSchema, WRITERS } from './triage.schema.ts';
import { getStaffIncident } from './triage.sql.ts';

export function triageChangeRoutes(deps: AppDeps) {
  const { sql, boss, logger } = deps;
  const app = new Hono();
  const actor = (c: Context): ChangeActor => ({ c, userId: c.get('staff').id, boss });

  /** One locked, writable report changed in one transaction; answers with its fresh queue row. */
  const changeOne = async (c: Context, change: (inc: IncidentOwnerRow) => IncidentChange) => {
    const id = parseId(c.req.param('id'));
    const result = await sql.begin(async (tx) => {
      const inc = await writableIncident(tx, c, id, { forUpdate: true });
      return changeIncident(tx, actor(c), inc, change(inc));
    });
    const row = await getStaffIncident(sql, { all: true }, id);
    return { incident: queueItem(row!), result };
  };

  /** One report: priority, department, assignee, category and/or a status move. */
  app.patch('/triage/incidents/:id', requireStaff(WRITERS), async (c) => {
    const changes = await readJson(c, PatchIncidentSchema);
    const { incident, result } = await changeOne(c, () => changes);
    return c.json({ incident, statusEventId: result.statusEventId });
  });

  /** A status move with its public note (a rejection must carry the reason the citizen reads). */
  app.post('/triage/incidents/:id/status', requireStaff(WRITERS), async (c) => {
    const move = await readJson(c, StatusMoveSchema);
    const { incident, result } = await changeOne(c, () => ({ status: move }));
    return c.json({ incident, statusEventId: result.statusEventId });
  });

  /** Moderation: publish or hide, and/or edit the public description; the original is kept in the audit row. */
  app.post('/triage/incidents/:id/moderation', requireStaff(WRITERS), async (c) => {
    const moderation = await readJson(c, ModerationSchema);
    const { incident } = await changeOne(c, () => ({ moderation }));
    return c.json({ incident });
  });

  /** Internal note (never public) or public update (timeline + email to the report's subscribers). */
  app.post('/triage/incidents/:id/notes', requireStaff(WRITERS), async (c) => {
    const body = await readJson(c, NoteSchema);
    const id = parseId(c.req.param('id'));
    const result = await sql.begin(async (tx) => changeIncident(tx, actor(c), await writableIncident(tx, c, id, { forUpdate: true }), { note: body }));
    return c.json({ eventId: result.noteEventId, public: body.public }, 201);
  });

  /**
   * Bulk action over up to 500 reports in one transaction: rows locked in id order (no deadlock
   * with a concurrent bulk), every report must be writable and every status move allowed, else
   * nothing changes and the answer names the first report that failed.
   */
  app.post('/triage/incidents/bulk', requireStaff(WRITERS), async (c) => {
    const body = await readJson(c, BulkSchema);
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
    return c.json({ updated: ids.length, ids });
  });

  /** Merge a duplicate into a master (incident_merge in 0030 carries supporters and subscribers). */
  app.post('/triage/incidents/:id/merge', requireStaff(WRITERS), async (c) => {
    const id = parseId(c.req.param('id'));
    const body = await readJson(c, MergeSchema);
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
    return c.json({ duplicate: { id: out.dup.id, number: out.dup.number, status: 'duplicate' }, master: { id: out.master.id, number: out.master.number, supportCount: m!.support_count }, eventId: out.eventId });
  });

  return app;
}
