/**
 * Request bodies and query parsing of the triage desk. Bodies are strict: an unknown field
 * (`reporter_email`, `sla_due_at`, `approved_by`…) is a 422, never silently ignored or written.
 */
import { z } from 'zod';
import { INCIDENT_STATUSES } from '../../../../lib/incidents.schema.ts';

/** Roles that change reports (admin always may); department scope is checked per report. */
export const WRITERS = ['dispatcher', 'technician'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const SLA_STATES = ['ok', 'due_soon', 'breached'] as const;
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
