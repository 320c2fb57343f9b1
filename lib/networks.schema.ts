/**
 * The contract of the networks routes (api/src/modules/networks): request bodies (strict: an
 * unknown field is a 422, never ignored) and the answers the control room's Trace tool is typed by.
 */
import { z } from 'zod';
import { featureCollection, GeometrySchema, PointSchema } from './geojson.schema.ts';
import { NamesSchema } from './names.schema.ts';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const note = z.string().trim().max(500);
const timestamp = z.string().meta({ description: 'ISO 8601 instant' });

export const TRACE_KINDS = ['isolation', 'upstream', 'downstream'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

// ---- requests ----

/** A network id in the path; checked by the handler, which answers 400 `invalid_network`. */
export const NetworkParamsSchema = z.object({ id: z.string().meta({ description: 'network id, ^[a-z][a-z0-9_]{1,62}$' }) });
/** A numeric id in the path: 400 `invalid_id` when it is not a positive integer. */
const positiveId = z.string().regex(/^[0-9]{1,15}$/).meta({ description: 'a positive integer' });
export const IdParamsSchema = z.object({ id: positiveId });
export const ValveParamsSchema = z.object({ nodeId: positiveId });

export const TraceQuerySchema = z.object({
  kind: z.string().optional().meta({ description: `${TRACE_KINDS.join(' | ')}, default isolation; upstream and downstream need a gravity network (400 invalid_parameter)` }),
  edge: z.string().optional().meta({ description: 'network edge id; exactly one of edge and asset (400 edge_required)' }),
  asset: z.string().optional().meta({ description: 'pipe asset id; exactly one of edge and asset' }),
  lon: z.string().optional().meta({ description: 'with asset: the piece of the pipe nearest this point; lon and lat together (400 invalid_point)' }),
  lat: z.string().optional(),
});
export const SupplyQuerySchema = z.object({ failed: z.string().optional().meta({ description: 'comma-separated source node ids, at most 100' }) });
export const OutagesQuerySchema = z.object({ open: z.string().optional().meta({ description: 'open outages only unless `false`' }) });

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
    publicNote: note.optional().meta({ description: 'published as written: no phone numbers or e-mail addresses (422 contact_details_in_note)' }),
    workOrderId: id.optional(),
  })
  .refine((b) => (b.edgeId === undefined) !== (b.assetId === undefined), { message: 'give exactly one of edgeId and assetId', path: ['edgeId'] })
  .refine((b) => b.restorationEta >= b.startsAt, { message: 'restorationEta is before startsAt', path: ['restorationEta'] });

export const PatchOutageSchema = z.strictObject({
  status: z.enum(['active', 'restored', 'cancelled']).optional(),
  restorationEta: instant.nullable().optional(),
  publicNote: note.nullable().optional().meta({ description: 'no phone numbers or e-mail addresses' }),
});

// ---- answers ----

/** The validation report of a topology build (network_build); empty before the first build. */
export const NetworkReportSchema = z
  .object({
    network: z.string(),
    nodes: z.number(),
    edges: z.number(),
    sources: z.number(),
    valves: z.number(),
    connections: z.number(),
    dangling_ends: z.number(),
    components: z.number(),
    components_without_source: z.number(),
    unsnapped: z.record(z.string(), z.number()).meta({ description: 'features too far from the network to snap, by kind' }),
    srid: z.number(),
    ms: z.number(),
  })
  .partial();

export const NetworkSummarySchema = z.object({
  id: z.string(),
  name: NamesSchema,
  flow: z.enum(['pressurised', 'gravity']),
  builtAt: timestamp.nullable(),
  stale: z.boolean().meta({ description: 'a layer changed since the last build' }),
  report: NetworkReportSchema,
});
export type NetworkSummary = z.infer<typeof NetworkSummarySchema>;
export const NetworksResponseSchema = z.object({ networks: z.array(NetworkSummarySchema) });
export const BuildResponseSchema = z.object({ report: NetworkReportSchema });

export const ValidationResponseSchema = z.object({
  network: z.string(),
  builtAt: timestamp.nullable(),
  stale: z.boolean(),
  report: NetworkReportSchema,
  issues: featureCollection(PointSchema, z.object({ issue: z.string(), assetId: z.number().nullable(), nodeId: z.number().nullable(), distanceM: z.number().nullable() })),
});
export type ValidationResponse = z.infer<typeof ValidationResponseSchema>;

/** The properties of each feature of a trace's GeoJSON, built in SQL (networks.sql.ts traceGeojson). */
export const TraceFeaturePropsSchema = z.object({
  role: z.enum(['valve_to_close', 'source_to_shut', 'isolated_edge', 'unsupplied_edge', 'edge', 'node', 'connection', 'building']),
  element: z.enum(['node', 'edge', 'connection', 'asset']),
  id: z.number().nullable(),
  asset_id: z.number().nullable(),
  depth: z.number().nullable(),
  detail: z.string().nullable(),
  name: z.string().nullable(),
  layer_id: z.string().nullable(),
  external_id: z.string().nullable(),
});
export type TraceFeatureProps = z.infer<typeof TraceFeaturePropsSchema>;
export const TraceFeatureCollectionSchema = featureCollection(GeometrySchema, TraceFeaturePropsSchema);
export type TraceFeatureCollection = z.infer<typeof TraceFeatureCollectionSchema>;

export const FacilitySchema = z.object({ assetId: z.number(), layerId: z.string(), name: z.string().nullable() });
export type Facility = z.infer<typeof FacilitySchema>;

export const TraceResultSchema = z.object({
  network: z.string(),
  trace: z.enum(TRACE_KINDS),
  status: z.string().meta({ description: 'ok | disconnected | truncated | unknown_edge | not_gravity' }),
  edge: z.object({ id: z.number(), assetId: z.number().nullable() }),
  summary: z.object({
    valvesToClose: z.number(),
    sourcesToShut: z.number(),
    isolatedPipes: z.number(),
    unsuppliedPipes: z.number(),
    pipes: z.number(),
    connections: z.number(),
    buildings: z.number(),
  }),
  facilities: z.array(FacilitySchema).meta({ description: 'schools, kindergartens and municipal buildings cut off' }),
  geojson: TraceFeatureCollectionSchema,
});
export type TraceResult = z.infer<typeof TraceResultSchema>;

export const SupplyResponseSchema = z.object({
  network: z.string(),
  status: z.string().optional(),
  summary: z.object({ unsuppliedPipes: z.number(), buildings: z.number() }),
  geojson: TraceFeatureCollectionSchema,
});

export const ValveResponseSchema = z.object({ nodeId: z.number(), assetId: z.number().nullable(), operable: z.boolean() });
export type ValveResponse = z.infer<typeof ValveResponseSchema>;

export const OutageSchema = z.object({
  id: z.number(),
  network: z.string(),
  kind: z.enum(['unplanned', 'planned']),
  trace: z.string(),
  status: z.enum(['active', 'scheduled', 'restored', 'cancelled']),
  edgeId: z.number().nullable(),
  assetId: z.number().nullable(),
  incident: z.object({ id: z.number(), number: z.string().nullable() }).nullable(),
  workOrderId: z.number().nullable(),
  summary: z.object({ valvesToClose: z.number(), pipes: z.number(), connections: z.number(), buildings: z.number() }),
  facilities: z.array(FacilitySchema),
  area: GeometrySchema.nullable().meta({ description: 'the affected pipes and buildings buffered 25 m' }),
  startsAt: timestamp,
  restorationEta: timestamp.nullable(),
  restoredAt: timestamp.nullable(),
  publicNote: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Outage = z.infer<typeof OutageSchema>;

/** Other open reports inside the outage area on the same network, offered for grouping. */
export const CandidateSchema = z.object({ id: z.number(), number: z.string(), status: z.string(), categoryId: z.string(), createdAt: timestamp });
export type Candidate = z.infer<typeof CandidateSchema>;

export const IncidentTraceResponseSchema = z.object({ outage: OutageSchema, retraced: z.boolean(), trace: TraceResultSchema, candidates: z.array(CandidateSchema) });
export type IncidentTraceResponse = z.infer<typeof IncidentTraceResponseSchema>;
export const PlannedOutageResponseSchema = z.object({ outage: OutageSchema, trace: TraceResultSchema });
export const OutageResponseSchema = z.object({ outage: OutageSchema });
export const OutagesResponseSchema = z.object({ outages: z.array(OutageSchema) });
export const OutageDetailSchema = z.object({ outage: OutageSchema, geojson: TraceFeatureCollectionSchema, candidates: z.array(CandidateSchema) });

/** GET /api/public/outages: open outages through the view without personal data. */
export const PublicOutagesSchema = featureCollection(
  GeometrySchema,
  z.object({
    id: z.number(),
    network: z.string(),
    network_name_el: z.string(),
    network_name_en: z.string(),
    kind: z.enum(['unplanned', 'planned']),
    status: z.enum(['active', 'scheduled']),
    starts_at: timestamp,
    restoration_eta: timestamp.nullable(),
    note: z.string().nullable().meta({ description: 'the public note, free of contact details' }),
    connections_affected: z.number(),
  }),
);
