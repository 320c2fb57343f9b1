/**
 * The contract of the triage desk (api/src/modules/triage): request bodies, the queue's query
 * and every JSON answer; the control room's staff client is typed by these. Bodies are strict:
 * an unknown field (`reporter_email`, `sla_due_at`, `approved_by`…) is a 422, never silently
 * ignored or written. The queue's query is declared loosely (strings): the handler gives its
 * clients' `invalid_parameter` / `invalid_bbox` codes, the real constraints are in the descriptions.
 */
import { z } from 'zod';
import { INCIDENT_STATUSES, OPEN_STATUSES } from './incidents.schema.ts';
import { NamesSchema } from './names.schema.ts';
import { SLA_STATES } from './staff-incident.ts';

export { SLA_STATES };

/** Roles that change reports (admin always may); department scope is checked per report. */
export const WRITERS = ['dispatcher', 'technician'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const QUEUE_SORTS = ['newest', 'oldest', 'sla', 'priority', 'updated'] as const;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const departmentId = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/);
const categoryId = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/);
/** Free text without NUL or other C0 controls except tab and newline. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'control characters are not allowed');

/**
 * A status move. `duplicate` is not here: duplicates are merged (merge carries supporters and
 * subscribers over). `note` is public (timeline and email); a rejection must have one.
 */
export const StatusMoveSchema = z
  .strictObject({
    status: z.enum(INCIDENT_STATUSES.filter((s) => s !== 'duplicate') as [string, ...string[]]),
    note: text(2000).optional(),
  })
  .refine((b) => b.status !== 'rejected' || b.note !== undefined, { message: 'a rejection needs a note: the reason the citizen will read', path: ['note'] });
export type StatusMove = z.infer<typeof StatusMoveSchema>;

/** What one PATCH (or a bulk action) may change. */
export const ChangesSchema = z.strictObject({
  status: StatusMoveSchema.optional(),
  priority: z.enum(PRIORITIES).optional(),
  departmentId: departmentId.optional(),
  /** A user id, or null to unassign. */
  assignedTo: id.nullable().optional(),
  /** Recategorise: department, SLA and asset link follow the new category. */
  category: categoryId.optional(),
});
export type Changes = z.infer<typeof ChangesSchema>;
/** What a client sends (optional fields may be left out). */
export type TriageChanges = z.input<typeof ChangesSchema>;

export const PatchIncidentSchema = ChangesSchema.refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const BulkSchema = z.strictObject({
  ids: z.array(id).min(1).max(500).refine((a) => new Set(a).size === a.length, 'ids must be distinct'),
  set: ChangesSchema.omit({ category: true }).refine((b) => Object.keys(b).length > 0, 'nothing to change'),
});

export const NoteSchema = z.strictObject({
  text: text(2000),
  /** true: a public update (timeline + email to subscribers); false: an internal note, never public. */
  public: z.boolean(),
});

export const MergeSchema = z.strictObject({
  /** The master report the duplicate is merged into. */
  into: id,
  /** Public note on the duplicate's timeline; a default names the master. */
  note: text(2000).optional(),
});

export const ModerationSchema = z
  .strictObject({
    publish: z.boolean().optional(),
    /** A moderation edit of the public description (the original stays in the audit log). */
    description: text(2000).optional(),
    reason: text(500).optional(),
  })
  .refine((b) => b.publish !== undefined || b.description !== undefined, 'give publish and/or description');

export const TriageWorkOrderSchema = z.strictObject({
  incidentIds: z.array(id).min(1).max(50).refine((a) => new Set(a).size === a.length, 'incidentIds must be distinct'),
  /** Without it: generated per locale from the first report (migrations/0090). */
  title: text(200).optional(),
  description: z.string().trim().max(5000).default(''),
  kind: z.enum(['school', 'kindergarten', 'playground', 'sports_ground', 'network', 'building', 'road']).optional(),
  departmentId: departmentId.optional(),
  status: z.enum(['planned', 'scheduled']).default('planned'),
  plannedStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  plannedEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** Move the reports that are still `submitted` / `acknowledged` to `in_progress`, with this public note. */
  startIncidents: z.boolean().default(false),
  /** Staff sent to do the work (crew or technician accounts). */
  crew: z.array(id).max(20).refine((a) => new Set(a).size === a.length, 'crew must be distinct').default([]),
});
/** What a client sends: the defaulted fields may be left out. */
export type TriageWorkOrderInput = z.input<typeof TriageWorkOrderSchema>;

// ---- parameters ---------------------------------------------------------------------------------

/** `{id}` of a report: as http/request.ts parseId reads it (1-15 digits, at least 1), else 400 `invalid_id`. */
export const IncidentIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .refine((n) => n >= 1)
    .meta({ param: { name: 'id', in: 'path' }, description: "the report's internal id", example: '42' }),
});

const codeList = (description: string) => z.string().optional().meta({ description: `comma-separated, at most 50: ${description}` });
const hours = z.string().optional().meta({ description: 'a number of hours (up to 3 decimals)' });

export const QueueQuerySchema = z.object({
  status: codeList(`statuses (${INCIDENT_STATUSES.join(', ')}), or \`open\` (${OPEN_STATUSES.join(', ')}) / \`closed\``),
  category: codeList('category codes'),
  department: codeList('department codes'),
  district: codeList('district codes'),
  priority: codeList(`of ${PRIORITIES.join(', ')}`),
  sla: codeList(`of ${SLA_STATES.join(', ')}`),
  minAgeHours: hours,
  maxAgeHours: hours,
  bbox: z.string().optional().meta({ description: 'minLon,minLat,maxLon,maxLat (WGS 84); 400 `invalid_bbox` otherwise' }),
  assigned: z.string().optional().meta({ description: '`me`, `none` or a user id' }),
  held: z.string().optional().meta({ description: '`true`: only reports held for moderation; `false`: only published ones' }),
  sort: z.string().optional().meta({ description: `one of ${QUEUE_SORTS.join(', ')}; default newest` }),
  limit: z.string().optional().meta({ description: 'an integer 1-200, default 50' }),
  offset: z.string().optional().meta({ description: 'an integer 0-10000, default 0' }),
});

// ---- answers ------------------------------------------------------------------------------------

const timestamp = (description?: string) => z.string().meta({ format: 'date-time', ...(description ? { description } : {}) });
const point = z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]).meta({ description: '[lon, lat]' }) });
const ref = z.object({ id: z.number().int(), number: z.string().nullable().meta({ description: 'protocol number' }) });
const coded = z.object({ name_el: z.string(), name_en: z.string() });

export const TriageMetaSchema = z.object({
  statuses: z.array(z.string()),
  openStatuses: z.array(z.string()),
  priorities: z.array(coded.extend({ priority: z.string(), rank: z.number().int() })),
  transitions: z.array(z.object({ from_status: z.string(), to_status: z.string() })).meta({ description: 'the status moves allowed' }),
  slaStates: z.array(z.enum(SLA_STATES)),
  departments: z.array(coded.extend({ id: z.string() })),
  districts: z.array(coded.extend({ code: z.string() })),
  sorts: z.array(z.enum(QUEUE_SORTS)),
});
export type TriageMeta = z.infer<typeof TriageMetaSchema>;

/** A queue row: staff fields, no reporter contact (api/src/modules/triage/triage.json.ts). */
export const QueueItemSchema = z.object({
  id: z.number().int(),
  number: z.string().meta({ description: 'protocol number, `2026/001234`' }),
  status: z.string(),
  open: z.boolean(),
  priority: z.string(),
  category: z.string(),
  department: z.string(),
  district: z.string().nullable(),
  assignedTo: z.object({ id: z.number().int(), name: z.string().nullable() }).nullable(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
  sla: z.object({ dueAt: timestamp(), breachedAt: timestamp().nullable(), state: z.enum(SLA_STATES) }),
  supportCount: z.number().int(),
  address: z.string().nullable(),
  description: z.string().meta({ description: 'the public description' }),
  location: point,
  published: z.boolean().meta({ description: 'on the public map: neither hidden nor held for moderation' }),
  hidden: z.boolean(),
  needsModeration: z.boolean(),
  possibleDuplicateOf: ref.nullable(),
  duplicateOf: ref.nullable(),
  asset: z.object({ id: z.number().int(), layer: z.string().nullable() }).nullable(),
  channel: z.string(),
  photoCount: z.number().int(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

export const QueuePageSchema = z.object({
  incidents: z.array(QueueItemSchema),
  total: z.number().int().meta({ description: 'every report matching the filters, for the pager' }),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type QueuePage = z.infer<typeof QueuePageSchema>;

const summaryOf = { id: z.number().int(), kind: z.string(), title: z.string(), status: z.string(), department: z.string(), createdAt: timestamp() };

export const TimelineEntrySchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  note: z.string().nullable(),
  public: z.boolean().meta({ description: 'false: an internal note, never shown to the public' }),
  actor: z.object({ kind: z.string().nullable(), id: z.number().int().optional(), name: z.string().nullable().optional() }),
  at: timestamp(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const StaffPhotoSchema = z.object({
  id: z.number().int(),
  status: z.string(),
  url: z.string().nullable().meta({ description: 'relative URL of the derivative once processed' }),
  thumbnailUrl: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  createdAt: timestamp(),
});
export type StaffPhoto = z.infer<typeof StaffPhotoSchema>;

export const AssetDetailSchema = z.object({
  id: z.number().int(),
  layer: z.object({ id: z.string(), name: NamesSchema, group: z.string() }),
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  condition: z.string().nullable(),
  criticality: z.number().nullable(),
  installDate: z.string().nullable(),
  distanceM: z.number().nullable().meta({ description: 'from the report to the asset, metres' }),
  location: point,
  history: z.object({
    incidents: z.array(z.object({ id: z.number().int(), number: z.string(), status: z.string(), category: z.string(), createdAt: timestamp(), resolvedAt: timestamp().nullable() })),
    workOrders: z.array(z.object({ ...summaryOf, startedAt: timestamp().nullable(), finishedAt: timestamp().nullable(), actualCost: z.union([z.string(), z.number()]).nullable() })),
    inspections: z.array(z.object({ id: z.number().int(), kind: z.string(), inspectedOn: z.string(), result: z.string(), nextDue: z.string() })),
  }),
});
export type AssetDetail = z.infer<typeof AssetDetailSchema>;

export const IncidentDetailSchema = z.object({
  incident: QueueItemSchema.extend({
    publicId: z.string(),
    description: z.string().meta({ description: 'the full description as reported' }),
    answers: z.record(z.string(), z.unknown()).meta({ description: "answers to the category's questions" }),
    moderationReason: z.string().nullable(),
    sensitive: z.boolean(),
    anonymous: z.boolean(),
    contact: z
      .object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() })
      .nullable()
      .meta({ description: "the reporter's contact: only for those who may change the report, else null" }),
    mergedDuplicates: z.array(z.object({ id: z.number().int(), number: z.string() })),
    readyToClose: z
      .object({ at: timestamp(), workOrderId: z.number().int().nullable() })
      .nullable()
      .meta({ description: 'the crew finished the work answering this report and its category needs a check first' }),
  }),
  photos: z.array(StaffPhotoSchema),
  timeline: z.array(TimelineEntrySchema),
  asset: AssetDetailSchema.nullable(),
  workOrders: z.array(z.object(summaryOf)),
  nearby: z
    .array(
      z.object({
        id: z.number().int(),
        number: z.string(),
        status: z.string(),
        category: z.string(),
        createdAt: timestamp(),
        supportCount: z.number().int(),
        distanceM: z.number(),
        sameCategory: z.boolean(),
      }),
    )
    .meta({ description: 'possible duplicates nearby, same category first' }),
  permissions: z.object({ write: z.boolean() }),
});
export type IncidentDetail = z.infer<typeof IncidentDetailSchema>;

export const ChangedSchema = z.object({
  incident: QueueItemSchema.meta({ description: 'the report in the queue shape after the change' }),
  statusEventId: z.number().int().nullable().meta({ description: 'the timeline event of the status move, if any' }),
});
export type Changed = z.infer<typeof ChangedSchema>;

export type NoteAdded = z.infer<typeof NoteAddedSchema>;

export const ModeratedSchema = z.object({ incident: QueueItemSchema });

export const NoteAddedSchema = z.object({ eventId: z.number().int().nullable(), public: z.boolean() });


export const BulkResultSchema = z.object({ updated: z.number().int(), ids: z.array(z.number().int()) });
export type BulkResult = z.infer<typeof BulkResultSchema>;

export const MergedSchema = z.object({
  duplicate: z.object({ id: z.number().int(), number: z.string(), status: z.literal('duplicate') }),
  master: z.object({ id: z.number().int(), number: z.string(), supportCount: z.number().int().meta({ description: "the master's supporters, the duplicate's included" }) }),
  eventId: z.number().int().nullable(),
});
export type Merged = z.infer<typeof MergedSchema>;

export const TriageWorkOrderCreatedSchema = z.object({
  workOrder: z.object({
    id: z.number().int(),
    kind: z.string(),
    title: z.string().meta({ description: "in the reader's locale" }),
    titleI18n: NamesSchema.nullable().meta({ description: 'the generated title per locale; null when typed by hand' }),
    status: z.string(),
    department: z.string(),
    asset: z.number().int().nullable(),
    incidentIds: z.array(z.number().int()),
    crew: z.array(z.object({ id: z.number().int(), name: z.string() })).meta({ description: 'staff sent to do the work' }),
  }),
});
export type TriageWorkOrderCreated = z.infer<typeof TriageWorkOrderCreatedSchema>;

/** The column snapshot's filters (GET /api/triage/incidents.columns): any other parameter is a 400. */
export const ColumnsQuerySchema = QueueQuerySchema.pick({ status: true, priority: true, category: true, department: true, district: true });
