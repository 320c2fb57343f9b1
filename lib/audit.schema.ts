/**
 * The contract of the audit log's read routes (GET /api/audit, /api/audit/verify): the server
 * documents them with these schemas and the Administration area's audit list is typed by them.
 */
import { z } from 'zod';

/** Every filter is read by the handler, which answers its own codes (invalid_limit, invalid_parameter). */
export const AuditQuerySchema = z.object({
  objectType: z.string().optional().meta({ description: 'object type, ^[a-z][a-z0-9_]{0,62}$' }),
  objectId: z.string().optional().meta({ description: 'object id, 1 to 100 characters' }),
  action: z.string().optional().meta({ description: 'action, ^[a-z][a-z0-9_.]{0,99}$ (e.g. layer.publication)' }),
  actor: z.string().optional().meta({ description: 'the acting user id, a positive integer' }),
  before: z.string().optional().meta({ description: 'cursor: the `next` of the previous page' }),
  limit: z.string().optional().meta({ description: '1..1000, default 100; 400 invalid_limit otherwise' }),
});

export const AuditEventSchema = z.object({
  seq: z.number(),
  at: z.string().meta({ description: 'ISO 8601 time' }),
  actor: z.object({ id: z.number(), role: z.string().nullable() }).nullable().meta({ description: 'null for the system' }),
  action: z.string(),
  object: z.object({ type: z.string(), id: z.string().nullable() }),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  hash: z.string().meta({ description: "this event's link in the hash chain" }),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditPageSchema = z.object({
  events: z.array(AuditEventSchema).meta({ description: 'newest first' }),
  next: z.number().nullable().meta({ description: 'the `before` of the next page, null on the last' }),
});

export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().meta({ description: 'how many events were checked' }),
  firstBadSeq: z.number().nullable().meta({ description: 'the first event whose hash does not match, null when the chain holds' }),
});
