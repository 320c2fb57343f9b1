/** Request bodies of the alerts API (strict: unknown fields are refused, never written). */
import { z } from 'zod';

const CATEGORY = ['Geo', 'Met', 'Safe', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
const RESPONSE = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;

const capText = (max: number) => z.string().trim().min(1).max(max);

export const InfoSchema = z
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

export const AreaSchema = z
  .object({
    description: capText(500),
    zoneIds: z.array(z.number().int().positive()).max(20).default([]),
    /** GeoJSON Polygon or MultiPolygon drawn on the map; checked by lib/area.ts. */
    polygon: z.unknown().optional(),
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
      .array(InfoSchema)
      .min(1)
      .max(2)
      .refine((l) => new Set(l.map((i) => i.language)).size === l.length, { message: 'one info block per language' }),
    area: AreaSchema,
  })
  .strict();
export type AlertContent = z.infer<typeof AlertContentSchema>;

export const ApproveSchema = z.object({ contentHash: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
