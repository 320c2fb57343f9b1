/**
 * Layer imports over HTTP: an admin uploads a vector file (multipart: FlatGeobuf, GeoJSON,
 * GeoPackage, zipped Shapefile, KML/KMZ, GML, DXF, CSV), recognised here once by its bytes and
 * stored under DATA_DIR/imports/<sha256>.<ext> and a `layer-import` job is enqueued in the
 * same transaction as its layer_imports row, so a row never waits for a job that was not sent.
 * The control room polls GET /api/imports/:id for progress and the rejection report.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'hono';
import { z } from 'zod';
import { ImportFormSchema, ImportListQuerySchema, ImportListSchema, ImportSchema, ImportUploadSchema } from '../../../../lib/imports.schema.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse, staffSession } from '../../http/router.ts';
import { multipartBoundary, readMultipart } from '../../http/multipart.ts';
import { enqueueInTx } from '../../jobs.ts';
import { requireStaff } from '../../middleware/auth.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, badRequest, notFound, unprocessable } from '../../errors.ts';
import { getLayer } from '../layers/layers.sql.ts';
import { getImport, insertImport, isCurrentImport, listImports, requeueImport, type ImportFormat, type ImportRow } from '../../../../gis-data/src/import/imports.sql.ts';
import { FORMAT_EXTENSION, isNativeFormat } from '../../../../gis-data/src/import/formats.ts';
import { GdalError, resolveSourceLayer } from '../../../../gis-data/src/import/gdal.ts';
import { sniffFile } from '../../../../gis-data/src/import/sniff.ts';

const LAYER_ID = /^[a-z][a-z0-9_]{1,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LAYER_GROUPS = ['network', 'building', 'space', 'boundary', 'risk', 'reference'];
const ATTRIBUTE_NAME = /^[^\u0000-\u001f]{1,200}$/;

/** The public shape of an import (no file path: that is server-internal). */
export function importJson(r: ImportRow) {
  return {
    id: r.id,
    layer: r.layer_id,
    fileName: r.file_name,
    sha256: r.file_sha256,
    format: r.file_format,
    status: r.status,
    sourceSrid: r.source_srid,
    progress: { read: r.features_read, total: r.features_total },
    loaded: r.features_loaded,
    rejected: r.features_rejected,
    repaired: r.features_repaired,
    rejectionCounts: r.rejection_counts,
    rejections: r.rejections,
    warningCounts: r.warning_counts,
    warnings: r.warnings,
    error: r.error,
    errorCode: r.error_code,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** A display name from the client's file name: base name only, no control characters, capped. */
function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 200);
  return clean || 'upload';
}

/** A form field: trimmed, empty means absent. */
function field(form: Map<string, string>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = form.get(n)?.trim();
    if (v) return v;
  }
  return undefined;
}

interface StoredUpload {
  path: string;
  sha256: string;
  format: ImportFormat;
  size: number;
  fileName: string;
}

/**
 * Reads the multipart body as it arrives: short text fields into a map, the `file` part straight
 * into a temporary file while hashing it, then renamed to its content address. Memory stays at a
 * few chunks whatever the file size; any failure removes the temporary file.
 */
async function receiveUpload(body: ReadableStream<Uint8Array>, boundary: string, dir: string): Promise<{ fields: Map<string, string>; file: StoredUpload | null }> {
  await mkdir(dir, { recursive: true });
  const fields = new Map<string, string>();
  let file: StoredUpload | null = null;
  let tmp: string | null = null;
  try {
    let part: { name: string; filename: string | null } | null = null;
    let text: Buffer[] = [];
    let textBytes = 0;
    let out: ReturnType<typeof createWriteStream> | null = null;
    let hash: ReturnType<typeof createHash> | null = null;
    let size = 0;
    for await (const e of readMultipart(body as unknown as AsyncIterable<Uint8Array>, boundary)) {
      if (e.kind === 'part') {
        part = e;
        if (e.name === 'file' && e.filename !== null) {
          if (file || out) throw unprocessable('one_file_per_request', 'send one file per request');
          tmp = join(dir, `.upload-${randomBytes(8).toString('hex')}`);
          out = createWriteStream(tmp, { flags: 'wx' });
          hash = createHash('sha256');
          size = 0;
        } else {
          text = [];
          textBytes = 0;
        }
      } else if (e.kind === 'data') {
        if (out && hash) {
          hash.update(e.chunk);
          size += e.chunk.length;
          if (!out.write(e.chunk)) await new Promise((r) => out!.once('drain', r));
        } else {
          textBytes += e.chunk.length;
          if (textBytes > 4096) throw unprocessable('field_too_long', `form field ${part?.name.slice(0, 40)} is over 4096 bytes`);
          text.push(Buffer.from(e.chunk));
        }
      } else if (out && hash && part) {
        const w = out;
        out = null;
        await new Promise<void>((resolve, reject) => w.end((err?: Error | null) => (err ? reject(err) : resolve())));
        if (size === 0) throw unprocessable('empty_file', 'the file is empty');
        // By its bytes (and a zip's entry names), never by the client's file name or Content-Type.
        const sniffed = await sniffFile(tmp!);
        if (!('format' in sniffed)) throw unprocessable(sniffed.error, sniffed.message);
        const format = sniffed.format;
        const sha256 = hash.digest('hex');
        const path = join(dir, `${sha256}.${FORMAT_EXTENSION[format]}`);
        // Content-addressed: a second upload of the same bytes lands on the same name.
        await rename(tmp!, path);
        tmp = null;
        file = { path, sha256, format, size, fileName: safeFileName(part.filename ?? '') };
      } else if (part && !fields.has(part.name)) {
        fields.set(part.name, Buffer.concat(text).toString('utf8'));
      }
    }
    return { fields, file };
  } catch (err) {
    if (tmp) await rm(tmp, { force: true });
    throw err;
  }
}

const tags = ['imports'];

const list = defineRoute({
  method: 'get',
  path: '/imports',
  summary: 'Recent imports (staff)',
  tags,
  security: staffSession,
  middleware: [requireStaff()],
  request: { query: ImportListQuerySchema },
  responses: { 200: jsonResponse(ImportListSchema, 'the imports'), ...errorResponses(400, 401) },
});

const one = defineRoute({
  method: 'get',
  path: '/imports/{id}',
  summary: 'One import: status, progress and the rejection report (staff)',
  tags,
  security: staffSession,
  middleware: [requireStaff()],
  request: { params: z.object({ id: z.string().meta({ description: 'uuid; anything else is 404' }) }) },
  responses: { 200: jsonResponse(ImportSchema, 'the import'), ...errorResponses(401, 404) },
});

export function importsRoutes({ sql, boss, config }: AppDeps) {
  const app = createRouter();
  const dir = join(config.dataDir, 'imports');

  // A multipart stream read as it arrives: a plain handler, its contract declared beside it.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/imports',
    summary: 'Upload a vector file (FlatGeobuf, GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GML, DXF, CSV) into a layer (admin); imported by a background job',
    description:
      'Any CRS PostGIS knows (FlatGeobuf header CRS, GeoJSON `crs` member, or `srid`) is reprojected to EPSG:4326. The layer is replaced in one transaction when the job succeeds; a failed import changes nothing. Idempotent by file SHA-256 per layer.',
    tags,
    security: staffSession,
    request: { body: { required: true, content: { 'multipart/form-data': { schema: ImportFormSchema } } } },
    responses: {
      202: jsonResponse(ImportUploadSchema, 'queued'),
      200: jsonResponse(ImportUploadSchema, 'the layer already holds this file (skipped: true)'),
      ...errorResponses(400, 401, 403, 413, 415, 422, 503),
    },
  });
  app.post(
    '/imports',
    requireStaff(['admin']),
    // The body cap (256 MiB, http/body-limit.ts) is applied as the stream is read.
    async (c) => {
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
        throw new AppError(415, 'unsupported_media_type', 'send multipart/form-data with a file field');
      }
      const boundary = multipartBoundary(c.req.header('content-type'));
      if (!boundary || !c.req.raw.body) throw badRequest('invalid_multipart', 'the multipart body has no boundary');
      const { fields: form, file: stored } = await receiveUpload(c.req.raw.body, boundary, dir);
      if (!stored) throw badRequest('file_required', 'a file field is required');
      try {
        return await registerImport(c, form, stored);
      } catch (err) {
        // A refused upload leaves no file behind, unless an earlier import holds the same bytes.
        if (!(await sql`select 1 from layer_imports where file_path = ${stored.path}`).length) await rm(stored.path, { force: true });
        throw err;
      }
    },
  );

  async function registerImport(c: Context, form: Map<string, string>, stored: StoredUpload) {
    const layerId = field(form, 'layer') ?? '';
    if (!LAYER_ID.test(layerId)) throw unprocessable('invalid_layer', 'layer must match ^[a-z][a-z0-9_]{1,62}$');
    const nameEl = field(form, 'name_el', 'nameEl');
    const nameEn = field(form, 'name_en', 'nameEn');
    const group = field(form, 'group');
    const sridText = field(form, 'srid');
    const nameProperty = field(form, 'name_property', 'nameProperty');
    const externalIdProperty = field(form, 'external_id_property', 'externalIdProperty');
    const sourceLayer = field(form, 'source_layer', 'sourceLayer');
    const existing = await getLayer(sql, layerId);
    const givesLayer = nameEl !== undefined || nameEn !== undefined || group !== undefined;
    if (givesLayer && !(nameEl && nameEn && group)) throw unprocessable('invalid_layer', 'give name_el, name_en and group together');
    if (!existing && !givesLayer) throw unprocessable('layer_not_found', `layer ${layerId} does not exist; give name_el, name_en and group to create it`);
    if (group !== undefined && !LAYER_GROUPS.includes(group)) throw unprocessable('invalid_layer', `group must be one of ${LAYER_GROUPS.join(', ')}`);
    if ((nameEl?.length ?? 0) > 200 || (nameEn?.length ?? 0) > 200) throw unprocessable('invalid_layer', 'layer names are limited to 200 characters');
    for (const p of [nameProperty, externalIdProperty, sourceLayer]) {
      if (p !== undefined && !ATTRIBUTE_NAME.test(p)) throw unprocessable('invalid_attribute', 'attribute names are 1-200 printable characters');
    }
    let srid: number | null = null;
    if (sridText !== undefined) {
      srid = /^\d{1,6}$/.test(sridText) ? Number(sridText) : NaN;
      const known = Number.isInteger(srid) && srid > 0 ? await sql`select 1 from spatial_ref_sys where srid = ${srid}` : [];
      if (known.length === 0) throw unprocessable('unknown_crs', `EPSG:${sridText.slice(0, 20)} is not a CRS PostGIS knows`);
    }

    // A GeoPackage (or a zip of Shapefiles, KML folders) with several layers: ask which one now.
    let layerToRead: string | null = null;
    if (!isNativeFormat(stored.format)) {
      try {
        layerToRead = await resolveSourceLayer(stored.path, stored.format, sourceLayer);
      } catch (err) {
        if (!(err instanceof GdalError)) throw err;
        if (err.code === 'gdal_missing') throw new AppError(503, err.code, err.message);
        throw unprocessable(err.code, err.message, err.layers.length ? { layers: err.layers } : undefined);
      }
    }
    const options = {
      sourceSrid: srid,
      sourceLayer: layerToRead,
      nameProperty: nameProperty ?? null,
      externalIdProperty: externalIdProperty ?? null,
      // An admin's upload publishes the geometry unless `public=false`; attributes stay private
      // until chosen (PATCH /api/layers/{id}/publication), so nothing personal goes out by default.
      layer: givesLayer ? { nameEl, nameEn, group, isPublic: field(form, 'public') !== 'false' } : null,
    };
    const result = await sql.begin(async (tx) => {
      const { row, created } = await insertImport(tx, {
        layerId,
        fileName: stored.fileName,
        sha256: stored.sha256,
        format: stored.format,
        filePath: stored.path,
        options,
      });
      if (created) {
        await enqueueInTx(boss, tx, 'layer-import', { importId: row.id });
        return { row, skipped: false };
      }
      // The same file again: a no-op while it is queued, running, or what the layer holds.
      if (row.status === 'queued' || row.status === 'running') return { row, skipped: false };
      if (row.status === 'succeeded' && (await isCurrentImport(tx, row.id))) return { row, skipped: true };
      // A failed import retried, or an older file brought back: the same row runs again.
      await tx`update layer_imports set options = ${tx.json(options as never)}, file_path = ${stored.path} where id = ${row.id}`;
      await requeueImport(tx, row.id);
      await enqueueInTx(boss, tx, 'layer-import', { importId: row.id });
      return { row: { ...row, status: 'queued' as const, error: null }, skipped: false };
    });
    const body = { ...importJson(result.row), skipped: result.skipped, links: { self: `${config.publicUrl}/api/imports/${result.row.id}` } };
    return c.json(body, result.skipped ? 200 : 202);
  }

  app.openapi(list, async (c) => {
    const { layer } = c.req.valid('query');
    if (layer !== undefined && !LAYER_ID.test(layer)) throw badRequest('invalid_layer', 'layer must match ^[a-z][a-z0-9_]{1,62}$');
    const limitText = c.req.valid('query').limit ?? '50';
    const limit = /^\d{1,4}$/.test(limitText) ? Math.min(Number(limitText), 200) : NaN;
    if (!(limit >= 1)) throw badRequest('invalid_limit', 'limit must be an integer from 1 to 200');
    const rows = await listImports(sql, { layerId: layer, limit });
    return c.json({ imports: rows.map(importJson) }, 200);
  });

  app.openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const row = UUID.test(id) ? await getImport(sql, id) : undefined;
    if (!row) throw notFound(`no import ${id.slice(0, 60)}`);
    return c.json(importJson(row), 200);
  });

  return app;
}

