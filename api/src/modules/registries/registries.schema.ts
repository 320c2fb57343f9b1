/** Request bodies of the repair registries. All strict: an unknown field is a 422, never ignored. */
import { z } from 'zod';

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
    /** Optional when an asset is given: derived from the asset's layer. */
    kind: z.enum(WORK_ORDER_KINDS).optional(),
    /** Without it (from incidents): generated per locale from the first report (migrations/0090). */
    title: text(200).min(1).optional(),
    description: text(5000).default(''),
    assetId: id.optional(),
    /** Without it: the asset's point, else the first incident's point. */
    location: Location.optional(),
    /** Defaults to the creator's department. */
    departmentId: departmentId.optional(),
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
    /** Optimistic concurrency: the version the client last saw. */
    version: z.number().int().positive().optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), 'nothing to change');

export const TransitionSchema = z
  .strictObject({
    to: z.enum(WORK_ORDER_STATUSES),
    reason: text(2000).min(1).optional(),
    version: z.number().int().positive().optional(),
    /** What was done, in words for the citizen: the public update on the linked reports. */
    publicNote: text(2000).min(1).optional(),
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
