/**
 * The control room's wire format of one report, declared once: the map snapshot
 * (GET /api/triage/incidents.geojson), the live stream (GET /api/triage/stream, `incident`
 * events) and the bench build it with staffIncidentFeature, and the web reads this type. Lean on
 * purpose: ids, status words and numbers for colouring, filters and the time slider; no free
 * text and no personal data (the queue and the detail carry those, for staff in scope).
 *
 * The field names are a contract with the control room and other feeds built on it: add fields,
 * do not rename them. The schemas document the snapshot and the stream and type the web (which
 * imports the types only).
 */
import { z } from 'zod';

export const SLA_STATES = ['ok', 'due_soon', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const StaffIncidentPropertiesSchema = z.object({
  number: z.string().meta({ description: 'protocol number, `2026/001234`' }),
  status: z.string(),
  priority: z.string(),
  category: z.string(),
  department: z.string(),
  district: z.string().nullable(),
  sla: z.enum(SLA_STATES),
  created: z.number().int().meta({ description: 'epoch seconds, so the time slider compares numbers' }),
  held: z.boolean().meta({ description: 'held back for moderation or hidden: not on the public map' }),
  assignedTo: z.number().int().nullable().meta({ description: "the assigned user's id (no name: names are in the queue row)" }),
  supportCount: z.number().int(),
  slaDueAt: z.string().meta({ format: 'date-time' }),
  updatedAt: z.string().meta({ format: 'date-time' }),
});
export type StaffIncidentProperties = z.infer<typeof StaffIncidentPropertiesSchema>;

export const StaffIncidentFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int().meta({ description: "the report's internal id (the triage routes' `{id}`)" }),
  geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]).meta({ description: '[lon, lat], WGS84, 6 decimals (~0.1 m)' }) }),
  properties: StaffIncidentPropertiesSchema,
});
export type StaffIncidentFeature = z.infer<typeof StaffIncidentFeatureSchema>;

/** The map snapshot (GET /api/triage/incidents.geojson). */
export const StaffIncidentCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(StaffIncidentFeatureSchema) });

/** What the encoder reads: one row of the staff incident query (triage.sql.ts staffIncidentRows). */
export interface StaffFeatureRow {
  id: number;
  number: string;
  status: string;
  priority: string;
  category_id: string;
  department_id: string;
  district_code: string | null;
  assigned_to: number | null;
  sla_state: string;
  sla_due_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
  held: boolean;
  support_count: number;
  lon: number;
  lat: number;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function staffIncidentFeature(r: StaffFeatureRow): StaffIncidentFeature {
  return {
    type: 'Feature',
    id: Number(r.id),
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: {
      number: r.number,
      status: r.status,
      priority: r.priority,
      category: r.category_id,
      department: r.department_id,
      district: r.district_code,
      sla: r.sla_state as SlaState,
      created: Math.floor(new Date(r.created_at).getTime() / 1000),
      held: r.held,
      assignedTo: r.assigned_to === null ? null : Number(r.assigned_to),
      supportCount: r.support_count,
      slaDueAt: iso(r.sla_due_at),
      updatedAt: iso(r.updated_at),
    },
  };
}

/** The snapshot body: a FeatureCollection as JSON text, one feature at a time (no intermediate array of objects). */
export function staffIncidentCollection(rows: Iterable<StaffFeatureRow>): string {
  const parts: string[] = [];
  for (const r of rows) parts.push(JSON.stringify(staffIncidentFeature(r)));
  return `{"type":"FeatureCollection","features":[${parts.join(',')}]}`;
}
