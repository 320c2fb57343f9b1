/**
 * The contract of the statistics routes (api/src/modules/stats): the staff charts, the public
 * transparency figures and their CSV exports. The query is declared loosely (strings) because
 * the handler gives its clients' `invalid_parameter` code with a precise message; the real
 * constraints are in the descriptions. The control room's statistics view is typed by these.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

/** A list filter of the query: comma-separated codes. */
const codes = (what: string) => z.string().optional().meta({ description: `comma-separated ${what} codes, at most 50` });
const day = (description: string) => z.string().optional().meta({ description: `YYYY-MM-DD, ${description}`, format: 'date' });

export const StatsQuerySchema = z.object({
  from: day("first day (the municipality's calendar), inclusive; default 90 days before `to`"),
  to: day("last day (the municipality's calendar), inclusive; default now; at most 3 × 366 days after `from`"),
  category: codes('category'),
  department: codes('department'),
  district: codes('district'),
});

export const StatsIntervalQuerySchema = StatsQuerySchema.extend({
  interval: z.string().optional().meta({ description: '`day` (default), `week` or `month`; a daily series covers at most 400 days' }),
});

const durations = z.object({
  count: z.number().int(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable().meta({ description: '90th percentile' }),
});

/** One group's figures: every report of the group created in the range. */
export const StatsFiguresSchema = z.object({
  key: z.string().nullable().meta({ description: 'the status, category, department or district code; null for the overall figures and for reports without a district' }),
  name: NamesSchema.nullable(),
  count: z.number().int(),
  open: z.number().int(),
  acknowledge: durations.meta({ description: 'time from the report to its acknowledgement' }),
  resolve: durations.meta({ description: 'time from the report to its first resolution' }),
  sla: z.object({
    met: z.number().int(),
    breached: z.number().int(),
    pending: z.number().int(),
    compliancePercent: z.number().nullable().meta({ description: 'met / (met + breached), one decimal; null when none is decided' }),
  }),
});
export type StatsFigures = z.infer<typeof StatsFiguresSchema>;

export const StatsSummarySchema = z.object({
  from: z.string().meta({ format: 'date-time', description: 'start of the range, inclusive' }),
  to: z.string().meta({ format: 'date-time', description: 'end of the range, exclusive' }),
  overall: StatsFiguresSchema.nullable(),
  byStatus: z.array(StatsFiguresSchema),
  byCategory: z.array(StatsFiguresSchema),
  byDepartment: z.array(StatsFiguresSchema),
  byDistrict: z.array(StatsFiguresSchema),
});
export type StatsSummary = z.infer<typeof StatsSummarySchema>;

const interval = z.enum(['day', 'week', 'month']);
const bucket = {
  bucket: z.string().meta({ format: 'date-time', description: "the bucket's first instant (local midnight)" }),
  created: z.number().int(),
  resolved: z.number().int(),
  breached: z.number().int(),
};

export const StatsTrendsSchema = z.object({
  interval,
  series: z.array(z.object({ ...bucket, ackMedianSeconds: z.number().nullable(), resolveMedianSeconds: z.number().nullable() })),
});
export type StatsTrends = z.infer<typeof StatsTrendsSchema>;

export const PublicStatsSchema = StatsSummarySchema.extend({
  interval,
  trend: z.array(z.object(bucket)).meta({ description: 'empty when a daily series would exceed 400 days' }),
});
export type PublicStats = z.infer<typeof PublicStatsSchema>;

/** The CSV exports: one row per group (dimension, key, names, the figures). */
export const StatsCsvSchema = z.string().meta({ description: 'one row per status, category, department and district total; UTF-8 with a BOM, CRLF lines; a text cell a spreadsheet would run as a formula is prefixed with an apostrophe' });
