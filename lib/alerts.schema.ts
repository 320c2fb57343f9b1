/**
 * The contract of /api/alerts and /api/public/alerts: the server validates and documents with
 * these schemas, and the control room's alert editor and the public map's banner are typed by
 * them. Request bodies are strict: unknown fields (`approved_by`) are refused, never written.
 */
import { z } from 'zod';
import { AreaGeometrySchema } from './risk-zones.schema.ts';

const CATEGORY = ['Geo', 'Met', 'Safe', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
const RESPONSE = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;

const capText = (max: number) => z.string().trim().min(1).max(max);

const InfoContentSchema = z
  .object({
    language: z.enum(['el-GR', 'en-US']),
    category: z.array(z.enum(CATEGORY)).min(1).max(4),
    event: capText(200),
    responseType: z.array(z.enum(RESPONSE)).max(4).default([]),
    urgency: z.enum(['Immediate', 'Expected', 'Future', 'Past', 'Unknown']),
    severity: z.enum(['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']),
    certainty: z.enum(['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']),
    onset: z.iso.datetime({ offset: true }).optional(),
    expires: z.iso.datetime({ offset: true }),
    headline: capText(160),
    description: capText(4000),
    instruction: capText(4000).optional(),
    web: z.url().max(500).optional(),
    contact: capText(200).optional(),
  })
  .strict();

const AreaContentSchema = z
  .object({
    description: capText(500),
    zoneIds: z.array(z.number().int().positive()).max(20).default([]),
    polygon: z.unknown().optional().meta({ description: 'a GeoJSON Polygon or MultiPolygon drawn on the map; checked by lib/area.ts' }),
    circles: z
      .array(z.object({ center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]), radiusKm: z.number().positive().max(100) }).strict())
      .max(10)
      .default([]),
  })
  .strict()
  .refine((a) => a.zoneIds.length > 0 || a.polygon !== undefined || a.circles.length > 0, { message: 'an area needs a zone, a polygon or a circle' });

export const AlertContentSchema = z
  .object({
    status: z.enum(['Actual', 'Exercise', 'Test']),
    template: z.string().regex(/^[a-z_]{1,40}$/).optional(),
    note: capText(2000).optional(),
    info: z
      .array(InfoContentSchema)
      .min(1)
      .max(2)
      .refine((l) => new Set(l.map((i) => i.language)).size === l.length, { message: 'one info block per language' }),
    area: AreaContentSchema,
  })
  .strict();
/** An alert's content as the handlers see it (defaults applied). */
export type AlertContent = z.infer<typeof AlertContentSchema>;
/** An alert's content as a client sends it. */
export type AlertContentInput = z.input<typeof AlertContentSchema>;

export const ApproveSchema = z.object({ contentHash: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'the contentHash of the version reviewed' }) }).strict();

export const AlertsQuerySchema = z.object({ state: z.string().regex(/^[a-z]{1,20}$/).optional().meta({ description: 'draft, submitted, approved, issued…' }) });

export const IdempotencyHeadersSchema = z.object({
  'Idempotency-Key': z.guid().optional().meta({ description: 'a UUID: a repeat with the same key answers the alert made the first time (200) instead of making another' }),
});

// ---- answers --------------------------------------------------------------------------------

const time = z.string().meta({ description: 'ISO 8601 time' });

/** A hazard template of the emergency plan (alerts.templates.ts): what a draft starts from. */
const TemplateText = z.object({ event: z.string(), headline: z.string(), description: z.string(), instruction: z.string() });
export const HazardTemplateSchema = z.object({
  id: z.string(),
  hazard: z.string().nullable().meta({ description: 'the risk_hazards id of the zones it usually applies to' }),
  category: z.array(z.string()),
  responseType: z.array(z.string()),
  urgency: z.string(),
  severity: z.string(),
  certainty: z.string(),
  hours: z.number().meta({ description: 'default validity in hours from onset' }),
  el: TemplateText,
  en: TemplateText,
});
export type HazardTemplate = z.infer<typeof HazardTemplateSchema>;
export const TemplatesResponseSchema = z.object({ templates: z.array(HazardTemplateSchema) });

/** An info block as stored; imported alerts may carry any language and CAP value. */
export const AlertInfoSchema = z.object({
  language: z.string(),
  category: z.array(z.string()),
  event: z.string(),
  responseType: z.array(z.string()),
  urgency: z.string(),
  severity: z.string(),
  certainty: z.string(),
  onset: time.nullable(),
  expires: time.nullable(),
  headline: z.string().nullable(),
  description: z.string().nullable(),
  instruction: z.string().nullable(),
  web: z.string().nullable(),
});
export type AlertInfo = z.infer<typeof AlertInfoSchema>;

const areaGeometry = AreaGeometrySchema.meta({ description: 'the area matched against subscribers, simplified to about 2 m' });
const PublicAreaSchema = z.object({ areaDesc: z.string(), geometry: areaGeometry });

export const AlertAreaSchema = PublicAreaSchema.extend({
  geometry: areaGeometry.nullable().meta({ description: 'null for an imported area given by geocodes only' }),
  circles: z.array(z.object({ lat: z.number(), lon: z.number(), radiusKm: z.number() })),
  zoneId: z.number().int().nullable(),
  simplified: z.boolean().meta({ description: 'the CAP polygons are a simplification of the area (100 vertices at most)' }),
  capPolygons: z.number().int().meta({ description: 'how many CAP <polygon>s the area gives' }),
});

const StaffRef = z.object({ id: z.number().int(), name: z.string().nullable() }).nullable();

export const AlertSummarySchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  sender: z.string(),
  sent: time.nullable().meta({ description: 'when it was issued (or sent, for imported alerts)' }),
  status: z.string().meta({ description: 'Actual, Exercise, Test (CAP <status>)' }),
  msgType: z.string().meta({ description: 'Alert, Update, Cancel' }),
  scope: z.string(),
  note: z.string().nullable(),
  state: z.string().meta({ description: 'draft, submitted, approved, issued, … (received for imported alerts)' }),
  origin: z.string().meta({ description: 'local or external' }),
  template: z.string().nullable(),
  referencesId: z.number().int().nullable(),
  createdBy: StaffRef,
  approvedBy: StaffRef,
  createdAt: time,
  approvedAt: time.nullable(),
  contentHash: z.string().meta({ description: 'hash of the current content: what an approval names' }),
  approvedHash: z.string().nullable(),
  expired: z.boolean(),
});
export type AlertSummary = z.infer<typeof AlertSummarySchema>;

export const AlertListSchema = z.object({ alerts: z.array(AlertSummarySchema.extend({ headline: z.string().nullable(), event: z.string().nullable() })) });
export type AlertListItem = z.infer<typeof AlertListSchema>['alerts'][number];

export const DeliveryCountSchema = z.object({
  channel: z.string().meta({ description: 'email or push' }),
  targeted: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  skipped: z.number().int(),
});

export const AlertDetailSchema = AlertSummarySchema.extend({
  info: z.array(AlertInfoSchema),
  areas: z.array(AlertAreaSchema),
  references: z.array(z.object({ id: z.number().int(), identifier: z.string(), sent: time.nullable() })).meta({ description: 'the chain it refers to, nearest first' }),
  followUps: z.array(z.object({ id: z.number().int(), msgType: z.string(), state: z.string() })),
  history: z.array(z.object({ at: time, action: z.string(), actorUserId: z.number().int().nullable(), actorRole: z.string().nullable(), reason: z.string().nullable() })),
  deliveries: z.array(DeliveryCountSchema),
});
export type AlertDetail = z.infer<typeof AlertDetailSchema>;

export const IssuedAlertSchema = AlertDetailSchema.extend({ issuedNow: z.boolean().meta({ description: 'false when it had been issued already' }) });

export const DeliveriesSchema = z.object({ channels: z.array(DeliveryCountSchema), deadLetterJobs: z.number().int().meta({ description: 'delivery jobs that failed every retry' }) });

export const ImportResultSchema = z.object({
  kind: z.enum(['cap', 'atom']),
  imported: z.array(z.object({ id: z.number().int(), identifier: z.string(), created: z.boolean().meta({ description: 'false when it had been imported already' }) })),
  refused: z.array(z.object({ ref: z.string(), code: z.string(), reason: z.string() })),
});

/** What the public sees of an alert: no author, approver, note or delivery. */
export const PublicAlertSchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  sent: time.nullable(),
  status: z.string(),
  msgType: z.string(),
  origin: z.string(),
  template: z.string().nullable(),
  info: z.array(AlertInfoSchema),
  areas: z.array(PublicAreaSchema),
});
export type PublicAlert = z.infer<typeof PublicAlertSchema>;
export const PublicAlertsSchema = z.object({ alerts: z.array(PublicAlertSchema) });
export type PublicAlerts = z.infer<typeof PublicAlertsSchema>;
