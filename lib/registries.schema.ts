/**
 * The contract of the repair registries (api/src/modules/registries): request bodies, all
 * strict (an unknown field is a 422, never ignored), and the answers the control room and the
 * crew app are typed by.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

export const WORK_ORDER_KINDS = ['school', 'kindergarten', 'playground', 'sports_ground', 'network', 'building', 'road'] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];
export const WORK_ORDER_STATUSES = ['planned', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const INSPECTION_KINDS = ['routine_visual', 'operational', 'annual_main'] as const;
export const INSPECTION_RESULTS = ['pass', 'minor_defects', 'major_defects', 'unsafe'] as const;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const departmentId = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/);
/** A calendar date, checked to be a real one (2026-02-30 is refused). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');
/** Euros with cents; a cap keeps numeric(12,2) from overflowing. */
const money = z.number().finite().min(0).max(9_999_999_999.99).refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimals');
const text = (max: number) => z.string().trim().max(max);

export const MaterialLine = z.strictObject({
  item: text(200).min(1),
  quantity: z.number().finite().positive().max(1_000_000),
  unit: text(20).min(1),
  unitCost: money.optional(),
});

export const Location = z.strictObject({
  lon: z.number().finite().min(-180).max(180),
  lat: z.number().finite().min(-90).max(90),
});

export const CreateWorkOrderSchema = z
  .strictObject({
    kind: z.enum(WORK_ORDER_KINDS).optional().meta({ description: "derived from the asset's layer when omitted" }),
    title: text(200).min(1).optional().meta({ description: 'without it (from incidents): generated per locale from the first report' }),
    description: text(5000).default(''),
    assetId: id.optional(),
    location: Location.optional().meta({ description: "without it: the asset's point, else the first report's point" }),
    departmentId: departmentId.optional().meta({ description: "defaults to the creator's department" }),
    status: z.enum(['planned', 'scheduled']).default('planned'),
    plannedStart: isoDate.optional(),
    plannedEnd: isoDate.optional(),
    estimatedCost: money.optional(),
    materials: z.array(MaterialLine).max(100).default([]),
    crew: z.array(id).max(20).default([]),
    incidentIds: z.array(id).max(50).default([]),
  })
  .refine((b) => b.assetId !== undefined || b.location !== undefined || b.incidentIds.length > 0, { message: 'give an assetId, a location or incidentIds', path: ['location'] })
  .refine((b) => !b.plannedStart || !b.plannedEnd || b.plannedEnd >= b.plannedStart, { message: 'plannedEnd is before plannedStart', path: ['plannedEnd'] });

export const PatchWorkOrderSchema = z
  .strictObject({
    title: text(200).min(1).optional(),
    description: text(5000).optional(),
    departmentId: departmentId.optional(),
    plannedStart: isoDate.nullable().optional(),
    plannedEnd: isoDate.nullable().optional(),
    estimatedCost: money.nullable().optional(),
    actualCost: money.nullable().optional(),
    materials: z.array(MaterialLine).max(100).optional(),
    crew: z.array(id).max(20).optional(),
    incidentIds: z.array(id).max(50).optional(),
    version: z.number().int().positive().optional().meta({ description: 'optimistic concurrency: the version last seen; 409 version_conflict when the work order has changed since' }),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), 'nothing to change');

export const TransitionSchema = z
  .strictObject({
    to: z.enum(WORK_ORDER_STATUSES),
    reason: text(2000).min(1).optional().meta({ description: 'required for cancelled' }),
    version: z.number().int().positive().optional(),
    publicNote: text(2000).min(1).optional().meta({ description: 'what was done, in words for the citizen: the public update on the linked reports' }),
  })
  .refine((b) => b.to !== 'cancelled' || !!b.reason, { message: 'a cancellation needs a reason', path: ['reason'] });

export const PhotoSchema = z.strictObject({
  phase: z.enum(['before', 'after']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  caption: text(300).optional(),
});

export const ChecklistItem = z.strictObject({
  item: text(200).min(1),
  ok: z.boolean(),
  note: text(1000).optional(),
});

export const CreateInspectionSchema = z.strictObject({
  assetId: id,
  kind: z.enum(INSPECTION_KINDS),
  inspectedOn: isoDate,
  checklist: z.array(ChecklistItem).max(200).default([]),
  result: z.enum(INSPECTION_RESULTS),
  notes: text(5000).default(''),
  workOrderId: id.optional(),
  departmentId: departmentId.optional(),
});

/** The registry kind that fits an asset's layer, when the caller does not say. */
export function kindForLayer(layerId: string, layerGroup: string): WorkOrderKind | null {
  const byLayer: Record<string, WorkOrderKind> = {
    schools: 'school',
    kindergartens: 'kindergarten',
    playgrounds: 'playground',
    sports_grounds: 'sports_ground',
    roads: 'road',
    sidewalks: 'road',
  };
  if (byLayer[layerId]) return byLayer[layerId]!;
  if (layerGroup === 'network') return 'network';
  if (layerGroup === 'building') return 'building';
  return null;
}

// ---- parameters ---------------------------------------------------------------------------------

/** A path id as `parseId` reads it: 1 to 15 digits, not zero (400 `invalid_id` otherwise). */
export const IdParamSchema = z.object({ id: z.string().regex(/^(?!0+$)\d{1,15}$/).meta({ description: 'a positive integer id' }) });

/**
 * Query parameters are declared as text and checked by the handler, which answers the codes the
 * clients know: `invalid_parameter` for an unknown kind or status, `invalid_limit`, `invalid_id`.
 */
const oneOf = (values: readonly string[], what = '') => z.string().optional().meta({ description: `${what}one of ${values.join(', ')}` });
const idQuery = (what: string) => z.string().optional().meta({ description: `${what} (a positive integer)` });
const limitQuery = (dflt: number, max: number) => z.string().optional().meta({ description: `a positive integer, default ${dflt}, capped at ${max}` });

export const WorkOrderQuerySchema = z.object({
  kind: oneOf(WORK_ORDER_KINDS),
  status: oneOf(WORK_ORDER_STATUSES),
  department: z.string().optional().meta({ description: 'a department id' }),
  asset: idQuery('only the work on this asset'),
  before: idQuery('the `next` of the previous page'),
  limit: limitQuery(100, 500),
});
export const WorkOrderCsvQuerySchema = WorkOrderQuerySchema.pick({ kind: true, status: true });
export const InspectionQuerySchema = z.object({
  asset: idQuery('only this asset'),
  kind: oneOf(INSPECTION_KINDS),
  before: idQuery('the `next` of the previous page'),
  limit: limitQuery(100, 500),
});
export const DueQuerySchema = z.object({
  asset: idQuery('only this asset'),
  by: z.string().optional().meta({ description: 'YYYY-MM-DD: only those due on or before this date' }),
  limit: limitQuery(500, 5000),
});
export const PUBLIC_STATUSES = ['scheduled', 'in_progress', 'done', 'verified'] as const;
export const PublicWorkOrderQuerySchema = z.object({
  kind: oneOf(WORK_ORDER_KINDS),
  status: oneOf(PUBLIC_STATUSES),
  bbox: z.string().optional().meta({ description: 'minLon,minLat,maxLon,maxLat (400 invalid_bbox otherwise)' }),
  limit: limitQuery(5000, 5000),
});

// ---- answers ------------------------------------------------------------------------------------

export const time = z.string().meta({ description: 'ISO 8601 date and time' });
export const day = z.string().meta({ description: 'YYYY-MM-DD' });
export const PointSchema = z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]).meta({ description: '[lon, lat]' }) });

/** What the staff and the crew shapes of a work order share. */
export const WorkOrderHeadSchema = z.object({
  id: z.number(),
  kind: z.enum(WORK_ORDER_KINDS),
  title: z.string().meta({ description: "in the reader's language when the platform generated it" }),
  titleI18n: NamesSchema.nullable().meta({ description: 'the generated title per locale; null when typed by hand' }),
  description: z.string(),
  status: z.enum(WORK_ORDER_STATUSES),
});

export const WorkOrderSchema = WorkOrderHeadSchema.extend({
  asset: z.object({ id: z.number(), name: z.string().nullable(), layerId: z.string().nullable() }).nullable(),
  location: PointSchema,
  departmentId: z.string(),
  plannedStart: day.nullable(),
  plannedEnd: day.nullable(),
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  verifiedAt: time.nullable(),
  verifiedBy: z.number().nullable(),
  cancelledAt: time.nullable(),
  cancelReason: z.string().nullable(),
  estimatedCost: z.number().nullable(),
  actualCost: z.number().nullable(),
  materials: z.array(MaterialLine),
  crew: z.array(z.object({ id: z.number(), name: z.string() })).meta({ description: 'staff names: never on a public route' }),
  incidentIds: z.array(z.number()),
  photos: z.array(z.object({ id: z.number(), phase: z.enum(['before', 'after']), sha256: z.string(), caption: z.string().nullable(), addedAt: time })),
  createdBy: z.number().nullable(),
  createdAt: time,
  updatedAt: time,
  version: z.number().meta({ description: 'raised by every change; send it back to PATCH or a transition for optimistic concurrency' }),
});
export type WorkOrder = z.infer<typeof WorkOrderSchema>;
export type NewWorkOrder = z.input<typeof CreateWorkOrderSchema>;
export type WorkOrderPatch = z.input<typeof PatchWorkOrderSchema>;
export type WorkOrderTransition = z.input<typeof TransitionSchema>;

export const WorkOrderAnswerSchema = z.object({ workOrder: WorkOrderSchema });
export const WorkOrderListSchema = z.object({
  workOrders: z.array(WorkOrderSchema),
  next: z.number().nullable().meta({ description: 'give it as `before` for the next page; null on the last' }),
});
export type WorkOrderList = z.infer<typeof WorkOrderListSchema>;

/** What a status move did to the citizens' reports linked to the work order. */
export const FollowUpSchema = z.object({
  moved: z.array(z.object({ id: z.number(), number: z.string(), from: z.string(), to: z.string(), eventId: z.number() })).meta({ description: 'reports whose status moved with the work' }),
  readyToClose: z.array(z.object({ id: z.number(), number: z.string() })).meta({ description: "reports now waiting for the desk's check" }),
});
export const TransitionAnswerSchema = z.object({ workOrder: WorkOrderSchema, reports: FollowUpSchema });
export type TransitionAnswer = z.infer<typeof TransitionAnswerSchema>;

const bilingualRow = { id: z.string(), name_el: z.string(), name_en: z.string() };
export const RegistryMetaSchema = z.object({
  kinds: z.array(z.enum(WORK_ORDER_KINDS)),
  statuses: z.array(z.object({ ...bilingualRow, initial: z.boolean(), terminal: z.boolean(), public: z.boolean() })),
  transitions: z.array(z.object({ from_status: z.enum(WORK_ORDER_STATUSES), to_status: z.enum(WORK_ORDER_STATUSES), roles: z.array(z.string()) })),
  inspectionKinds: z.array(z.object({ ...bilingualRow, interval_days: z.number() })),
});
export type RegistryMeta = z.infer<typeof RegistryMetaSchema>;

export const InspectionSchema = z.object({
  id: z.number(),
  assetId: z.number(),
  kind: z.enum(INSPECTION_KINDS),
  inspectedOn: day,
  inspector: z.object({ id: z.number(), name: z.string().nullable() }).nullable(),
  departmentId: z.string(),
  checklist: z.array(ChecklistItem),
  result: z.enum(INSPECTION_RESULTS),
  notes: z.string(),
  nextDue: day,
  workOrderId: z.number().nullable(),
  createdAt: time,
});
export type Inspection = z.infer<typeof InspectionSchema>;
export const InspectionAnswerSchema = z.object({ inspection: InspectionSchema });
export const InspectionListSchema = z.object({ inspections: z.array(InspectionSchema), next: z.number().nullable() });
export type InspectionList = z.infer<typeof InspectionListSchema>;

export const DueInspectionSchema = z.object({
  assetId: z.number(),
  assetName: z.string().nullable(),
  layerId: z.string(),
  kind: z.enum(INSPECTION_KINDS),
  lastInspectionId: z.number(),
  lastInspectedOn: day,
  lastResult: z.enum(INSPECTION_RESULTS),
  nextDue: day,
  overdue: z.boolean(),
});
export type DueInspection = z.infer<typeof DueInspectionSchema>;
export const DueListSchema = z.object({ due: z.array(DueInspectionSchema) });
export type DueList = z.infer<typeof DueListSchema>;

export const AssetHistorySchema = z.object({
  asset: z.object({ id: z.number(), layerId: z.string(), name: z.string().nullable() }),
  workOrders: z.array(WorkOrderSchema),
  inspections: z.array(InspectionSchema),
  due: z.array(DueInspectionSchema.pick({ kind: true, nextDue: true, overdue: true, lastResult: true })),
});

/** The public repair map: an allowlist of properties, no crew, costs, free text or photos. */
export const PublicWorkOrdersSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.number(),
      geometry: PointSchema.meta({ description: 'coarsened to ~200 m for non-public layers and sensitive places' }),
      properties: z.object({
        id: z.number(),
        kind: z.enum(WORK_ORDER_KINDS),
        status: z.enum(PUBLIC_STATUSES),
        statusName: NamesSchema,
        department: NamesSchema,
        asset: z.object({ id: z.number(), name: z.string().nullable(), layerId: z.string().nullable() }).nullable(),
        plannedStart: day.nullable(),
        plannedEnd: day.nullable(),
        startedOn: day.nullable(),
        finishedOn: day.nullable(),
        updatedAt: time,
      }),
    }),
  ),
  numberReturned: z.number(),
});

// ---- assignment -------------------------------------------------------------------------------

export const CrewsQuerySchema = z.object({ department: z.string().optional().meta({ description: 'a department id (technicians always get their own)' }) });
export const CrewListSchema = z.object({
  members: z.array(z.object({ id: z.number(), name: z.string(), role: z.string(), departmentId: z.string().nullable(), openWorkOrders: z.number(), inProgress: z.number() })),
  departments: z.array(z.object({ departmentId: z.string(), members: z.number(), openWorkOrders: z.number(), unassigned: z.number() })),
});
export type CrewList = z.infer<typeof CrewListSchema>;
export type CrewMember = CrewList['members'][number];

export const DeriveQuerySchema = z.object({ incidentIds: z.string().optional().meta({ description: 'required: comma-separated report ids, at most 50 (400 invalid_parameter otherwise)' }) });
export const DerivedKindSchema = z.object({
  kind: z.enum(WORK_ORDER_KINDS).nullable(),
  reason: z.discriminatedUnion('source', [
    z.object({ source: z.literal('asset'), layerId: z.string(), layerName: NamesSchema }),
    z.object({ source: z.literal('category'), categoryId: z.string(), categoryName: NamesSchema }),
    z.object({ source: z.literal('none') }),
  ]).meta({ description: 'what the kind came from: the first linked asset’s layer, else the first report’s category' }),
  departmentId: z.string().nullable(),
});
export type DerivedKind = z.infer<typeof DerivedKindSchema>;
export type KindReason = DerivedKind['reason'];
