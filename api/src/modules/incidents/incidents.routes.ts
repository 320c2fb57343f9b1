/**
 * Citizen reporting API (mounted at /api): intake, the form's duplicate check, "me too", photo
 * upload, tracking by private link and by number, staff entry and the status lifecycle, and the public
 * map data (GeoJSON, clusters, SSE). Public responses come from the public_incidents view through
 * the allowlist serializer in incidents.public.ts; the private link may show the reporter's own data.
 */
import { readFile, unlink } from 'node:fs/promises';
import type { RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { parseBbox } from '../../../../lib/geo.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, notFound, unprocessable } from '../../errors.ts';
import { csrfGuard, optionalStaff, requireStaff, type Staff } from '../../middleware/auth.ts';
import { clientIp } from '../../http/client-ip.ts';
import { readJsonBody as readJson } from '../../http/request.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { deviceId, idempotencyKey, queryList, queryNumber, withRetryAfter } from './http.ts';
import { photoList, publicFeature, publicProperties, publicTimeline } from './incidents.public.ts';
import {
  IncidentCreateSchema,
  INCIDENT_STATUSES,
  OPEN_STATUSES,
  StatusChangeSchema,
  formatProtocolNumber,
  parseProtocolNumber,
  zodDetails,
} from '../../../../lib/incidents.schema.ts';
import {
  ClusterCollectionSchema,
  ClustersQuerySchema,
  CreatedReportSchema,
  DeviceHeaderSchema,
  IncidentCollectionSchema,
  IntakeHeadersSchema,
  NearbyQuerySchema,
  NearbyReportsSchema,
  NumberParamsSchema,
  NumberSegmentParamsSchema,
  PhotoFileParamsSchema,
  PhotoUploadAnswerSchema,
  PhotoUploadSchema,
  PublicIncidentsQuerySchema,
  PublicReportSchema,
  StatusChangeAnswerSchema,
  SupportAnswerSchema,
  TrackedReportSchema,
  TrackingTokenHeaderSchema,
  TrackParamsSchema,
  TrackPhotoParamsSchema,
} from '../../../../lib/public-incidents.schema.ts';
import {
  assertPointPlausible,
  createIncident,
  enforceRateLimits,
  writableIncident,
} from './incidents.service.ts';
import { changeIncident } from './changes.service.ts';
import { sha256 } from '../../hash.ts';
import { isPayloadTooLarge } from '../../http/body-limit.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import {
  addSupport,
  clusterPublicIncidents,
  findIncidentByTokenHash,
  findIncidentIdByNumber,
  findNearbyOpen,
  findPublicIncidentByNumber,
  findPublicIncidents,
  getCategory,
  listPhotos,
  listPublicEvents,
  findIncidentOwner,
} from './incidents.sql.ts';
import { canRead } from '../auth/authz.ts';
import { lastEventId, serveFeed } from '../../http/feed-hub.ts';
import { streamRegistry } from '../../http/streams.ts';
import { incidentStreamHub } from './incidents.stream.ts';
import { checkUpload, photoPaths, PHOTO_MAX_BYTES, PHOTO_MAX_PER_REPORT, writeFileDurably } from './photos.ts';

const NUMBER_PATH = '/incidents/:year{[0-9]{4}}/:seq{[0-9]{1,6}}';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const HASH_FILE = /^([0-9a-f]{64})\.jpg$/;
/** Public photos: five minutes in any cache, then revalidated, so hiding a report withdraws them. */
const PUBLIC_PHOTO_CACHE = 'public, max-age=300, must-revalidate';
const CATEGORY_ID = /^[a-z][a-z0-9_]{1,62}$/;

function numberParam(c: Context): string {
  const parsed = parseProtocolNumber(`${c.req.param('year')}/${c.req.param('seq')}`);
  if (!parsed) throw notFound();
  return formatProtocolNumber(...parsed);
}

async function incidentIdFromPath(c: Context, sql: AppDeps['sql']) {
  const parsed = parseProtocolNumber(`${c.req.param('year')}/${c.req.param('seq')}`);
  const row = parsed ? await findIncidentIdByNumber(sql, parsed[0], parsed[1]) : undefined;
  if (!row) throw notFound('no such report');
  return row;
}


const tags = ['incidents'];
type RequestParts = NonNullable<RouteConfig['request']>;
const jpeg = (description: string) => ({ description, content: { 'image/jpeg': { schema: z.string().meta({ format: 'binary' }) } } });
const publicReport = jsonResponse(PublicReportSchema, 'the public projection (a Feature) with its public timeline and ready photos');

/** Intake; `gate` checks the headers and a staff caller's origin before the body is read. */
const intakeRoute = (gate: MiddlewareHandler) =>
  defineRoute({
    method: 'post',
    path: '/incidents',
    summary: 'Submit a report',
    description:
      'JSON only (415 otherwise), body ≤ 1 MB (413). The point must be inside the municipality (422 out_of_bounds). The protocol number and the tracking token are issued in the same transaction as the insert; the report is linked to the nearest asset of its category within the category radius and named after the nearest street. Photos are uploaded afterwards, one per request, to photoUploadUrl. Rate limited per IP and per X-Device-Id (429 with Retry-After). A staff session cookie makes it a staff entry (channel phone/email/counter).',
    tags,
    middleware: [gate],
    request: { headers: IntakeHeadersSchema, body: jsonRequest(IncidentCreateSchema) },
    responses: {
      201: jsonResponse(CreatedReportSchema, 'created'),
      200: jsonResponse(CreatedReportSchema, 'idempotent replay: the first answer'),
      ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
    },
  });

/** A public read answering JSON: the shape of the citizen app's GETs. */
const publicGet = <P extends string, Q extends RequestParts, S extends z.ZodType, C extends number>(path: P, summary: string, request: Q, ok: [S, string], ...codes: C[]) =>
  defineRoute({ method: 'get', path, summary, tags, request, responses: { 200: jsonResponse(ok[0], ok[1]), ...errorResponses(...codes) } });

const nearby = publicGet(
  '/incidents/nearby',
  'Open public reports of a category near a point (the form offers "me too" instead of a duplicate)',
  { query: NearbyQuerySchema },
  [NearbyReportsSchema, 'the reports within the category’s duplicate radius and days, nearest first'],
  400,
  422,
);
const track = publicGet(
  '/track/{token}',
  "Private tracking link: the report with the reporter's own contact data, timeline and photos (Cache-Control: no-store)",
  { params: TrackParamsSchema },
  [TrackedReportSchema, 'the report'],
  404,
);
const mapData = publicGet(
  '/public/incidents',
  'Public map data: GeoJSON from the public projection (no personal field; sensitive categories at a ~200 m grid point)',
  { query: PublicIncidentsQuerySchema },
  [IncidentCollectionSchema, 'at most 5000 features, `truncated` when more match'],
  400,
);
const clusters = publicGet(
  '/public/incidents/clusters',
  'Server-side grid aggregation (64 px cells at the zoom) for any number of incidents',
  { query: ClustersQuerySchema },
  [ClusterCollectionSchema, 'one point per cell, with counts; single-report cells carry the number'],
  400,
);

/** Roles that change reports; admin always may. Department scope is checked per report. */
export const INCIDENT_WRITERS = ['dispatcher', 'technician'] as const;

export function incidentsRoutes(deps: AppDeps) {
  const { sql, config, boss, logger } = deps;
  const app = createRouter();
  const doc = app.openAPIRegistry;
  const photosBase = `${config.publicUrl}/api/photos`;
  const csrf = csrfGuard(deps);

  /**
   * A signed-in staff member entering a report (phone, counter, email): the session cookie, with
   * the same cross-origin check as every staff route. Citizens send no cookie and get null.
   */
  const intakeStaff = async (c: Context) => {
    const staff = await optionalStaff(c);
    if (staff) {
      await csrf(c, async () => {});
      c.header('Cache-Control', 'no-store');
    }
    return staff;
  };

  // ---- intake -------------------------------------------------------------------------------

  // The headers and a staff caller's origin are checked before the body, as they always were.
  const intakeGate: MiddlewareHandler = async (c, next) => {
    idempotencyKey(c);
    deviceId(c);
    await intakeStaff(c);
    await next();
  };
  app.openapi(intakeRoute(intakeGate), async (c) =>
    withRetryAfter(c, async () => {
      const key = idempotencyKey(c);
      const device = deviceId(c);
      // Set by intakeGate's optionalStaff for a signed-in caller only.
      const staff = (c.get('staff') as Staff | undefined) ?? null;
      const b = c.req.valid('json');
      const [lon, lat] = b.location.coordinates;
      const ip = clientIp(c);
      const result = await createIncident(sql, {
        categoryId: b.category,
        description: b.description,
        lon,
        lat,
        answers: b.answers,
        contact: b.contact,
        anonymous: b.anonymous,
        notify: b.notify,
        locale: b.locale,
        channel: b.channel,
        staff,
        idempotencyKey: key,
        idempotencyScope: staff ? `user:${staff.id}` : device ? `device:${device}` : `ip:${ip}`,
        boss,
        // Staff entry is not limited per desk IP: a counter enters many reports.
        rateHits: staff ? [] : [{ name: 'report_ip', key: `ip:${ip}` }, ...(device ? [{ name: 'report_device', key: `device:${device}` }] : [])],
      });
      c.header('Cache-Control', 'no-store');
      if (!result.created) c.header('Idempotent-Replayed', 'true');
      return c.json(
        {
          number: result.number,
          token: result.token,
          trackingUrl: `${config.publicUrl}/api/track/${result.token}`,
          publicId: result.publicId,
          status: result.status,
          category: result.category.id,
          department: result.category.department_id,
          asset: result.assetId == null ? null : { id: result.assetId, layer: result.assetLayerId, distanceM: result.assetDistanceM },
          address: result.address,
          possibleDuplicateOf: result.possibleDuplicateOf,
          awaitingModeration: result.needsModeration,
          photoUploadUrl: `${config.publicUrl}/api/incidents/${result.number}/photos`,
        },
        result.created ? 201 : 200,
      );
    }),
  );

  /** The form's "already reported?": open public reports of the category around the pin. */
  app.openapi(nearby, async (c) => {
    const lon = queryNumber(c, 'lon');
    const lat = queryNumber(c, 'lat');
    const categoryId = c.req.query('category') ?? '';
    if (!CATEGORY_ID.test(categoryId)) throw badRequest('invalid_parameter', 'category is required');
    await assertPointPlausible(sql, lon, lat);
    const category = await getCategory(sql, categoryId);
    if (!category) throw unprocessable('unknown_category', `no category ${categoryId}`);
    const rows = await findNearbyOpen(sql, { lon, lat, category, limit: 20 });
    return c.json(
      {
        radiusM: category.duplicate_radius_m,
        days: category.duplicate_days,
        incidents: rows.map((r) => ({ ...publicFeature(r), properties: { ...publicProperties(r), distanceM: r.distance_m } })),
      },
      200,
    );
  });

  // ---- public report page by number --------------------------------------------------------

  const publicByNumber = async (c: Context, number: string) => {
    const row = await findPublicIncidentByNumber(sql, number);
    // Held back, hidden or unknown: the same 404 (docs/reliability.md rule 2).
    if (!row) throw notFound('no such report');
    const [events, photos] = await Promise.all([listPublicEvents(sql, row.id), row.sensitive ? Promise.resolve([]) : listPhotos(sql, row.id)]);
    return c.json({ ...publicFeature(row), timeline: publicTimeline(events), ...photoList(photos, photosBase) });
  };
  doc.registerPath({ method: 'get', path: '/incidents/{year}/{seq}', summary: 'Public report page by protocol number: public projection, public timeline, ready photos (`/api/incidents/2026-001234` also works)', tags, request: { params: NumberParamsSchema }, responses: { 200: publicReport, ...errorResponses(404) } });
  app.get(NUMBER_PATH, (c) => publicByNumber(c, numberParam(c)));
  doc.registerPath({ method: 'get', path: '/incidents/{number}', summary: 'Public report page by protocol number written as one segment (`2026-001234`): the same answer as /api/incidents/{year}/{seq}', tags, request: { params: NumberSegmentParamsSchema }, responses: { 200: publicReport, ...errorResponses(404) } });
  app.get('/incidents/:num{[0-9]{4}-[0-9]{1,6}}', (c) => {
    const parsed = parseProtocolNumber(c.req.param('num'));
    if (!parsed) throw notFound();
    return publicByNumber(c, formatProtocolNumber(...parsed));
  });

  /** "Me too": one per device and per IP, kept only as HMACs; no personal data. */
  doc.registerPath({
    method: 'post',
    path: '/incidents/{year}/{seq}/support',
    summary: '"Me too": counted once per device and per IP (stored as HMACs only)',
    tags,
    request: { params: NumberParamsSchema, headers: DeviceHeaderSchema },
    responses: { 201: jsonResponse(SupportAnswerSchema, 'counted'), 200: jsonResponse(SupportAnswerSchema, 'already supported from this device or IP'), ...errorResponses(400, 404, 409, 429) },
  });
  app.post(`${NUMBER_PATH}/support`, async (c) =>
    withRetryAfter(c, async () => {
      const row = await findPublicIncidentByNumber(sql, numberParam(c));
      if (!row) throw notFound('no such report');
      if (!row.open) throw new AppError(409, 'report_closed', 'this report is no longer open');
      const ip = clientIp(c);
      const device = deviceId(c);
      const counted = await sql.begin(async (tx) => {
        await enforceRateLimits(tx, [{ name: 'support_ip', key: `ip:${ip}` }], 'supports');
        return addSupport(tx, row.id, [`ip:${ip}`, ...(device ? [`device:${device}`] : [])]);
      });
      const [fresh] = await sql<{ support_count: number }[]>`select support_count from incidents where id = ${row.id}`;
      return c.json({ number: row.number, counted, supportCount: fresh.support_count }, counted ? 201 : 200);
    }),
  );

  // ---- photos -------------------------------------------------------------------------------

  /**
   * One photo per request (multipart field `photo`), authorised by the report's private token in
   * `X-Tracking-Token` (a header, so the secret is not in any URL or access log). Answers 202: the
   * worker re-encodes it and the tracking page lists it when ready.
   */
  doc.registerPath({
    method: 'post',
    path: '/incidents/{year}/{seq}/photos',
    summary: 'Attach a photo (max 5 per report, 10 MB each; JPEG, PNG or WebP by content)',
    description:
      'multipart/form-data with one file in field `photo`. Answers 202 at once; the worker re-encodes (rotation applied, 2048 px, no metadata, thumbnail) and the tracking page lists it when ready. 415 for other types (HEIC: convert on the phone), 422 empty_photo / truncated_image / corrupt_image / too_many_pixels (> 40 MP) / too_many_photos, 413 over 10 MB, 429 per-IP daily quota.',
    tags,
    request: { params: NumberParamsSchema, headers: TrackingTokenHeaderSchema, body: { required: true, content: { 'multipart/form-data': { schema: PhotoUploadSchema } } } },
    responses: { 202: jsonResponse(PhotoUploadAnswerSchema, 'accepted, pending'), 200: jsonResponse(PhotoUploadAnswerSchema, 'the same photo was already attached'), ...errorResponses(400, 404, 413, 415, 422, 429) },
  });
  app.post(
    `${NUMBER_PATH}/photos`,
    bodyLimit({
      maxSize: PHOTO_MAX_BYTES + 256 * 1024,
      onError: (c) => c.json({ error: { code: 'payload_too_large', message: `a photo may be at most ${PHOTO_MAX_BYTES} bytes` } }, 413),
    }),
    async (c) =>
      withRetryAfter(c, async () => {
        const token = c.req.header('x-tracking-token') ?? '';
        const number = numberParam(c);
        const incident = TOKEN_PATTERN.test(token) ? await findIncidentByTokenHash(sql, sha256(token)) : undefined;
        if (!incident || incident.number !== number) throw notFound('no such report');
        if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) throw new AppError(415, 'unsupported_media_type', 'send multipart/form-data with a `photo` field');
        let form: Record<string, unknown>;
        try {
          form = await c.req.parseBody({ all: true });
        } catch (err) {
          if (isPayloadTooLarge(err)) throw err;
          throw badRequest('invalid_multipart', 'the multipart body cannot be read');
        }
        const field = form.photo;
        if (Array.isArray(field)) throw unprocessable('one_photo_per_request', 'send one photo per request');
        if (!(field instanceof File)) throw unprocessable('missing_photo', 'the `photo` field is missing');
        // The client's file name and type are ignored (docs/reliability.md P4/P5): content decides.
        const bytes = Buffer.from(await field.arrayBuffer());
        const checked = await checkUpload(bytes);
        const paths = photoPaths(config.dataDir);
        const incomingPath = paths.incoming(checked.sha256, incident.id);
        await writeFileDurably(incomingPath, bytes);
        let outcome: { id: number; status: string; duplicate: boolean };
        try {
          outcome = await sql.begin(async (tx) => {
            await enforceRateLimits(tx, [{ name: 'photo_ip', key: `ip:${clientIp(c)}` }], 'photos');
            await tx`select id from incidents where id = ${incident.id} for update`;
            const [same] = await tx<{ id: number; status: string }[]>`
              select id, status from attachments where incident_id = ${incident.id} and original_sha256 = ${checked.sha256}`;
            if (same) return { ...same, duplicate: true };
            const [{ n }] = await tx<{ n: number }[]>`
              select count(*)::int as n from attachments where incident_id = ${incident.id} and status <> 'rejected'`;
            if (n >= PHOTO_MAX_PER_REPORT) throw unprocessable('too_many_photos', `a report may have at most ${PHOTO_MAX_PER_REPORT} photos`);
            const [att] = await tx<{ id: number }[]>`
              insert into attachments (incident_id, original_sha256, original_bytes, original_format)
              values (${incident.id}, ${checked.sha256}, ${bytes.length}, ${checked.format})
              returning id`;
            await enqueueInTx(boss, tx, 'photo-process', { attachmentId: att.id }, stableUuid(`photo-process:${att.id}`));
            return { id: att.id, status: 'pending', duplicate: false };
          });
        } catch (err) {
          await unlink(incomingPath).catch(() => {});
          throw err;
        }
        // A re-upload of a photo already processed: its incoming copy is not needed.
        if (outcome.duplicate && outcome.status !== 'pending') await unlink(incomingPath).catch(() => {});
        c.header('Cache-Control', 'no-store');
        return c.json({ id: outcome.id, status: outcome.status, duplicate: outcome.duplicate, width: checked.width, height: checked.height }, outcome.duplicate ? 200 : 202);
      }),
  );

  /** Derivatives of photos of public, non-sensitive reports; never the uploaded bytes. */
  doc.registerPath({
    method: 'get',
    path: '/photos/{file}',
    summary: 'A re-encoded photo or thumbnail (`{sha256}.jpg`) of a public, non-sensitive report; never the uploaded bytes',
    tags,
    request: { params: PhotoFileParamsSchema },
    responses: { 200: jpeg('the photo; cached for minutes, then revalidated by ETag'), 304: { description: 'not modified' }, ...errorResponses(404) },
  });
  app.get('/photos/:file', async (c) => {
    const m = HASH_FILE.exec(c.req.param('file'));
    if (!m) throw notFound();
    const [row] = await sql<{ ok: number }[]>`
      select 1 as ok from attachments a join public_incidents p on p.id = a.incident_id
      where a.status = 'ready' and not p.sensitive and (a.sha256 = ${m[1]} or a.thumb_sha256 = ${m[1]})
      limit 1`;
    if (!row) throw notFound();
    // Not immutable: a report hidden later must be able to withdraw its photos, so shared caches
    // keep one for minutes and then revalidate (the hash is the ETag, a 304 costs one lookup).
    const etag = `"${m[1]}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag, 'Cache-Control': PUBLIC_PHOTO_CACHE });
    c.header('ETag', etag);
    return servePhoto(c, m[1], PUBLIC_PHOTO_CACHE);
  });

  async function servePhoto(c: Context, hash: string, cacheControl: string) {
    let bytes: Buffer;
    try {
      bytes = await readFile(photoPaths(config.dataDir).derivative(hash));
    } catch {
      throw notFound();
    }
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': 'image/jpeg',
      'Content-Disposition': `inline; filename="${hash}.jpg"`,
      'Cache-Control': cacheControl,
      'X-Content-Type-Options': 'nosniff',
    });
  }

  // ---- private tracking link -------------------------------------------------------------------

  app.openapi(track, async (c) => {
    const { token } = c.req.valid('param');
    const row = TOKEN_PATTERN.test(token) ? await findIncidentByTokenHash(sql, sha256(token)) : undefined;
    if (!row) throw notFound('no such report');
    const [events, photos, category] = await Promise.all([listPublicEvents(sql, row.id), listPhotos(sql, row.id), getCategory(sql, row.category_id)]);
    c.header('Cache-Control', 'no-store');
    return c.json({
      number: row.number,
      status: row.status,
      category: row.category_id,
      categoryName: category ? { el: category.name_el, en: category.name_en } : null,
      description: row.description,
      answers: row.answers,
      location: { type: 'Point', coordinates: [row.lon, row.lat] },
      address: row.address,
      asset: row.asset_id == null ? null : { id: row.asset_id, layer: row.asset_layer_id, distanceM: row.asset_distance_m },
      channel: row.channel,
      anonymous: row.anonymous,
      // The reporter's own data, shown only behind their private link.
      contact: { name: row.reporter_name, email: row.reporter_email, phone: row.reporter_phone },
      published: !row.needs_moderation && !row.hidden,
      supportCount: row.support_count,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      expectedAt: row.sla_due_at,
      timeline: publicTimeline(events),
      ...photoList(photos, `${config.publicUrl}/api/track/${token}/photos`),
      photoUploadUrl: `${config.publicUrl}/api/incidents/${row.number}/photos`,
    }, 200);
  });

  doc.registerPath({ method: 'get', path: '/track/{token}/photos/{file}', summary: 'A photo derivative of the tracked report (also before publication)', tags, request: { params: TrackPhotoParamsSchema }, responses: { 200: jpeg('the photo, not cached'), ...errorResponses(404) } });
  app.get('/track/:token/photos/:file', async (c) => {
    const token = c.req.param('token');
    const m = HASH_FILE.exec(c.req.param('file'));
    const row = m && TOKEN_PATTERN.test(token) ? await findIncidentByTokenHash(sql, sha256(token)) : undefined;
    if (!row || !m) throw notFound();
    const [ok] = await sql`select 1 from attachments where incident_id = ${row.id} and status = 'ready' and (sha256 = ${m[1]} or thumb_sha256 = ${m[1]})`;
    if (!ok) throw notFound();
    return servePhoto(c, m[1], 'private, no-store');
  });

  // ---- staff ------------------------------------------------------------------------------------
  // Signed-in staff only (requireStaff), within their department unless their role reaches
  // across (writableIncident); the change, its audit row and its email are changeIncident's.

  /**
   * Status change by protocol number (the lifecycle API; the control room uses the triage desk's
   * routes by id): a `duplicate` names its original by number. The rest is changeIncident's.
   */
  doc.registerPath({
    method: 'patch',
    path: '/incidents/{year}/{seq}/status',
    summary: 'Staff: change status (submitted → acknowledged → in_progress → resolved → closed, plus rejected, duplicate); writes a public timeline entry and enqueues the status email in the same transaction',
    description: "Dispatcher or technician of the report's department (admin, dispatcher: any).",
    tags: [...tags, 'staff'],
    security: staffSession,
    request: { params: NumberParamsSchema, body: jsonRequest(StatusChangeSchema) },
    responses: { 200: jsonResponse(StatusChangeAnswerSchema, 'changed'), ...errorResponses(401, 403, 404, 415, 422) },
  });
  app.patch(`${NUMBER_PATH}/status`, requireStaff(INCIDENT_WRITERS), async (c) => {
    const staff = c.get('staff');
    const parsed = StatusChangeSchema.safeParse(await readJson(c));
    if (!parsed.success) throw unprocessable('invalid_body', 'the status change is not valid', zodDetails(parsed.error));
    const { id } = await incidentIdFromPath(c, sql);
    const { status, note, duplicateOf } = parsed.data;
    let duplicateId: number | null = null;
    if (duplicateOf) {
      const [y, s] = parseProtocolNumber(duplicateOf) ?? [0, 0];
      const found = await findIncidentIdByNumber(sql, y, s);
      const original = found && (await findIncidentOwner(sql, found.id));
      // A report the caller may not read answers like one that does not exist (no probing).
      const visible = original && canRead(c.get('staff'), { departmentId: original.department_id, assignees: original.assigned_to === null ? [] : [original.assigned_to] });
      if (!original || !visible || original.id === id) throw unprocessable('invalid_duplicate_of', 'duplicateOf must be another report');
      duplicateId = original.id;
    }
    const result = await sql.begin(async (tx) => {
      const incident = await writableIncident(tx, c, id, { forUpdate: true });
      const r = await changeIncident(tx, { c, userId: staff.id, boss }, incident, { status: { status, note, duplicateOf: duplicateId } });
      return { from: incident.status, eventId: r.statusEventId };
    });
    logger.info('incident status', { incidentId: id, from: result.from, to: status, eventId: result.eventId, userId: staff.id });
    return c.json({ number: numberParam(c), status, previousStatus: result.from, eventId: result.eventId });
  });

  // ---- public map data -----------------------------------------------------------------------

  const statusFilter = (c: Context): { statuses?: string[] } => {
    const list = queryList(c, 'status', /^[a-z_]+$/);
    if (!list) return {};
    const out = new Set<string>();
    for (const s of list) {
      if (s === 'open') OPEN_STATUSES.forEach((x) => out.add(x));
      else if (s === 'closed') INCIDENT_STATUSES.filter((x) => !OPEN_STATUSES.includes(x)).forEach((x) => out.add(x));
      else if ((INCIDENT_STATUSES as readonly string[]).includes(s)) out.add(s);
      else throw badRequest('invalid_parameter', `unknown status ${s}`);
    }
    return { statuses: [...out] };
  };
  const bboxParam = (c: Context, fallback: string): [number, number, number, number] => {
    const parsed = parseBbox(c.req.query('bbox') ?? fallback);
    if ('error' in parsed) throw badRequest('invalid_bbox', parsed.error);
    return parsed.bbox;
  };

  /** GeoJSON of the public projection; at most MAX_PAGE_SIZE (5000) features, `truncated` when more. */
  app.openapi(mapData, async (c) => {
    const bbox = bboxParam(c, '-180,-90,180,90');
    const limitText = c.req.query('limit');
    const requested = limitText === undefined ? config.maxPageSize : Number(limitText);
    if (!Number.isInteger(requested) || requested < 1) throw badRequest('invalid_parameter', 'limit must be a positive integer');
    const limit = Math.min(requested, config.maxPageSize, 5000);
    const rows = await findPublicIncidents(sql, { bbox, categories: queryList(c, 'category', CATEGORY_ID), ...statusFilter(c), limit });
    const truncated = rows.length > limit;
    return c.json(
      {
        type: 'FeatureCollection' as const,
        features: rows.slice(0, limit).map(publicFeature),
        numberReturned: Math.min(rows.length, limit),
        truncated,
      },
      200,
    );
  });

  /** Grid aggregation for any zoom; cells of 64 px at that zoom. */
  app.openapi(clusters, async (c) => {
    const bbox = bboxParam(c, '-180,-85,180,85');
    const zoomText = c.req.query('zoom') ?? '';
    const zoom = /^\d{1,2}$/.test(zoomText) ? Number(zoomText) : NaN;
    if (!(zoom >= 0 && zoom <= 22)) throw badRequest('invalid_parameter', 'zoom must be an integer 0-22');
    // Web Mercator stops at ±85.05°.
    const clamped: [number, number, number, number] = [bbox[0], Math.max(bbox[1], -85), bbox[2], Math.min(bbox[3], 85)];
    const rows = await clusterPublicIncidents(sql, { bbox: clamped, zoom, categories: queryList(c, 'category', CATEGORY_ID), ...statusFilter(c) });
    const truncated = rows.length > 5000;
    return c.json(
      {
        type: 'FeatureCollection' as const,
        zoom,
        truncated,
        features: rows.slice(0, 5000).map((r) => ({
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] as [number, number] },
          properties: { count: r.count, openCount: r.open_count, number: r.number, category: r.category_id },
        })),
      },
      200,
    );
  });

  /** Server-sent events: `incident` events (a public Feature), id = feed id; resumable by Last-Event-ID. */
  doc.registerPath({
    method: 'get',
    path: '/public/incidents/stream',
    summary: 'Live updates (server-sent events, PostgreSQL LISTEN/NOTIFY): `event: incident` with a public Feature, `id` = feed id; send Last-Event-ID (or ?lastEventId) to get what was missed; `event: reset` means reload',
    tags,
    request: { headers: z.object({ 'last-event-id': z.string().optional().meta({ description: 'the last feed id received' }) }) },
    responses: { 200: { description: 'an endless event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses(400) },
  });
  app.get('/public/incidents/stream', async (c) => {
    const last = lastEventId(c);
    return serveFeed(c, incidentStreamHub(sql, logger), { event: 'incident', last, select: (e) => e.feature, registry: streamRegistry(sql, logger) });
  });

  return app;
}
