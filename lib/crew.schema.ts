/**
 * The contract of the field crew API (api/src/modules/crew): request bodies, strict (an unknown
 * field is a 422, never ignored), and the answers the phone (web/src/crew) is typed by.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';
import { day, PointSchema, time, WORK_ORDER_STATUSES, WorkOrderHeadSchema } from './registries.schema.ts';

/** A client-generated operation id (crypto.randomUUID() on the phone). */
export const OpId = z.uuid().meta({ description: 'generated on the phone when the change is made; a resend with the same id is applied once' });

export const CrewTransitionSchema = z.strictObject({
  opId: OpId,
  from: z.enum(WORK_ORDER_STATUSES).meta({ description: 'the status the crew member saw when they made the change: another status now is a 409 version_conflict' }),
  to: z.enum(WORK_ORDER_STATUSES),
  /** The version they saw; informational (the conflict rule is the status, see crew.routes.ts). */
  version: z.number().int().positive().optional(),
  publicNote: z.string().trim().min(1).max(2000).optional().meta({ description: 'what was done, in words for the citizen (on done): the public update on the linked reports' }),
});

export const CrewNoteSchema = z.strictObject({
  opId: OpId,
  body: z.string().trim().min(1).max(2000),
});

export const PHOTO_PHASES = ['before', 'after'] as const;

export const PhotoQuerySchema = z.object({
  op: z.string().optional().meta({ description: 'required: the operation id (a UUID; 400 invalid_op otherwise)' }),
  phase: z.string().optional().meta({ description: 'before or after (default after)' }),
});
export const PhotoFileParamSchema = z.object({ file: z.string().meta({ description: '<sha256>.jpg' }) });

// ---- answers ------------------------------------------------------------------------------------

const photoLinks = { url: z.string(), thumbUrl: z.string() };

export const CrewNoteAnswerSchema = z.object({ id: z.number(), body: z.string(), author: z.string().nullable(), authorId: z.number().nullable(), addedAt: time });
export type CrewNote = z.infer<typeof CrewNoteAnswerSchema>;
export const CrewPhotoSchema = z.object({ id: z.number(), phase: z.enum(PHOTO_PHASES), ...photoLinks, addedAt: time });
export type CrewPhoto = z.infer<typeof CrewPhotoSchema>;
export const CrewReportSchema = z.object({
  id: z.number(),
  number: z.string(),
  status: z.string(),
  category: NamesSchema,
  description: z.string().nullable(),
  createdAt: time,
  photos: z.array(z.object(photoLinks)).meta({ description: "the citizen's processed photos" }),
});
export type CrewReport = z.infer<typeof CrewReportSchema>;

/**
 * An asset's geometry as PostGIS gives it: any GeoJSON geometry (a collection may nest), or null.
 * Described by hand: zod has no schema for GeoJSON's recursive union that the generator inlines.
 */
const AssetGeometrySchema = z.custom<GeoJSON.Geometry | null>().meta({ type: ['object', 'null'], description: 'a GeoJSON geometry (RFC 7946), or null' });

export const CrewOrderSchema = WorkOrderHeadSchema.extend({
  version: z.number(),
  priority: z.string(),
  address: z.string().nullable(),
  asset: z.object({ id: z.number(), name: z.string().nullable(), layerId: z.string().nullable(), layerName: NamesSchema, geometry: AssetGeometrySchema }).nullable(),
  location: PointSchema,
  plannedStart: day.nullable(),
  plannedEnd: day.nullable(),
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  updatedAt: time,
  notes: z.array(CrewNoteAnswerSchema),
  navigateUri: z.string().meta({ description: "a geo: URI of the site, opened by the phone's maps / navigation app" }),
  reports: z.array(CrewReportSchema).meta({ description: 'the citizen reports the work answers' }),
  photos: z.array(CrewPhotoSchema),
});
export type CrewOrder = z.infer<typeof CrewOrderSchema>;

export const CrewTransitionRuleSchema = z.object({ from: z.enum(WORK_ORDER_STATUSES), to: z.enum(WORK_ORDER_STATUSES) });
export type Transition = z.infer<typeof CrewTransitionRuleSchema>;
export const TodaySchema = z.object({
  date: day.meta({ description: "today in the municipality's time zone" }),
  user: z.object({ id: z.number(), name: z.string(), role: z.string() }),
  transitions: z.array(CrewTransitionRuleSchema).meta({ description: 'the status moves the caller’s role may make' }),
  workOrders: z.array(CrewOrderSchema),
  fetchedAt: time,
});
export type Today = z.infer<typeof TodaySchema>;

export const CrewOrderAnswerSchema = z.object({ workOrder: CrewOrderSchema });
export const CrewChangeSchema = z.object({
  workOrder: CrewOrderSchema,
  replayed: z.boolean().meta({ description: 'this operation id was applied before: nothing changed now' }),
});
export type CrewChange = z.infer<typeof CrewChangeSchema>;
