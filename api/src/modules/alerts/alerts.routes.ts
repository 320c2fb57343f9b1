/**
 * Early-warning alerts. Staff (`/api/alerts`): hazard templates, draft, edit, submit, approve,
 * issue, Update / Cancel chains, CAP preview, delivery counts, import of other authorities' CAP.
 * Public (no personal data, no author, no note): `/api/public/alerts` (JSON for the map),
 * `/cap/alerts/{id}.xml` (CAP 1.2) and `/cap/alerts.atom` (index of current alerts). What the
 * public sees is decided by the database: issued, Actual, Public and unexpired by its clock (F10).
 */
import { getSettings, nameIn } from '../municipality/settings.sql.ts';
import type { Position } from 'geojson';
import type { AreaGeometry } from '../../../../lib/area.ts';
import { z } from 'zod';
import {
  AlertContentSchema,
  AlertDetailSchema,
  AlertListSchema,
  AlertsQuerySchema,
  ApproveSchema,
  DeliveriesSchema,
  IdempotencyHeadersSchema,
  ImportResultSchema,
  IssuedAlertSchema,
  PublicAlertsSchema,
  TemplatesResponseSchema,
} from '../../../../lib/alerts.schema.ts';
import { IdParamsSchema } from '../../../../lib/risk-zones.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, notFound, unprocessable } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, rejectInvalid, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { listAuditEvents } from '../audit/audit.sql.ts';
import { buildAtom, buildCapXml, CapInputError, parseCapDocument, type CapAlert } from './alerts.cap.ts';
import { approve, createDraft, issue, saveContent, startFollowUp, submit } from './alerts.service.ts';
import { deliveryCounts, getAlert, getAreas, getInfos, insertExternalAlert, listAlerts, referenceChain, type AlertRow, type AreaRow, type InfoRow } from './alerts.sql.ts';
import { HAZARD_TEMPLATES } from './alerts.templates.ts';

const OFFICERS = ['civil_protection'] as const;
const READERS = ['civil_protection', 'approver', 'dispatcher', 'viewer'] as const;
const tags = ['alerts'];
/** Writers are civil-protection officers (and admins); readers also approvers, dispatchers and viewers. */
const write = { tags, security: staffSession, middleware: [requireStaff(OFFICERS)] };
const read = { tags, security: staffSession, middleware: [requireStaff(READERS)] };
const capXml = { description: 'CAP 1.2 alert message', content: { 'application/cap+xml': { schema: z.string() } } };
const detail = jsonResponse(AlertDetailSchema, 'the alert: CAP header, state, info blocks, areas, reference chain, follow-ups, audit history and delivery counts');
const moved = { 200: detail, ...errorResponses(400, 401, 403, 404, 409, 422) };
/** A create answers 201, or 200 with what the same Idempotency-Key made before. */
const made = <C extends number>(earlier: string, ...errors: C[]) => ({ 201: detail, 200: jsonResponse(AlertDetailSchema, earlier), ...errorResponses(...errors) });

/** Idempotency-Key (a UUID) of create requests: a double click makes one alert (F12). */
const keyHook = (r: Parameters<typeof rejectInvalid>[0]): undefined => {
  if (!r.success && r.target === 'header') throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be a UUID');
  rejectInvalid(r);
  return undefined;
};
const clientKey = (h: { 'Idempotency-Key'?: string }) => h['Idempotency-Key']?.toLowerCase() ?? null;

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

const templates = defineRoute({ method: 'get', path: '/alerts/templates', summary: 'Hazard templates that prefill a CAP alert (event, category, urgency, severity, bilingual texts)', ...read, responses: { 200: jsonResponse(TemplatesResponseSchema, '{ templates }'), ...errorResponses(401, 403) } });
const list = defineRoute({
  method: 'get',
  path: '/alerts',
  summary: 'Alerts, newest first, with their headline and event, optionally in one workflow state',
  ...read,
  request: { query: AlertsQuerySchema },
  responses: { 200: jsonResponse(AlertListSchema, '{ alerts }'), ...errorResponses(400, 401, 403) },
});
const create = defineRoute({
  method: 'post',
  path: '/alerts',
  summary: 'Draft a new alert (civil protection)',
  ...write,
  request: { headers: IdempotencyHeadersSchema, body: jsonRequest(AlertContentSchema) },
  responses: made('the alert made earlier with the same Idempotency-Key', 400, 401, 403, 413, 415, 422),
});
const one = defineRoute({ method: 'get', path: '/alerts/{id}', summary: 'One alert in full', ...read, request: { params: IdParamsSchema }, responses: { 200: detail, ...errorResponses(400, 401, 403, 404) } });
const save = defineRoute({
  method: 'put',
  path: '/alerts/{id}',
  summary: 'Replace the content of a draft, submitted or approved alert (an edit voids the approval); 409 not_editable once issued',
  ...write,
  request: { params: IdParamsSchema, body: jsonRequest(AlertContentSchema) },
  responses: moved,
});
const submitRoute = defineRoute({ method: 'post', path: '/alerts/{id}/submit', summary: 'Submit a draft for approval (409 unless it is a draft)', ...write, request: { params: IdParamsSchema }, responses: moved });
const approveRoute = defineRoute({
  method: 'post',
  path: '/alerts/{id}/approve',
  summary: 'Approve the exact content reviewed (an approver other than the author, else 403 same_person): contentHash must match the current content, else 409 content_changed',
  tags,
  security: staffSession,
  middleware: [requireStaff(['approver'])],
  request: { params: IdParamsSchema, body: jsonRequest(ApproveSchema) },
  responses: moved,
});
const issueRoute = defineRoute({
  method: 'post',
  path: '/alerts/{id}/issue',
  summary: 'Issue an approved alert: it becomes public and is delivered to the subscribers of its areas; repeating it changes nothing (issuedNow false)',
  ...write,
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(IssuedAlertSchema, 'the alert with issuedNow'), ...errorResponses(400, 401, 403, 404, 409, 422) },
});
const followUp = (msgType: 'Update' | 'Cancel') =>
  defineRoute({
    method: 'post',
    path: `/alerts/{id}/${msgType.toLowerCase()}`,
    summary: `Start a CAP ${msgType} of an issued alert: a new draft referencing it`,
    ...write,
    request: { params: IdParamsSchema, headers: IdempotencyHeadersSchema },
    responses: made('the follow-up made earlier with the same Idempotency-Key', 400, 401, 403, 404, 409, 422),
  });
const deliveries = defineRoute({
  method: 'get',
  path: '/alerts/{id}/deliveries',
  summary: 'Delivery counts per channel and dead-lettered delivery jobs',
  ...read,
  request: { params: IdParamsSchema },
  responses: { 200: jsonResponse(DeliveriesSchema, '{ channels, deadLetterJobs }'), ...errorResponses(400, 401, 403, 404) },
});
const CAP_TYPES = ['application/cap+xml', 'application/xml', 'text/xml', 'application/atom+xml', 'application/rss+xml'];
const importRoute = defineRoute({
  method: 'post',
  path: '/alerts/import',
  summary: "Import other authorities' alerts: one CAP 1.0/1.1/1.2 message, or an Atom or RSS index with embedded messages; each message is imported or refused with a reason",
  ...write,
  request: { body: { required: true, content: Object.fromEntries(CAP_TYPES.map((t) => [t, { schema: z.string() }])) } },
  responses: { 200: jsonResponse(ImportResultSchema, '{ kind, imported, refused }'), ...errorResponses(400, 401, 403, 413, 415, 422) },
});
const publicAlerts = defineRoute({
  method: 'get',
  path: '/public/alerts',
  summary: 'Current public alerts for the map and the banner: issued, Actual, Public and unexpired; no author, note or delivery data (at most 100, cached 15 s)',
  tags,
  responses: { 200: jsonResponse(PublicAlertsSchema, '{ alerts }') },
});

export function alertsRoutes(deps: AppDeps) {
  const app = createRouter();
  const { sql } = deps;
  const id = (c: { req: { valid(t: 'param'): { id: number } } }) => c.req.valid('param').id;

  app.openapi(templates, (c) => c.json({ templates: [...HAZARD_TEMPLATES] }, 200));

  app.openapi(
    list,
    async (c) => {
      const rows = await listAlerts(sql, { state: c.req.valid('query').state });
      const infos = await getInfos(sql, rows.map((r) => r.id));
      const first = (id: number) => infos.find((i) => i.alert_id === id);
      return c.json({ alerts: rows.map((r) => ({ ...alertSummary(r), headline: first(r.id)?.headline ?? null, event: first(r.id)?.event ?? null })) }, 200);
    },
    (r) => {
      if (!r.success) throw badRequest('invalid_parameter', 'state is malformed');
    },
  );

  app.openapi(
    create,
    async (c) => {
      const r = await createDraft(deps, c, c.get('staff'), c.req.valid('json'), { clientKey: clientKey(c.req.valid('header')) });
      const body = await alertDetail(deps, r.id);
      return r.created ? c.json(body, 201) : c.json(body, 200);
    },
    keyHook,
  );

  app.openapi(one, async (c) => c.json(await alertDetail(deps, id(c)), 200));

  app.openapi(save, async (c) => {
    await saveContent(deps, c, c.get('staff'), id(c), c.req.valid('json'));
    return c.json(await alertDetail(deps, id(c)), 200);
  });

  app.openapi(submitRoute, async (c) => {
    await submit(deps, c, id(c));
    return c.json(await alertDetail(deps, id(c)), 200);
  });

  app.openapi(approveRoute, async (c) => {
    await approve(deps, c, c.get('staff'), id(c), c.req.valid('json').contentHash);
    return c.json(await alertDetail(deps, id(c)), 200);
  });

  app.openapi(issueRoute, async (c) => {
    const r = await issue(deps, c, c.get('staff'), id(c));
    return c.json({ ...(await alertDetail(deps, id(c))), issuedNow: r.issued }, 200);
  });

  for (const msgType of ['Update', 'Cancel'] as const) {
    app.openapi(
      followUp(msgType),
      async (c) => {
        const r = await startFollowUp(deps, c, c.get('staff'), id(c), msgType, clientKey(c.req.valid('header')));
        const body = await alertDetail(deps, r.id);
        return r.created ? c.json(body, 201) : c.json(body, 200);
      },
      keyHook,
    );
  }

  // The CAP text the approver reviews, for any state (staff only: drafts are not public).
  app.get('/alerts/:id{[0-9]{1,15}}/cap.xml', requireStaff(READERS), async (c) => {
    const a = await getAlert(sql, Number(c.req.param('id')));
    if (!a) throw notFound('no such alert');
    const xml = a.origin === 'external' ? await externalXml(deps, a.id) : buildCapXml(await capMessage(deps, a, await getInfos(sql, [a.id]), await getAreas(sql, [a.id])));
    return c.body(xml, 200, { 'Content-Type': 'application/cap+xml; charset=utf-8' });
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/alerts/{id}/cap.xml',
    summary: 'The CAP 1.2 text of an alert in any state, as the approver reviews it (imported alerts: the document received)',
    tags,
    security: staffSession,
    request: { params: IdParamsSchema },
    responses: { 200: capXml, ...errorResponses(401, 403, 404) },
  });

  app.openapi(deliveries, async (c) => {
    if (!(await getAlert(sql, id(c)))) throw notFound('no such alert');
    const channels = await deliveryCounts(sql, id(c));
    const [dead] = await sql<{ n: number }[]>`
      select count(*)::int as n from pgboss.job where name = 'alert-deliver-dead' and (data->>'alertId')::bigint = ${id(c)}`.catch(() => [{ n: 0 }]);
    return c.json({ channels, deadLetterJobs: dead?.n ?? 0 }, 200);
  });

  // Other authorities' CAP (1.0, 1.1, 1.2) or an Atom/RSS index with embedded messages.
  app.openapi(importRoute, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!CAP_TYPES.includes(type)) throw new AppError(415, 'unsupported_media_type', 'send the CAP or Atom document as XML');
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
    if (imported.length === 0) throw unprocessable('nothing_imported', 'no message could be imported', refused);
    return c.json({ kind: parsed.kind, imported, refused }, 200);
  });

  // Public: the active alerts for the map and the banner. No author, approver, note or delivery.
  app.openapi(publicAlerts, async (c) => {
    const rows = await sql<{ id: number; identifier: string; sent: Date | null; status: string; msg_type: string; origin: string; template: string | null }[]>`
      select id::int as id, identifier, sent, status, msg_type, origin, template from public_alerts order by sent desc nulls last, id desc limit 100`;
    const ids = rows.map((r) => r.id);
    const [infos, areas] = await Promise.all([getInfos(sql, ids), getAreas(sql, ids)]);
    c.header('Cache-Control', 'public, max-age=15');
    return c.json(
      {
        alerts: rows.map((r) => ({
          id: r.id,
          identifier: r.identifier,
          sent: r.sent,
          status: r.status,
          msgType: r.msg_type,
          origin: r.origin,
          template: r.template,
          info: infos.filter((i) => i.alert_id === r.id).map(infoJson),
          areas: areas.filter((a): a is AreaRow & { geometry: AreaGeometry } => a.alert_id === r.id && a.geometry !== null).map((a) => ({ areaDesc: a.area_desc, geometry: a.geometry })),
        })),
      },
      200,
    );
  });

  return app;
}

async function externalXml(deps: AppDeps, id: number): Promise<string> {
  const [r] = await deps.sql<{ cap_xml: string | null }[]>`select cap_xml from alerts where id = ${id}`;
  return r?.cap_xml ?? '';
}

/** Public CAP: each issued Actual message of ours, and the Atom index of the current ones. */
export function capRoutes(deps: AppDeps) {
  const app = createRouter();
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
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/alerts.atom',
    summary: 'Atom index of the current public CAP alerts of the municipality (cached 15 s)',
    tags,
    responses: { 200: { description: 'Atom feed', content: { 'application/atom+xml': { schema: z.string() } } } },
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
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/alerts/{id}.xml',
    summary: 'One issued public CAP 1.2 message; stays readable after it is updated, cancelled or expired so that <references> resolve',
    tags,
    request: { params: IdParamsSchema },
    responses: { 200: capXml, ...errorResponses(404) },
  });

  return app;
}
