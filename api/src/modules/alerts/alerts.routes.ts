/**
 * Early-warning alerts. Staff (`/api/alerts`): hazard templates, draft, edit, submit, approve,
 * issue, Update / Cancel chains, CAP preview, delivery counts, import of other authorities' CAP.
 * Public (no personal data, no author, no note): `/api/public/alerts` (JSON for the map),
 * `/cap/alerts/{id}.xml` (CAP 1.2) and `/cap/alerts.atom` (index of current alerts). What the
 * public sees is decided by the database: issued, Actual, Public and unexpired by its clock (F10).
 */
import { getSettings, nameIn } from '../municipality/settings.sql.ts';
import { Hono, type Context } from 'hono';
import type { Position } from 'geojson';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, notFound, unprocessable } from '../../errors.ts';
import { readJson, requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { listAuditEvents } from '../audit/audit.sql.ts';
import { buildAtom, buildCapXml, CapInputError, parseCapDocument, type CapAlert } from './alerts.cap.ts';
import { AlertContentSchema, ApproveSchema } from './alerts.schema.ts';
import { approve, createDraft, issue, saveContent, startFollowUp, submit } from './alerts.service.ts';
import { deliveryCounts, getAlert, getAreas, getInfos, insertExternalAlert, listAlerts, referenceChain, type AlertRow, type AreaRow, type InfoRow } from './alerts.sql.ts';
import { HAZARD_TEMPLATES } from './alerts.templates.ts';

const OFFICERS = ['civil_protection'] as const;
const READERS = ['civil_protection', 'approver', 'dispatcher', 'viewer'] as const;
const ID = ':id{[0-9]{1,15}}';

function idParam(c: Context): number {
  return Number(c.req.param('id'));
}

/** Idempotency-Key header (a UUID) of create requests: a double click makes one alert (F12). */
function clientKey(c: Context): string | null {
  const k = c.req.header('idempotency-key');
  if (k === undefined) return null;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(k)) throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be a UUID');
  return k.toLowerCase();
}

function infoJson(i: InfoRow) {
  return {
    language: i.language,
    category: i.category,
    event: i.event,
    responseType: i.response_type,
    urgency: i.urgency,
    severity: i.severity,
    certainty: i.certainty,
    onset: i.onset,
    expires: i.expires,
    headline: i.headline,
    description: i.description,
    instruction: i.instruction,
    web: i.web,
  };
}

function areaJson(a: AreaRow) {
  return { areaDesc: a.area_desc, geometry: a.geometry, circles: a.circles, zoneId: a.zone_id, simplified: a.simplified, capPolygons: a.polygons?.coordinates.length ?? 0 };
}

/** Rows -> the CAP message: polygons as outer rings, the chain as <references>. */
export async function capMessage(deps: AppDeps, a: AlertRow, infos: InfoRow[], areas: AreaRow[]): Promise<CapAlert> {
  const chain = await referenceChain(deps.sql, a.id);
  const references = chain.filter((r) => r.sent).map((r) => `${r.sender},${r.identifier},${capSent(r.sent!)}`);
  return {
    identifier: a.identifier,
    sender: a.sender,
    sent: a.sent ?? new Date(),
    status: a.status,
    msgType: a.msg_type,
    scope: a.scope,
    note: a.note,
    references: references.length ? references.join(' ') : a.references_text,
    info: infos.map((i) => ({
      language: i.language,
      category: i.category,
      event: i.event,
      responseType: i.response_type,
      urgency: i.urgency,
      severity: i.severity,
      certainty: i.certainty,
      onset: i.onset,
      expires: i.expires,
      senderName: i.sender_name,
      headline: i.headline,
      description: i.description,
      instruction: i.instruction,
      web: i.web ?? `${deps.config.publicUrl}/?alert=${a.id}`,
      contact: i.contact,
    })),
    areas: areas.map((ar) => ({
      areaDesc: ar.area_desc,
      polygons: (ar.polygons?.coordinates ?? []).map((p) => p[0] as Position[]),
      circles: ar.circles,
      geocodes: ar.geocodes,
    })),
  };
}

const capSent = (d: Date) => `${d.toISOString().slice(0, 19)}+00:00`;

async function alertDetail(deps: AppDeps, id: number) {
  const a = await getAlert(deps.sql, id);
  if (!a) throw notFound('no such alert');
  const [infos, areas, chain, history, deliveries, followUps] = await Promise.all([
    getInfos(deps.sql, [id]),
    getAreas(deps.sql, [id]),
    referenceChain(deps.sql, id),
    listAuditEvents(deps.sql, { objectType: 'alert', objectId: String(id), limit: 100 }),
    deliveryCounts(deps.sql, id),
    deps.sql<{ id: number; msg_type: string; state: string }[]>`select id::int as id, msg_type, state from alerts where references_id = ${id} order by id`,
  ]);
  return {
    ...alertSummary(a),
    info: infos.map(infoJson),
    areas: areas.map(areaJson),
    references: chain.map((r) => ({ id: r.id, identifier: r.identifier, sent: r.sent })),
    followUps: followUps.map((f) => ({ id: f.id, msgType: f.msg_type, state: f.state })),
    history: history.map((h) => ({ at: h.at, action: h.action, actorUserId: h.actor_user_id, actorRole: h.actor_role, reason: h.reason })),
    deliveries,
  };
}

function alertSummary(a: AlertRow) {
  return {
    id: a.id,
    identifier: a.identifier,
    sender: a.sender,
    sent: a.sent,
    status: a.status,
    msgType: a.msg_type,
    scope: a.scope,
    note: a.note,
    state: a.state,
    origin: a.origin,
    template: a.template,
    referencesId: a.references_id,
    createdBy: a.created_by === null ? null : { id: a.created_by, name: a.created_by_name },
    approvedBy: a.approved_by === null ? null : { id: a.approved_by, name: a.approved_by_name },
    createdAt: a.created_at,
    approvedAt: a.approved_at,
    contentHash: a.content_hash,
    approvedHash: a.approved_hash,
    expired: a.expired,
  };
}

export function alertsRoutes(deps: AppDeps) {
  const app = new Hono();
  const { sql } = deps;

  app.get('/alerts/templates', requireStaff(READERS), (c) => c.json({ templates: HAZARD_TEMPLATES }));

  app.get('/alerts', requireStaff(READERS), async (c) => {
    const state = c.req.query('state');
    if (state !== undefined && !/^[a-z]{1,20}$/.test(state)) throw badRequest('invalid_parameter', 'state is malformed');
    const rows = await listAlerts(sql, { state });
    const infos = await getInfos(sql, rows.map((r) => r.id));
    return c.json({
      alerts: rows.map((r) => ({ ...alertSummary(r), headline: infos.find((i) => i.alert_id === r.id)?.headline ?? null, event: infos.find((i) => i.alert_id === r.id)?.event ?? null })),
    });
  });

  app.post('/alerts', requireStaff(OFFICERS), async (c) => {
    const key = clientKey(c);
    const body = await readJson(c, AlertContentSchema);
    const staff = c.get('staff');
    const r = await createDraft(deps, c, staff, body, { clientKey: key });
    return c.json(await alertDetail(deps, r.id), r.created ? 201 : 200);
  });

  app.get(`/alerts/${ID}`, requireStaff(READERS), async (c) => c.json(await alertDetail(deps, idParam(c))));

  app.put(`/alerts/${ID}`, requireStaff(OFFICERS), async (c) => {
    const body = await readJson(c, AlertContentSchema);
    await saveContent(deps, c, c.get('staff'), idParam(c), body);
    return c.json(await alertDetail(deps, idParam(c)));
  });

  app.post(`/alerts/${ID}/submit`, requireStaff(OFFICERS), async (c) => {
    await submit(deps, c, idParam(c));
    return c.json(await alertDetail(deps, idParam(c)));
  });

  app.post(`/alerts/${ID}/approve`, requireStaff(['approver']), async (c) => {
    const body = await readJson(c, ApproveSchema);
    await approve(deps, c, c.get('staff'), idParam(c), body.contentHash);
    return c.json(await alertDetail(deps, idParam(c)));
  });

  app.post(`/alerts/${ID}/issue`, requireStaff(OFFICERS), async (c) => {
    const r = await issue(deps, c, c.get('staff'), idParam(c));
    return c.json({ ...(await alertDetail(deps, idParam(c))), issuedNow: r.issued });
  });

  app.post(`/alerts/${ID}/update`, requireStaff(OFFICERS), async (c) => {
    const r = await startFollowUp(deps, c, c.get('staff'), idParam(c), 'Update', clientKey(c));
    return c.json(await alertDetail(deps, r.id), r.created ? 201 : 200);
  });

  app.post(`/alerts/${ID}/cancel`, requireStaff(OFFICERS), async (c) => {
    const r = await startFollowUp(deps, c, c.get('staff'), idParam(c), 'Cancel', clientKey(c));
    return c.json(await alertDetail(deps, r.id), r.created ? 201 : 200);
  });

  // The CAP text the approver reviews, for any state (staff only: drafts are not public).
  app.get(`/alerts/${ID}/cap.xml`, requireStaff(READERS), async (c) => {
    const a = await getAlert(sql, idParam(c));
    if (!a) throw notFound('no such alert');
    const xml = a.origin === 'external' ? await externalXml(deps, a.id) : buildCapXml(await capMessage(deps, a, await getInfos(sql, [a.id]), await getAreas(sql, [a.id])));
    return c.body(xml, 200, { 'Content-Type': 'application/cap+xml; charset=utf-8' });
  });

  app.get(`/alerts/${ID}/deliveries`, requireStaff(READERS), async (c) => {
    const id = idParam(c);
    if (!(await getAlert(sql, id))) throw notFound('no such alert');
    const channels = await deliveryCounts(sql, id);
    const [dead] = await sql<{ n: number }[]>`
      select count(*)::int as n from pgboss.job where name = 'alert-deliver-dead' and (data->>'alertId')::bigint = ${id}`.catch(() => [{ n: 0 }]);
    return c.json({ channels, deadLetterJobs: dead?.n ?? 0 });
  });

  // Other authorities' CAP (1.0, 1.1, 1.2) or an Atom/RSS index with embedded messages.
  app.post('/alerts/import', requireStaff(OFFICERS), async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!['application/xml', 'text/xml', 'application/cap+xml', 'application/atom+xml', 'application/rss+xml'].includes(type)) {
      throw new AppError(415, 'unsupported_media_type', 'send the CAP or Atom document as XML');
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    let parsed;
    try {
      parsed = parseCapDocument(bytes);
    } catch (err) {
      if (err instanceof CapInputError) {
        await recordAudit(sql, c, { action: 'alert.import.refused', objectType: 'alert', reason: `${err.code}: ${err.message}`.slice(0, 300) });
        throw unprocessable(err.code, err.message);
      }
      throw err;
    }
    const imported: { id: number; identifier: string; created: boolean }[] = [];
    const refused: { ref: string; code: string; reason: string }[] = [];
    for (const m of parsed.messages) {
      if (!m.ok) {
        refused.push({ ref: m.ref, code: m.code, reason: m.reason });
        continue;
      }
      const r = await sql.begin(async (t) => {
        const tx = t as unknown as AppDeps['sql'];
        const x = await insertExternalAlert(tx, m.alert, m.xml);
        if (x.created) await recordAudit(tx, c, { action: 'alert.import', objectType: 'alert', objectId: x.id, after: { sender: m.alert.sender, identifier: m.alert.identifier, version: m.version } });
        return x;
      });
      imported.push({ id: r.id, identifier: m.alert.identifier, created: r.created });
    }
    if (imported.length === 0) return c.json({ error: { code: 'nothing_imported', message: 'no message could be imported', details: refused } }, 422);
    return c.json({ kind: parsed.kind, imported, refused });
  });

  // Public: the active alerts for the map and the banner. No author, approver, note or delivery.
  app.get('/public/alerts', async (c) => {
    const rows = await sql<{ id: number; identifier: string; sent: Date | null; status: string; msg_type: string; origin: string; template: string | null }[]>`
      select id::int as id, identifier, sent, status, msg_type, origin, template from public_alerts order by sent desc nulls last, id desc limit 100`;
    const ids = rows.map((r) => r.id);
    const [infos, areas] = await Promise.all([getInfos(sql, ids), getAreas(sql, ids)]);
    c.header('Cache-Control', 'public, max-age=15');
    return c.json({
      alerts: rows.map((r) => ({
        id: r.id,
        identifier: r.identifier,
        sent: r.sent,
        status: r.status,
        msgType: r.msg_type,
        origin: r.origin,
        template: r.template,
        info: infos.filter((i) => i.alert_id === r.id).map(infoJson),
        areas: areas.filter((a) => a.alert_id === r.id && a.geometry).map((a) => ({ areaDesc: a.area_desc, geometry: a.geometry })),
      })),
    });
  });

  return app;
}

async function externalXml(deps: AppDeps, id: number): Promise<string> {
  const [r] = await deps.sql<{ cap_xml: string | null }[]>`select cap_xml from alerts where id = ${id}`;
  return r?.cap_xml ?? '';
}

/** Public CAP: each issued Actual message of ours, and the Atom index of the current ones. */
export function capRoutes(deps: AppDeps) {
  const app = new Hono();
  const { sql } = deps;

  app.get('/alerts.atom', async (c) => {
    const rows = await sql<{ id: number; identifier: string; sent: Date; status: string; msg_type: string; headline: string | null; event: string; description: string | null }[]>`
      select a.id::int as id, a.identifier, a.sent, a.status, a.msg_type, i.headline, i.event, i.description
      from alerts a
      join lateral (select headline, event, description from alert_info where alert_id = a.id order by language desc, id limit 1) i on true
      where a.origin = 'local' and a.state = 'issued' and a.status = 'Actual' and a.scope = 'Public'
        and not exists (select 1 from alert_info x where x.alert_id = a.id and x.expires <= now())
      order by a.sent desc, a.id desc limit 200`;
    const base = deps.config.publicUrl;
    const settings = await getSettings(sql);
    const xml = buildAtom({
      id: `${base}/cap/alerts.atom`,
      title: `${nameIn(settings, 'el')} - Πολιτική Προστασία / ${nameIn(settings, 'en')} - Civil Protection`,
      selfUrl: `${base}/cap/alerts.atom`,
      updated: rows[0]?.sent ?? new Date(0),
      entries: rows.map((r) => ({
        id: `${base}/cap/alerts/${r.id}.xml`,
        title: r.headline ?? r.event,
        updated: r.sent,
        summary: r.description,
        capUrl: `${base}/cap/alerts/${r.id}.xml`,
        status: r.status,
        msgType: r.msg_type,
      })),
    });
    return c.body(xml, 200, { 'Content-Type': 'application/atom+xml; charset=utf-8', 'Cache-Control': 'public, max-age=15' });
  });

  app.get('/alerts/:file{[0-9]{1,15}\\.xml}', async (c) => {
    const id = Number(c.req.param('file').replace('.xml', ''));
    const a = await getAlert(sql, id);
    // Issued messages stay readable after they are updated, cancelled or expired (others' systems
    // resolve <references>); drafts, Test and Exercise messages are never public.
    if (!a || a.origin !== 'local' || a.sent === null || a.status !== 'Actual' || a.scope !== 'Public') throw notFound('no such alert');
    const xml = buildCapXml(await capMessage(deps, a, await getInfos(sql, [id]), await getAreas(sql, [id])));
    return c.body(xml, 200, { 'Content-Type': 'application/cap+xml; charset=utf-8', 'Cache-Control': 'public, max-age=60' });
  });

  return app;
}
