/** Request bodies of the field crew API. Strict: an unknown field is a 422, never ignored. */
import { z } from 'zod';
import { WORK_ORDER_STATUSES } from '../registries/registries.schema.ts';

/** A client-generated operation id (crypto.randomUUID() on the phone). */
export const OpId = z.uuid();

export const CrewTransitionSchema = z.strictObject({
  opId: OpId,
  /** The status the crew member saw when they made the change: another status is a conflict. */
  from: z.enum(WORK_ORDER_STATUSES),
  to: z.enum(WORK_ORDER_STATUSES),
  /** The version they saw; informational (the conflict rule is the status, see crew.routes.ts). */
  version: z.number().int().positive().optional(),
  /** What was done, in words for the citizen (on done): the public update on the linked reports. */
  publicNote: z.string().trim().min(1).max(2000).optional(),
});

export const CrewNoteSchema = z.strictObject({
  opId: OpId,
  body: z.string().trim().min(1).max(2000),
});

export const PHOTO_PHASES = ['before', 'after'] as const;
