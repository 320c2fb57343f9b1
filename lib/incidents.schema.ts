/**
 * Input schemas and pure checks for citizen reports (no I/O, so the web form can reuse them).
 * Order of the geometry gate (docs/reliability.md "Geometry gate"): body limit → this schema
 * (exactly two finite numbers, no `crs`, no Feature) → world range → municipality bbox → PostGIS
 * ST_Covers.
 */
import { z } from 'zod';

export const INCIDENT_STATUSES = ['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const OPEN_STATUSES: readonly IncidentStatus[] = ['submitted', 'acknowledged', 'in_progress'];

export const CHANNELS = ['web', 'app', 'phone', 'email', 'counter', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Text without NUL (PostgreSQL refuses it) and without other C0 controls except tab/newline. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'control characters are not allowed');

/** A GeoJSON Point and nothing else: no `crs`, no bbox, no Feature wrapper, exactly [lon, lat]. */
export const PointSchema = z.strictObject({
  type: z.literal('Point'),
  coordinates: z.tuple([z.number().finite(), z.number().finite()]),
});

export const ContactSchema = z.strictObject({
  name: text(120).optional(),
  email: z.email().max(254).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ().-]{5,30}$/, 'a phone number of digits, spaces and + ( ) . -')
    .optional(),
});

const AnswerValue = z.union([text(500), z.number().finite(), z.boolean(), z.array(text(100)).max(20)]);

export const IncidentCreateSchema = z.strictObject({
  category: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/),
  description: text(2000).pipe(z.string().min(1)),
  location: PointSchema,
  contact: ContactSchema.optional(),
  /** Anonymous (the default): the name is not kept. Contact details are never public either way. */
  anonymous: z.boolean().default(true),
  /** Email me when the status changes (needs contact.email). @default true */
  notify: z.boolean().default(true),
  locale: z.enum(['el', 'en']).default('el'),
  answers: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), AnswerValue).optional(),
  channel: z.enum(['web', 'app', 'phone', 'email', 'counter']).default('web'),
});
export type IncidentCreate = z.infer<typeof IncidentCreateSchema>;

export const StatusChangeSchema = z.strictObject({
  status: z.enum(INCIDENT_STATUSES),
  /** Public update shown on the timeline and in the email. */
  note: text(2000).optional(),
  /** With status 'duplicate': the protocol number of the original. */
  duplicateOf: z.string().regex(/^\d{4}\/\d{6}$/).optional(),
});

export const CategoryChangeSchema = z.strictObject({ category: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/), note: text(2000).optional() });

/** Flattens zod issues into `[{ path, message }]` without echoing the input values. */
export function zodDetails(error: z.ZodError) {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Municipality bbox plus a margin, so obviously foreign points never reach PostGIS. */
export function insideBbox(lon: number, lat: number, bbox: [number, number, number, number] | null, margin = 0.01): boolean {
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) return false;
  if (!bbox) return false;
  return lon >= bbox[0] - margin && lon <= bbox[2] + margin && lat >= bbox[1] - margin && lat <= bbox[3] + margin;
}

/** docs/reliability.md T2: an email address or a phone-like run of 8+ digits inside free text. */
export function containsContactDetails(s: string): boolean {
  if (/[^\s@]+@[^\s@]+\.[a-z]{2,}/i.test(s)) return true;
  const runs = s.match(/\+?\d[\d\s().-]{6,}\d/g) ?? [];
  return runs.some((r) => r.replace(/\D/g, '').length >= 8);
}

/** One extra question of a category (Open311 attribute). */
export interface ExtraQuestion {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  order: number;
  description_el: string;
  description_en: string;
  values?: { key: string; name_el: string; name_en: string }[];
}

/** Checks answers against the category's questions; returns the cleaned answers or a reason. */
export function validateAnswers(questions: ExtraQuestion[], answers: Record<string, unknown> = {}): { answers: Record<string, unknown> } | { error: string } {
  const byCode = new Map(questions.map((q) => [q.code, q]));
  for (const code of Object.keys(answers)) if (!byCode.has(code)) return { error: `unknown question ${code}` };
  const out: Record<string, unknown> = {};
  for (const q of questions) {
    const v = answers[q.code];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
      if (q.required) return { error: `${q.code} is required` };
      continue;
    }
    const keys = new Set((q.values ?? []).map((x) => x.key));
    switch (q.datatype) {
      case 'singlevaluelist':
        if (typeof v !== 'string' || !keys.has(v)) return { error: `${q.code} must be one of ${[...keys].join(', ')}` };
        break;
      case 'multivaluelist':
        if (!Array.isArray(v) || !v.every((x) => keys.has(x))) return { error: `${q.code} must be a list of ${[...keys].join(', ')}` };
        break;
      case 'number':
        if (typeof v !== 'number') return { error: `${q.code} must be a number` };
        break;
      case 'datetime':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return { error: `${q.code} must be a date-time` };
        break;
      default:
        if (typeof v !== 'string') return { error: `${q.code} must be text` };
    }
    out[q.code] = v;
  }
  return { answers: out };
}

/** `2026/001234` (or `2026-001234`, the URL- and Open311-friendly form) → [year, seq]. */
export function parseProtocolNumber(s: string): [number, number] | null {
  const m = /^(\d{4})[/-](\d{1,6})$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const seq = Number(m[2]);
  if (year < 2000 || seq < 1) return null;
  return [year, seq];
}

export const formatProtocolNumber = (year: number, seq: number) => `${year}/${String(seq).padStart(6, '0')}`;
