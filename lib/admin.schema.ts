/**
 * The answers of the Administration API (api/src/modules/admin): the server documents them with
 * these schemas and the control room's Administration area is typed by them. The request bodies
 * stay with the module (admin.schema.ts), which shares the password rule and the roles of auth.
 */
import { z } from 'zod';
import { AttributeLabelsSchema } from './layers.schema.ts';
import { NamesSchema } from './names.schema.ts';
import { BBoxSchema } from './site.schema.ts';

const time = z.string().meta({ description: 'ISO 8601 time' });

export const SettingsResponseSchema = z.object({
  settings: z.object({
    code: z.string(),
    names: z.record(z.string(), z.string()).meta({ description: 'the name per locale' }),
    timezone: z.string(),
    locales: z.array(z.string()).meta({ description: 'the first is the default' }),
    contactEmail: z.string(),
    contactPhone: z.string(),
    contactUrl: z.string(),
    mailSignature: z.record(z.string(), z.string()).meta({ description: 'closing line of emails per locale' }),
    bbox: BBoxSchema.nullable().meta({ description: 'of the boundary, null before set-up' }),
  }),
});

const link = { link: z.string().meta({ description: 'the one-time link, shown once' }), expiresInDays: z.number() };

export const InvitationResponseSchema = z.object({
  user: z.object({ id: z.number(), email: z.string(), name: z.string(), role: z.string(), departmentId: z.string().nullable() }),
  ...link,
});
export type InvitationResponse = z.infer<typeof InvitationResponseSchema>;
export const ResetResponseSchema = z.object(link);
export type ResetResponse = z.infer<typeof ResetResponseSchema>;

export const DepartmentResponseSchema = z.object({ department: z.object({ id: z.string(), name: NamesSchema, email: z.string().nullable() }) });

export const AdminCategorySchema = z.object({
  id: z.string(),
  serviceCode: z.string().meta({ description: 'Open311 service_code' }),
  name: NamesSchema,
  group: NamesSchema,
  departmentId: z.string(),
  snapLayers: z.array(z.string()).meta({ description: 'the layers a report snaps to' }),
  snapRadiusM: z.number(),
  duplicateRadiusM: z.number(),
  slaHours: z.number(),
  questions: z.array(z.unknown()).meta({ description: 'Open311 attributes asked of the reporter' }),
  sensitive: z.boolean(),
  active: z.boolean(),
});
export type AdminCategory = z.infer<typeof AdminCategorySchema>;
export const CategoryListSchema = z.object({ categories: z.array(AdminCategorySchema) });
export const CategoryResponseSchema = z.object({ category: AdminCategorySchema });

export const ApiKeyInfoSchema = z.object({ id: z.number(), name: z.string(), createdAt: time, lastUsedAt: time.nullable(), revokedAt: time.nullable() });
export type ApiKey = z.infer<typeof ApiKeyInfoSchema>;
export const ApiKeyListSchema = z.object({ keys: z.array(ApiKeyInfoSchema) });
export const ApiKeyResponseSchema = z.object({ key: ApiKeyInfoSchema });
export const NewApiKeySchema = z.object({ id: z.number(), name: z.string(), key: z.string().meta({ description: 'the key, shown this once: only its SHA-256 is kept' }) });
export type NewApiKey = z.infer<typeof NewApiKeySchema>;

export const AdminLayerResponseSchema = z.object({
  layer: z.object({
    id: z.string(),
    isPublic: z.boolean(),
    name: NamesSchema,
    group: z.string(),
    licence: z.string(),
    attribution: z.string(),
    attributeLabels: AttributeLabelsSchema,
  }),
});
