/** Request bodies of the networks routes. Strict: an unknown field is a 422, never ignored. */
import { z } from 'zod';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const note = z.string().trim().max(500);

export const ValveSchema = z.strictObject({
  operable: z.boolean(),
  note: note.optional(),
});

export const TraceIncidentSchema = z.strictObject({
  restorationEta: instant.optional(),
});

export const PlannedOutageSchema = z
  .strictObject({
    edgeId: id.optional(),
    assetId: id.optional(),
    startsAt: instant,
    restorationEta: instant,
    publicNote: note.optional(),
    workOrderId: id.optional(),
  })
  .refine((b) => (b.edgeId === undefined) !== (b.assetId === undefined), { message: 'give exactly one of edgeId and assetId', path: ['edgeId'] })
  .refine((b) => b.restorationEta >= b.startsAt, { message: 'restorationEta is before startsAt', path: ['restorationEta'] });

export const PatchOutageSchema = z.strictObject({
  status: z.enum(['active', 'restored', 'cancelled']).optional(),
  restorationEta: instant.nullable().optional(),
  publicNote: note.nullable().optional(),
});
