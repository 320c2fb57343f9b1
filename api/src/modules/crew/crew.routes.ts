/**
 * The field crew API behind `/crew` (issue 4, part 7): today's work of the signed-in crew member,
 * and the three changes a phone makes in the field: a status move, a note, a photo.
 *
 * Phones work offline and replay queued changes when the signal returns, so every change carries
 * a client-generated operation id. The change and its ledger row (crew_ops) commit in one
 * transaction; a replay of an id already applied answers 200 with `replayed: true` and changes
 * nothing, however often it arrives.
 *
 * Conflicts: a status move names the status it was made from. If the work order is no longer in
 * that status (a dispatcher cancelled it while the crew was offline) the answer is 409
 * `version_conflict` with the current status and version, and nothing changes: the phone
 * refetches and shows what happened. Notes and photos only add, so they never conflict.
 */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { access, readFile } from 'node:fs/promises';
import type postgres from 'postgres';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../errors.ts';
import { parseId } from '../../http/request.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { canRead, canWrite, denied } from '../auth/authz.ts';
import { checkUpload, makeDerivatives, photoPaths, PHOTO_MAX_BYTES, writeFileDurably } from '../incidents/photos.ts';
import { addPhoto, setWorkOrderStatus, transitionRoles } from '../registries/registries.sql.ts';
import { followWorkOrder } from '../registries/report-follow-up.ts';
import { titleIn } from '../../../../lib/work-order-title.ts';
import { readerLocale } from '../../http/locale.ts';
import { z } from 'zod';
import {
  CrewChangeSchema,
  CrewNoteSchema,
  CrewOrderAnswerSchema,
  CrewTransitionSchema,
  OpId,
  PHOTO_PHASES,
  PhotoFileParamSchema,
  PhotoQuerySchema,
  TodaySchema,
} from '../../../../lib/crew.schema.ts';
import { IdParamSchema } from '../../../../lib/registries.schema.ts';
import {
  claimOp,
  countPhotos,
  findOp,
  getCrewOrder,
  insertNote,
  listTodayFor,
  OpMismatch,
  photoOwners,
  setOpResult,
  setPhotoThumb,
  transitionsFor,
  type CrewOrderRow,
} from './crew.sql.ts';

/** Who works from the phone view. Admin passes every role check anyway. */
const CREW_ROLES = ['crew', 'technician', 'dispatcher'] as const;
export const PHOTOS_PER_WORK_ORDER = 20;
const HASH_FILE = /^([0-9a-f]{64})\.jpg$/;

import { sha256Hex as hex } from '../../hash.ts';
const photoUrl = (sha: string) => `/api/crew/photos/${sha}.jpg`;

/** `locale`: the reader's Accept-Language; the phone also gets every generated title and picks its own. */
export function crewOrderJson(w: CrewOrderRow, locale: string | null) {
  return {
    id: w.id,
    kind: w.kind,
    title: titleIn({ title: w.title, titleI18n: w.title_i18n }, locale),
    titleI18n: w.title_i18n,
    description: w.description,
    status: w.status,
    version: w.version,
    priority: w.priority,
    address: w.address,
    asset:
      w.asset_id === null
        ? null
        : { id: w.asset_id, name: w.asset_name, layerId: w.asset_layer_id, layerName: { el: w.layer_name_el ?? '', en: w.layer_name_en ?? '' }, geometry: w.asset_geometry },
    location: { type: 'Point' as const, coordinates: [w.lon, w.lat] as [number, number] },
    plannedStart: w.planned_start,
    plannedEnd: w.planned_end,
    startedAt: w.started_at,
    finishedAt: w.finished_at,
    updatedAt: w.updated_at,
    notes: w.notes,
    /** Where to go: a geo: URI opens the phone's own maps / navigation app at the site. */
    navigateUri: `geo:${w.lat.toFixed(6)},${w.lon.toFixed(6)}?q=${w.lat.toFixed(6)},${w.lon.toFixed(6)}`,
    reports: w.reports.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      category: r.category,
      description: r.description,
      createdAt: r.createdAt,
      photos: r.photos.map((p) => ({ url: photoUrl(p.sha256), thumbUrl: photoUrl(p.thumbSha256) })),
    })),
    photos: w.photos.map((p) => ({ id: p.id, phase: p.phase, url: photoUrl(p.sha256), thumbUrl: photoUrl(p.thumbSha256 ?? p.sha256), addedAt: p.addedAt })),
  };
}

const ownedBy = (w: { department_id: string; crew: number[] }) => ({ departmentId: w.department_id, assignees: w.crew });

const opMismatch = () => unprocessable('op_id_reused', 'this operation id was already used for a different change');

const crewOnly = { tags: ['crew'], security: staffSession, middleware: [requireStaff(CREW_ROLES)] };
const changed = (description: string) => jsonResponse(CrewChangeSchema, description);
const REPLAYED = 'replayed: this operation id was applied before, nothing changed now';

const today = defineRoute({
  method: 'get',
  path: '/crew/today',
  summary:
    "The signed-in crew member's work for today (in the municipality's time zone): open work due today or earlier and work finished today, most urgent first, with asset geometry, address, priority, notes and photos; and the status moves their role may make",
  ...crewOnly,
  responses: { 200: jsonResponse(TodaySchema, "today's work"), ...errorResponses(401, 403) },
});

const getOrder = defineRoute({
  method: 'get',
  path: '/crew/work-orders/{id}',
  summary: 'One work order in the crew shape (any staff member who may read it)',
  tags: ['crew'],
  security: staffSession,
  middleware: [requireStaff()],
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(CrewOrderAnswerSchema, 'the work order'), ...errorResponses(400, 401, 404) },
});

const transition = defineRoute({
  method: 'post',
  path: '/crew/work-orders/{id}/transitions',
  summary:
    'Move a work order made offline: `from` is the status the crew member saw; if it is no longer that, 409 version_conflict with the current status and nothing changes',
  ...crewOnly,
  request: { params: IdParamSchema, body: jsonRequest(CrewTransitionSchema) },
  responses: { 200: changed(`moved, or ${REPLAYED}`), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
});

const note = defineRoute({
  method: 'post',
  path: '/crew/work-orders/{id}/notes',
  summary: 'Add a note to a work order (idempotent per opId)',
  ...crewOnly,
  request: { params: IdParamSchema, body: jsonRequest(CrewNoteSchema) },
  responses: { 200: changed(REPLAYED), 201: changed('added'), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
});

export function crewRoutes({ sql, config, boss }: AppDeps) {
  const app = createRouter();

  /** The work order for a change by the caller: 404 outside their read scope, 403 outside write. */
  async function writable(db: postgres.ISql, c: Context, id: number): Promise<CrewOrderRow> {
    const staff = c.get('staff');
    await db`select id from work_orders where id = ${id} for update`;
    const w = await getCrewOrder(db, id);
    if (!w) throw notFound(`no work order ${id}`);
    if (!canRead(staff, ownedBy(w))) throw denied('work_order', id, false);
    if (!canWrite(staff, ownedBy(w))) throw denied('work_order', id, true);
    return w;
  }

  async function answer<S extends 200 | 201>(c: Context, id: number, replayed: boolean, status: S) {
    const w = (await getCrewOrder(sql, id))!;
    return c.json({ workOrder: crewOrderJson(w, readerLocale(c)), replayed }, status);
  }

  app.openapi(today, async (c) => {
    const staff = c.get('staff');
    const [{ today, rows }, transitions] = await Promise.all([listTodayFor(sql, staff.id), transitionsFor(sql, staff.role)]);
    return c.json({
      date: today,
      user: { id: staff.id, name: staff.name, role: staff.role },
      transitions,
      workOrders: rows.map((w) => crewOrderJson(w, readerLocale(c))),
      fetchedAt: new Date().toISOString(),
    }, 200);
  });

  app.openapi(getOrder, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const w = await getCrewOrder(sql, id);
    if (!w) throw notFound(`no work order ${id}`);
    if (!canRead(staff, ownedBy(w))) throw denied('work_order', id, false);
    return c.json({ workOrder: crewOrderJson(w, readerLocale(c)) }, 200);
  });

  app.openapi(transition, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const body = c.req.valid('json');
    if (body.from === body.to) throw unprocessable('no_change', 'from and to are the same status');
    const replayed = await sql.begin(async (tx) => {
      const w = await writable(tx, c, id);
      // The ledger first: a replay of a move already made must not look like a conflict.
      let claim;
      try {
        claim = await claimOp(tx, { id: body.opId, userId: staff.id, workOrderId: id, kind: 'transition' });
      } catch (err) {
        if (err instanceof OpMismatch) throw opMismatch();
        throw err;
      }
      if (claim.replayed) return true;
      if (w.status !== body.from) {
        throw conflict('version_conflict', `the work order is ${w.status} now, not ${body.from}; it changed while you were away`, { status: w.status, version: w.version });
      }
      const roles = await transitionRoles(tx, w.status, body.to);
      if (!roles) throw new AppError(409, 'invalid_transition', `a work order cannot go from ${w.status} to ${body.to}`);
      if (staff.role !== 'admin' && !roles.includes(staff.role)) throw denied('work_order', id, true, `your role cannot move work from ${w.status} to ${body.to}`);
      await setWorkOrderStatus(tx, id, body.to, staff.id, null);
      const followUp = await followWorkOrder(tx, { c, boss, actorUserId: staff.id }, { workOrderId: id, from: w.status, to: body.to, publicNote: body.publicNote ?? null });
      await setOpResult(tx, body.opId, { from: w.status, to: body.to, reportsMoved: followUp.moved.length, readyToClose: followUp.readyToClose.length });
      // Same action as the registries' own transition route: one history whichever screen moved it.
      await recordAudit(tx, c, {
        action: 'work_order.transition',
        objectType: 'work_order',
        objectId: id,
        before: { status: w.status },
        after: { status: body.to, opId: body.opId },
      });
      return false;
    });
    return answer(c, id, replayed, 200);
  });

  app.openapi(note, async (c) => {
    const staff = c.get('staff');
    const id = Number(c.req.valid('param').id);
    const body = c.req.valid('json');
    const replayed = await sql.begin(async (tx) => {
      await writable(tx, c, id);
      let claim;
      try {
        claim = await claimOp(tx, { id: body.opId, userId: staff.id, workOrderId: id, kind: 'note' });
      } catch (err) {
        if (err instanceof OpMismatch) throw opMismatch();
        throw err;
      }
      if (claim.replayed) return true;
      const noteId = await insertNote(tx, id, body.body, staff.id);
      await setOpResult(tx, body.opId, { noteId });
      // The note's text stays in its table; the audit row says that one was added, by whom.
      await recordAudit(tx, c, { action: 'work_order.note_add', objectType: 'work_order', objectId: id, after: { noteId, opId: body.opId } });
      return false;
    });
    return answer(c, id, replayed, replayed ? 200 : 201);
  });

  /**
   * One photo per request as the raw image body (`Content-Type: image/jpeg|png|webp`), with the
   * operation id and phase in the query. The same checks as citizen photos (incidents/photos.ts),
   * then re-encoded here at once with the worker's own function: a crew member wants to see the
   * photo on the work order when the sync finishes, and crews send a few photos a day, not a flood.
   * Only the re-encoded derivative is stored and served (metadata such as GPS is dropped).
   * A raw-body upload: a plain handler, its contract declared here.
   */
  const image = { schema: z.string().meta({ format: 'binary' }) };
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/crew/work-orders/{id}/photos',
    summary: 'Add a photo (raw JPEG, PNG or WebP body, at most 10 MB): checked and re-encoded like citizen photos, metadata dropped; idempotent per opId and per picture',
    tags: ['crew'],
    security: staffSession,
    request: { params: IdParamSchema, query: PhotoQuerySchema, body: { required: true, content: { 'image/jpeg': image, 'image/png': image, 'image/webp': image } } },
    responses: { 200: changed(REPLAYED), 201: changed('added'), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  });
  app.post(
    '/crew/work-orders/:id/photos',
    bodyLimit({
      maxSize: PHOTO_MAX_BYTES,
      onError: (c) => c.json({ error: { code: 'payload_too_large', message: `a photo may be at most ${PHOTO_MAX_BYTES} bytes` } }, 413),
    }),
    requireStaff(CREW_ROLES),
    async (c) => {
      const staff = c.get('staff');
      const id = parseId(c.req.param('id'));
      const opParsed = OpId.safeParse(c.req.query('op'));
      if (!opParsed.success) throw badRequest('invalid_op', 'give the operation id as ?op=<uuid>');
      const opId = opParsed.data;
      const phase = c.req.query('phase') ?? 'after';
      if (!(PHOTO_PHASES as readonly string[]).includes(phase)) throw badRequest('invalid_parameter', 'phase must be before or after');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!type.startsWith('image/')) throw new AppError(415, 'unsupported_media_type', 'send the photo as the raw body with an image/* content type');

      // A replay needs no image work: answer from the ledger before touching the bytes.
      const prev = await findOp(sql, opId);
      if (prev) {
        if (prev.user_id !== staff.id || prev.work_order_id !== id || prev.kind !== 'photo') throw opMismatch();
        const w = await getCrewOrder(sql, id);
        if (!w || !canRead(staff, ownedBy(w))) throw notFound(`no work order ${id}`);
        return answer(c, id, true, 200);
      }
      // Scope before the (costly) decode, so a stranger's upload is refused cheaply.
      const current = await getCrewOrder(sql, id);
      if (!current) throw notFound(`no work order ${id}`);
      if (!canRead(staff, ownedBy(current))) throw denied('work_order', id, false);
      if (!canWrite(staff, ownedBy(current))) throw denied('work_order', id, true);

      const bytes = Buffer.from(await c.req.arrayBuffer());
      await checkUpload(bytes);
      let derived;
      try {
        derived = await makeDerivatives(bytes);
      } catch {
        throw unprocessable('corrupt_image', 'the image cannot be decoded');
      }
      const paths = photoPaths(config.dataDir);
      const imageSha = hex(derived.image);
      const thumbSha = hex(derived.thumb);
      // Content-addressed and durable before the row that points at them (docs/reliability.md F9).
      for (const [sha, data] of [[imageSha, derived.image], [thumbSha, derived.thumb]] as const) {
        const path = paths.derivative(sha);
        try {
          await access(path);
        } catch {
          await writeFileDurably(path, data);
        }
      }
      const replayed = await sql.begin(async (tx) => {
        await writable(tx, c, id);
        let claim;
        try {
          claim = await claimOp(tx, { id: opId, userId: staff.id, workOrderId: id, kind: 'photo' });
        } catch (err) {
          if (err instanceof OpMismatch) throw opMismatch();
          throw err;
        }
        if (claim.replayed) return true;
        if ((await countPhotos(tx, id)) >= PHOTOS_PER_WORK_ORDER) throw unprocessable('too_many_photos', `a work order may have at most ${PHOTOS_PER_WORK_ORDER} photos`);
        // The same picture sent twice under two ids is still one photo (unique per work order).
        const added = await addPhoto(tx, id, { phase, sha256: imageSha, caption: null, addedBy: staff.id });
        const photoId = await setPhotoThumb(tx, id, imageSha, thumbSha);
        await setOpResult(tx, opId, { photoId: photoId ?? null, sha256: imageSha, duplicate: !added });
        if (added) await recordAudit(tx, c, { action: 'work_order.photo_add', objectType: 'work_order', objectId: id, after: { phase, sha256: imageSha, opId } });
        return false;
      });
      return answer(c, id, replayed, replayed ? 200 : 201);
    },
  );

  /** Re-encoded photo files of work orders the caller may read; never an uploaded original. */
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/crew/photos/{file}',
    summary: 'A re-encoded work-order photo or its thumbnail (`<sha256>.jpg`), for staff who may read the work order',
    tags: ['crew'],
    security: staffSession,
    request: { params: PhotoFileParamSchema },
    responses: { 200: { description: 'the JPEG', content: { 'image/jpeg': image } }, ...errorResponses(401, 404) },
  });
  app.get('/crew/photos/:file', requireStaff(), async (c) => {
    const staff = c.get('staff');
    const m = HASH_FILE.exec(c.req.param('file'));
    if (!m) throw notFound();
    const owners = await photoOwners(sql, m[1]!);
    if (!owners.some((o) => canRead(staff, { departmentId: o.department_id, assignees: o.crew }))) throw notFound();
    let bytes: Buffer;
    try {
      bytes = await readFile(photoPaths(config.dataDir).derivative(m[1]!));
    } catch {
      throw notFound();
    }
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': 'image/jpeg',
      'Content-Disposition': `inline; filename="${m[1]}.jpg"`,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  return app;
}
