/** Request bodies of the Administration API (admin.routes.ts): strict, so a typo is a 400. */
import { z } from 'zod';
import { NewPassword } from '../auth/auth.schema.ts';
import { ROLES } from '../auth/roles.ts';

const id = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/);
const text = (max: number) => z.string().trim().min(1).max(max);
/** Names per locale: { el: '...', en: '...' }; el and en are the columns the API serves today. */
const localised = z.strictObject({ el: text(200), en: text(200) });

export const InviteSchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(254).regex(/^[^@\s]+@[^@\s]+$/, 'not an email address'),
  name: text(200),
  role: z.enum(ROLES),
  departmentId: id.nullable().default(null),
});

export const AcceptInviteSchema = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/), password: NewPassword });

export const DepartmentSchema = z.strictObject({ id, name: localised, email: z.string().trim().max(254).regex(/^[^@\s]+@[^@\s]+$/).nullable().default(null) });
export const DepartmentPatchSchema = z.strictObject({ name: localised, email: z.string().trim().max(254).regex(/^[^@\s]+@[^@\s]+$/).nullable() }).partial();

const question = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean(),
  order: z.number().int().min(0).max(100),
  description_el: text(300),
  description_en: text(300),
  values: z.array(z.strictObject({ key: z.string().regex(/^[a-z0-9_]{1,40}$/), name_el: text(100), name_en: text(100) })).max(30).optional(),
});

/** The fields without defaults: a PATCH must not reset what it does not name. */
const categoryFields = {
  serviceCode: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  name: localised,
  group: localised,
  departmentId: id,
  snapLayers: z.array(id).max(10),
  snapRadiusM: z.number().int().min(0).max(1000),
  duplicateRadiusM: z.number().int().min(0).max(1000),
  slaHours: z.number().int().min(1).max(8760),
  questions: z.array(question).max(20),
  sensitive: z.boolean(),
  active: z.boolean(),
};

export const CategorySchema = z.strictObject({
  ...categoryFields,
  id,
  group: categoryFields.group.optional(),
  snapLayers: categoryFields.snapLayers.default([]),
  snapRadiusM: categoryFields.snapRadiusM.default(30),
  duplicateRadiusM: categoryFields.duplicateRadiusM.default(50),
  questions: categoryFields.questions.default([]),
  sensitive: categoryFields.sensitive.default(false),
  active: categoryFields.active.default(true),
});
export const CategoryPatchSchema = z.strictObject(categoryFields).partial().refine((p) => Object.keys(p).length > 0, 'nothing to change');

export const ApiKeySchema = z.strictObject({ name: text(100) });

export const LayerPatchSchema = z
  .strictObject({
    isPublic: z.boolean().optional(),
    name: localised.optional(),
    group: z.enum(['network', 'building', 'space', 'boundary', 'risk', 'reference']).optional(),
    licence: z.string().trim().max(300).optional(),
    attribution: z.string().trim().max(500).optional(),
    /** Replaces the layer's attribute labels: key → { el, en, unit? } (layers.attribute_labels). */
    attributeLabels: z
      .record(z.string().min(1).max(64).regex(/^[^\u0000-\u001f]+$/), z.strictObject({ el: text(100), en: text(100), unit: z.string().trim().min(1).max(12).optional() }))
      .refine((r) => Object.keys(r).length <= 500, 'at most 500 labels')
      .optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

export const SettingsPatchSchema = z
  .strictObject({
    names: z.record(z.string().regex(/^[a-z]{2}$/), text(200)).optional(),
    timezone: z.string().max(64).optional(),
    locales: z.array(z.string().regex(/^[a-z]{2}$/)).min(1).max(10).optional(),
    contactEmail: z.string().trim().max(200).optional(),
    contactPhone: z.string().trim().max(60).optional(),
    contactUrl: z.string().trim().max(300).optional(),
    mailSignature: z.record(z.string().regex(/^[a-z]{2}$/), z.string().max(300)).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
