/**
 * The Administration API behind the control room's Administration area (admin role only):
 * staff invitations and resets by one-time link, departments, categories (names per locale, snap
 * layers and radius, duplicate radius, SLA, Open311 code, questions, sensitive), Open311 API keys
 * (the key is shown once), layers (publish, names, group, licence, attribution, delete) and the
 * municipality's settings. Every change is audited in its own transaction and read by the rest
 * of the platform on the next request: nothing is cached, nothing needs a restart.
 *
 * Staff accounts (list, role, department, disable) stay on /api/auth/users; the audit log with
 * its filters on /api/audit.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  AdminLayerResponseSchema,
  ApiKeyListSchema,
  ApiKeyResponseSchema,
  CategoryListSchema,
  CategoryResponseSchema,
  DepartmentResponseSchema,
  InvitationResponseSchema,
  NewApiKeySchema,
  ResetResponseSchema,
  SettingsResponseSchema,
} from '../../../../lib/admin.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, conflict, notFound, unprocessable } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff, type Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { deleteUserSessions, departmentExists, getUser, insertUser } from '../auth/auth.sql.ts';
import { hashPassword } from '../auth/password.ts';
import { getLayer } from '../layers/layers.sql.ts';
import { getSettings, isKnownTimezone, updateSettings } from '../municipality/settings.sql.ts';
import {
  AcceptInviteSchema,
  ApiKeySchema,
  CategoryPatchSchema,
  CategorySchema,
  DepartmentPatchSchema,
  DepartmentSchema,
  InviteSchema,
  LayerPatchSchema,
  SettingsPatchSchema,
} from './admin.schema.ts';
import {
  consumeInvitation,
  existingLayers,
  getCategoryForUpdate,
  insertInvitation,
  listAllCategories,
  listOpen311Keys,
  revokeOpen311Key,
  upsertCategory,
  type AdminCategoryRow,
  type CategoryValues,
} from './admin.sql.ts';

const ID = /^[a-z][a-z0-9_]{1,62}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest();

function categoryJson(r: AdminCategoryRow) {
  return {
    id: r.id,
    serviceCode: r.service_code,
    name: { el: r.name_el, en: r.name_en },
    group: { el: r.group_el, en: r.group_en },
    departmentId: r.department_id,
    snapLayers: r.snap_layers,
    snapRadiusM: r.snap_radius_m,
    duplicateRadiusM: r.duplicate_radius_m,
    slaHours: r.sla_hours,
    questions: r.extra_questions,
    sensitive: r.sensitive,
    active: r.active,
  };
}

function pathId(text: string): string {
  if (!ID.test(text)) throw notFound();
  return text;
}

function numericId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw notFound();
  return Number(text);
}

const tags = ['administration'];
/** A path id the handler checks itself: anything malformed is no such object (404), as before. */
const textId = { params: z.object({ id: z.string().meta({ description: '^[a-z][a-z0-9_]{1,62}$; anything else is 404' }) }) };
const numberId = { params: z.object({ id: z.string().meta({ description: 'a positive integer; anything else is 404' }) }) };
/** What a JSON body can be refused with, besides the schema's 422. */
const bodyErrors = errorResponses(400, 401, 403, 413, 415, 422);

/** An admin-only operation: the staff check runs before the request is validated. */
function adminRoute<const R extends Omit<RouteConfig, 'tags' | 'security' | 'middleware'>>(route: R) {
  return defineRoute({ ...route, tags, security: staffSession, middleware: [requireStaff(['admin'])] });
}

const getSettingsRoute = adminRoute({
  method: 'get',
  path: '/admin/settings',
  summary: "The municipality's settings",
  responses: { 200: jsonResponse(SettingsResponseSchema, 'the settings'), ...errorResponses(401, 403) },
});
const patchSettings = adminRoute({
  method: 'patch',
  path: '/admin/settings',
  summary: 'Change names, time zone, locales, contact, mail signature (audited)',
  request: { body: jsonRequest(SettingsPatchSchema, 'only the fields named change') },
  responses: { 200: jsonResponse(SettingsResponseSchema, 'the settings as saved'), ...bodyErrors },
});
const invite = adminRoute({
  method: 'post',
  path: '/admin/invitations',
  summary: 'Invite a staff member: the account and a one-time link (shown once, valid 7 days)',
  request: { body: jsonRequest(InviteSchema) },
  responses: { 201: jsonResponse(InvitationResponseSchema, 'the account and its link'), ...bodyErrors, ...errorResponses(409) },
});
const reset = adminRoute({
  method: 'post',
  path: '/admin/users/{id}/reset',
  summary: 'A password-reset link; ends the sessions of the account',
  request: numberId,
  responses: { 200: jsonResponse(ResetResponseSchema, 'the link'), ...errorResponses(401, 403, 404) },
});
const accept = defineRoute({
  method: 'post',
  path: '/invitations/accept',
  summary: 'Set the password with a one-time link token (public)',
  tags,
  request: { body: jsonRequest(AcceptInviteSchema) },
  responses: { 204: { description: 'done' }, ...errorResponses(400, 403, 410, 413, 415, 422) },
});
const createDepartment = adminRoute({
  method: 'post',
  path: '/admin/departments',
  summary: 'Create a department',
  request: { body: jsonRequest(DepartmentSchema) },
  responses: { 201: jsonResponse(DepartmentResponseSchema, 'the department'), ...bodyErrors, ...errorResponses(409) },
});
const patchDepartment = adminRoute({
  method: 'patch',
  path: '/admin/departments/{id}',
  summary: 'Rename a department or change its email',
  request: { ...textId, body: jsonRequest(DepartmentPatchSchema) },
  responses: { 200: jsonResponse(DepartmentResponseSchema, 'the department as saved'), ...bodyErrors, ...errorResponses(404) },
});
const listCategories = adminRoute({
  method: 'get',
  path: '/admin/categories',
  summary: 'Every category, inactive ones included',
  responses: { 200: jsonResponse(CategoryListSchema, 'the categories in their sort order'), ...errorResponses(401, 403) },
});
const createCategory = adminRoute({
  method: 'post',
  path: '/admin/categories',
  summary: 'Create a category (names per locale, snap layers and radius, duplicate radius, SLA, Open311 code, questions, sensitive)',
  request: { body: jsonRequest(CategorySchema) },
  responses: { 201: jsonResponse(CategoryResponseSchema, 'the category'), ...bodyErrors, ...errorResponses(409) },
});
const patchCategory = adminRoute({
  method: 'patch',
  path: '/admin/categories/{id}',
  summary: 'Change a category; what is not named stays',
  request: { ...textId, body: jsonRequest(CategoryPatchSchema) },
  responses: { 200: jsonResponse(CategoryResponseSchema, 'the category as saved'), ...bodyErrors, ...errorResponses(404, 409) },
});
const listKeys = adminRoute({
  method: 'get',
  path: '/admin/open311-keys',
  summary: 'Open311 API keys (never the key itself): created, last used, revoked',
  responses: { 200: jsonResponse(ApiKeyListSchema, 'the keys'), ...errorResponses(401, 403) },
});
const createKey = adminRoute({
  method: 'post',
  path: '/admin/open311-keys',
  summary: 'Issue a key: returned once, only its SHA-256 is kept',
  request: { body: jsonRequest(ApiKeySchema) },
  responses: { 201: jsonResponse(NewApiKeySchema, 'the key, this once'), ...bodyErrors },
});
const revokeKey = adminRoute({
  method: 'post',
  path: '/admin/open311-keys/{id}/revoke',
  summary: 'Revoke a key',
  request: numberId,
  responses: { 200: jsonResponse(ApiKeyResponseSchema, 'the revoked key'), ...errorResponses(401, 403, 404) },
});
const patchLayer = adminRoute({
  method: 'patch',
  path: '/admin/layers/{id}',
  summary: 'Publish or unpublish a layer, rename, regroup, licence, attribution, attribute labels',
  request: { ...textId, body: jsonRequest(LayerPatchSchema) },
  responses: { 200: jsonResponse(AdminLayerResponseSchema, 'the layer as saved'), ...bodyErrors, ...errorResponses(404) },
});
const deleteLayer = adminRoute({
  method: 'delete',
  path: '/admin/layers/{id}',
  summary: 'Delete a layer and its features (refused while a category snaps to it)',
  request: textId,
  responses: { 204: { description: 'deleted' }, ...errorResponses(401, 403, 404, 409) },
});

export function adminRoutes({ sql, config }: AppDeps) {
  const app = createRouter();
  const staffOf = (c: { get: (k: 'staff') => Staff | undefined }) => c.get('staff')!;
  const link = (token: string) => `${config.publicUrl}/control#invite=${token}`;

  // ---- municipality settings ----
  app.openapi(getSettingsRoute, async (c) => c.json({ settings: await getSettings(sql) }, 200));
  app.openapi(patchSettings, async (c) => {
    const body = c.req.valid('json');
    if (body.timezone && !(await isKnownTimezone(sql, body.timezone))) throw unprocessable('unknown_timezone', `unknown time zone ${body.timezone}`);
    const settings = await sql.begin(async (tx) => {
      const before = await getSettings(tx);
      await updateSettings(tx, body);
      const after = await getSettings(tx);
      await recordAudit(tx, c, { action: 'settings.update', objectType: 'municipality', objectId: 'settings', before: { ...before, bbox: undefined }, after: { ...after, bbox: undefined } });
      return after;
    });
    return c.json({ settings }, 200);
  });

  // ---- staff: invitation and reset by one-time link ----
  app.openapi(invite, async (c) => {
    const body = c.req.valid('json');
    if (body.departmentId && !(await departmentExists(sql, body.departmentId))) throw unprocessable('unknown_department', `no department ${body.departmentId}`);
    const token = randomBytes(32).toString('base64url');
    // The account exists at once (roles, departments can be set); no one knows its password until the link sets one.
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    const user = await sql.begin(async (tx) => {
      const [taken] = await tx`select 1 from users where email = ${body.email}`;
      if (taken) throw conflict('email_taken', 'a staff account with this email exists');
      const u = await insertUser(tx, { email: body.email, name: body.name, role: body.role, departmentId: body.departmentId, passwordHash });
      await insertInvitation(tx, u.id, 'invite', sha256(token), staffOf(c).id);
      await recordAudit(tx, c, { action: 'user.invite', objectType: 'user', objectId: u.id, after: { role: u.role, departmentId: u.department_id } });
      return u;
    });
    return c.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role, departmentId: user.department_id }, link: link(token), expiresInDays: 7 }, 201);
  });

  app.openapi(reset, async (c) => {
    const id = numericId(c.req.valid('param').id);
    const user = await getUser(sql, id);
    if (!user) throw notFound(`no user ${id}`);
    const token = randomBytes(32).toString('base64url');
    await sql.begin(async (tx) => {
      await insertInvitation(tx, id, 'reset', sha256(token), staffOf(c).id);
      // A reset also ends every session of the account: whoever held it is out.
      await deleteUserSessions(tx, id);
      await recordAudit(tx, c, { action: 'user.reset', objectType: 'user', objectId: id });
    });
    return c.json({ link: link(token), expiresInDays: 7 }, 200);
  });

  /** Public: the invited person sets a password with the link's token (once, within a week). */
  app.openapi(accept, async (c) => {
    const body = c.req.valid('json');
    const passwordHash = await hashPassword(body.password);
    const done = await sql.begin(async (tx) => {
      const inv = await consumeInvitation(tx, sha256(body.token));
      if (!inv) return null;
      await tx`update users set password_hash = ${passwordHash}, updated_at = now() where id = ${inv.user_id}`;
      await recordAudit(tx, c, { action: inv.kind === 'invite' ? 'user.invite_accepted' : 'user.reset_done', objectType: 'user', objectId: inv.user_id, actor: { id: inv.user_id, role: null } });
      return inv;
    });
    if (!done) throw new AppError(410, 'link_expired', 'this link was used already or has expired; ask an administrator for a new one');
    return c.body(null, 204);
  });

  // ---- departments ----
  app.openapi(createDepartment, async (c) => {
    const b = c.req.valid('json');
    const row = await sql.begin(async (tx) => {
      const [r] = await tx`insert into departments (id, name_el, name_en, email) values (${b.id}, ${b.name.el}, ${b.name.en}, ${b.email}) on conflict (id) do nothing returning id`;
      if (!r) throw conflict('department_exists', `department ${b.id} exists`);
      await recordAudit(tx, c, { action: 'department.create', objectType: 'department', objectId: b.id, after: { name: b.name } });
      return r;
    });
    return c.json({ department: { id: row.id, name: b.name, email: b.email } }, 201);
  });
  app.openapi(patchDepartment, async (c) => {
    const id = pathId(c.req.valid('param').id);
    const b = c.req.valid('json');
    const out = await sql.begin(async (tx) => {
      const [before] = await tx<{ name_el: string; name_en: string; email: string | null }[]>`select name_el, name_en, email from departments where id = ${id} for update`;
      if (!before) throw notFound(`no department ${id}`);
      const [after] = await tx<{ name_el: string; name_en: string; email: string | null }[]>`
        update departments set name_el = ${b.name?.el ?? before.name_el}, name_en = ${b.name?.en ?? before.name_en}, email = ${b.email === undefined ? before.email : b.email}
         where id = ${id} returning name_el, name_en, email`;
      await recordAudit(tx, c, { action: 'department.update', objectType: 'department', objectId: id, before: { name_el: before.name_el, name_en: before.name_en }, after: { name_el: after!.name_el, name_en: after!.name_en } });
      return after!;
    });
    return c.json({ department: { id, name: { el: out.name_el, en: out.name_en }, email: out.email } }, 200);
  });

  // ---- categories ----
  app.openapi(listCategories, async (c) => c.json({ categories: (await listAllCategories(sql)).map(categoryJson) }, 200));

  async function checkCategoryRefs(v: Pick<CategoryValues, 'departmentId' | 'snapLayers'>) {
    if (!(await departmentExists(sql, v.departmentId))) throw unprocessable('unknown_department', `no department ${v.departmentId}`);
    const found = await existingLayers(sql, v.snapLayers);
    const missing = v.snapLayers.filter((l) => !found.includes(l));
    if (missing.length) throw unprocessable('unknown_layer', `no layer ${missing.join(', ')}`);
  }

  app.openapi(createCategory, async (c) => {
    const b = c.req.valid('json');
    const v: CategoryValues = {
      serviceCode: b.serviceCode, nameEl: b.name.el, nameEn: b.name.en, groupEl: b.group?.el ?? '', groupEn: b.group?.en ?? '', departmentId: b.departmentId,
      snapLayers: b.snapLayers, snapRadiusM: b.snapRadiusM, duplicateRadiusM: b.duplicateRadiusM, slaHours: b.slaHours, questions: b.questions, sensitive: b.sensitive, active: b.active,
    };
    await checkCategoryRefs(v);
    const row = await sql.begin(async (tx) => {
      const [exists] = await tx`select 1 from categories where id = ${b.id} or service_code = ${b.serviceCode}`;
      if (exists) throw conflict('category_exists', `a category ${b.id} or with service code ${b.serviceCode} exists`);
      const r = await upsertCategory(tx, b.id, v);
      await recordAudit(tx, c, { action: 'category.create', objectType: 'category', objectId: b.id, after: categoryJson(r) });
      return r;
    });
    return c.json({ category: categoryJson(row) }, 201);
  });

  app.openapi(patchCategory, async (c) => {
    const id = pathId(c.req.valid('param').id);
    const b = c.req.valid('json');
    const row = await sql.begin(async (tx) => {
      const before = await getCategoryForUpdate(tx, id);
      if (!before) throw notFound(`no category ${id}`);
      const v: CategoryValues = {
        serviceCode: b.serviceCode ?? before.service_code, nameEl: b.name?.el ?? before.name_el, nameEn: b.name?.en ?? before.name_en,
        groupEl: b.group?.el ?? before.group_el, groupEn: b.group?.en ?? before.group_en, departmentId: b.departmentId ?? before.department_id,
        snapLayers: b.snapLayers ?? before.snap_layers, snapRadiusM: b.snapRadiusM ?? before.snap_radius_m, duplicateRadiusM: b.duplicateRadiusM ?? before.duplicate_radius_m,
        slaHours: b.slaHours ?? before.sla_hours, questions: b.questions ?? before.extra_questions, sensitive: b.sensitive ?? before.sensitive, active: b.active ?? before.active,
      };
      await checkCategoryRefs(v);
      const r = await upsertCategory(tx, id, v);
      await recordAudit(tx, c, { action: 'category.update', objectType: 'category', objectId: id, before: categoryJson(before), after: categoryJson(r) });
      return r;
    });
    return c.json({ category: categoryJson(row) }, 200);
  });

  // ---- Open311 API keys ----
  const keyJson = (k: { id: number; name: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }) => ({
    id: k.id, name: k.name, createdAt: k.created_at, lastUsedAt: k.last_used_at, revokedAt: k.revoked_at,
  });
  app.openapi(listKeys, async (c) => c.json({ keys: (await listOpen311Keys(sql)).map(keyJson) }, 200));
  app.openapi(createKey, async (c) => {
    const b = c.req.valid('json');
    const key = randomBytes(32).toString('base64url');
    const id = await sql.begin(async (tx) => {
      const [r] = await tx<{ id: number }[]>`insert into open311_api_keys (name, key_sha256) values (${b.name}, ${sha256(key)}) returning id`;
      await recordAudit(tx, c, { action: 'open311_key.create', objectType: 'open311_key', objectId: r!.id, after: { name: b.name } });
      return r!.id;
    });
    // The only time the key is shown: only its SHA-256 is stored.
    return c.json({ id, name: b.name, key }, 201);
  });
  app.openapi(revokeKey, async (c) => {
    const id = numericId(c.req.valid('param').id);
    const row = await sql.begin(async (tx) => {
      const r = await revokeOpen311Key(tx, id, 'revoked by an administrator');
      if (!r) throw notFound(`no key ${id}`);
      await recordAudit(tx, c, { action: 'open311_key.revoke', objectType: 'open311_key', objectId: id });
      return r;
    });
    return c.json({ key: keyJson(row) }, 200);
  });

  // ---- layers ----
  app.openapi(patchLayer, async (c) => {
    const id = pathId(c.req.valid('param').id);
    const b = c.req.valid('json');
    const before = await getLayer(sql, id);
    if (!before) throw notFound(`no layer ${id}`);
    await sql.begin(async (tx) => {
      await tx`
        update layers set
          is_public = ${b.isPublic ?? before.is_public}, name_el = ${b.name?.el ?? before.name_el}, name_en = ${b.name?.en ?? before.name_en},
          layer_group = ${b.group ?? before.layer_group}, licence = ${b.licence ?? before.licence}, attribution = ${b.attribution ?? before.attribution},
          attribute_labels = coalesce(${b.attributeLabels ? sql.json(b.attributeLabels) : null}::jsonb, attribute_labels), updated_at = now()
         where id = ${id}`;
      await recordAudit(tx, c, {
        action: b.isPublic === undefined || b.isPublic === before.is_public ? 'layer.update' : b.isPublic ? 'layer.publish' : 'layer.unpublish',
        objectType: 'layer', objectId: id,
        before: { isPublic: before.is_public, licence: before.licence, attribution: before.attribution, group: before.layer_group, ...(b.attributeLabels ? { attributeLabels: before.attribute_labels } : {}) },
        after: b,
      });
    });
    const after = (await getLayer(sql, id))!;
    return c.json({ layer: { id, isPublic: after.is_public, name: { el: after.name_el, en: after.name_en }, group: after.layer_group, licence: after.licence, attribution: after.attribution, attributeLabels: after.attribute_labels } }, 200);
  });
  app.openapi(deleteLayer, async (c) => {
    const id = pathId(c.req.valid('param').id);
    await sql.begin(async (tx) => {
      const [l] = await tx<{ feature_count: number }[]>`select feature_count from layers where id = ${id} for update`;
      if (!l) throw notFound(`no layer ${id}`);
      const [used] = await tx`select 1 from categories where ${id} = any(snap_layers) limit 1`;
      if (used) throw conflict('layer_in_use', 'a category snaps to this layer: change the category first');
      // Reports keep their text; their asset link goes (assets.id on delete set null).
      await tx`delete from assets where layer_id = ${id}`;
      await tx`delete from layers where id = ${id}`;
      await recordAudit(tx, c, { action: 'layer.delete', objectType: 'layer', objectId: id, before: { featureCount: l.feature_count } });
    });
    return c.body(null, 204);
  });

  return app;
}
