/**
 * The contract of the citizen reporting API (/api/incidents, /api/track, /api/public/incidents):
 * the public projection of a report (the allowlist of api/src/modules/incidents/incidents.public.ts),
 * the reporter's own view behind the private link, and the answers of intake, "me too" and photo
 * upload. The server validates and documents with these; the citizen web app is typed by them.
 */
import { z } from 'zod';
import { NamesSchema } from './names.schema.ts';

const instant = (description: string) => z.string().meta({ description: `${description} (ISO 8601)` });
const status = z.string().meta({ description: 'submitted, acknowledged, in_progress, resolved, closed, rejected or duplicate' });
/** A query parameter the handler checks itself, so its clients keep their error codes. */
const loose = (description: string) => z.string().optional().meta({ description });

export const PointGeometrySchema = z.object({
  type: z.literal('Point'),
  coordinates: z.tuple([z.number(), z.number()]).meta({ description: '[lon, lat] in EPSG:4326' }),
});

export const AssetLinkSchema = z
  .object({ id: z.number(), layer: z.string().nullable(), distanceM: z.number().nullable() })
  .nullable()
  .meta({ description: 'the nearest asset of the category’s layers within its radius, or null' });

export const PublicIncidentSchema = z.object({
  number: z.string().meta({ description: 'protocol number, `2026/001234`' }),
  category: z.string(),
  categoryName: NamesSchema,
  serviceCode: z.string().meta({ description: 'Open311 service_code of the category' }),
  status,
  open: z.boolean(),
  description: z.string().nullable().meta({ description: 'null for sensitive categories' }),
  address: z.string().nullable().meta({ description: 'nearest street name' }),
  asset: AssetLinkSchema,
  supportCount: z.number().meta({ description: '"me too" count' }),
  sensitive: z.boolean().meta({ description: 'the point is a ~200 m grid point' }),
  createdAt: instant('submitted at'),
  updatedAt: instant('last changed at'),
  expectedAt: instant('SLA due').nullable(),
  department: z.string(),
});
export type PublicIncident = z.infer<typeof PublicIncidentSchema>;

export const IncidentFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.string().meta({ description: 'the protocol number' }),
  geometry: PointGeometrySchema,
  properties: PublicIncidentSchema,
});
export type IncidentFeature = z.infer<typeof IncidentFeatureSchema>;

export const TimelineEntrySchema = z.object({
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  note: z.string().nullable().meta({ description: 'the public update' }),
  at: instant('when'),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const PhotoSchema = z.object({
  url: z.string().meta({ description: 'the re-encoded photo (2048 px, no metadata)' }),
  thumbnailUrl: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
});
export type Photo = z.infer<typeof PhotoSchema>;

const photos = {
  timeline: z.array(TimelineEntrySchema),
  photos: z.array(PhotoSchema).meta({ description: 'ready photos' }),
  photosProcessing: z.number().meta({ description: 'photos still being processed' }),
};

export const PublicReportSchema = IncidentFeatureSchema.extend(photos);
export type PublicReport = z.infer<typeof PublicReportSchema>;

export const TrackedReportSchema = z.object({
  number: z.string(),
  status,
  category: z.string(),
  categoryName: NamesSchema.nullable(),
  description: z.string(),
  answers: z.record(z.string(), z.unknown()).meta({ description: 'answers to the category questions, by question code' }),
  location: PointGeometrySchema,
  address: z.string().nullable(),
  asset: AssetLinkSchema,
  channel: z.string(),
  anonymous: z.boolean(),
  contact: z
    .object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() })
    .meta({ description: 'the reporter’s own data, shown only behind the private link' }),
  published: z.boolean().meta({ description: 'false while held for moderation or hidden' }),
  supportCount: z.number(),
  createdAt: instant('submitted at'),
  updatedAt: instant('last changed at'),
  expectedAt: instant('SLA due').nullable(),
  ...photos,
  photoUploadUrl: z.string(),
});
export type TrackedReport = z.infer<typeof TrackedReportSchema>;

export const CreatedReportSchema = z.object({
  number: z.string().meta({ example: '2026/001234' }),
  token: z.string().meta({ description: 'private tracking token: keep it; only its hash is stored' }),
  trackingUrl: z.string(),
  publicId: z.string().meta({ description: 'Open311 token (uuid)' }),
  status,
  category: z.string(),
  department: z.string(),
  asset: AssetLinkSchema,
  address: z.string().nullable().meta({ description: 'nearest street name' }),
  possibleDuplicateOf: z.string().nullable().meta({ description: 'an open report of the category nearby' }),
  awaitingModeration: z.boolean(),
  photoUploadUrl: z.string(),
});
export type CreatedReport = z.infer<typeof CreatedReportSchema>;

export const NearbyQuerySchema = z.object({
  lon: loose('required: longitude (EPSG:4326); 400 invalid_parameter otherwise'),
  lat: loose('required: latitude (EPSG:4326)'),
  category: loose('required: the category id'),
});

export const NearbyReportsSchema = z.object({
  radiusM: z.number(),
  days: z.number(),
  incidents: z.array(IncidentFeatureSchema.extend({ properties: PublicIncidentSchema.extend({ distanceM: z.number() }) })),
});
export type NearbyReports = z.infer<typeof NearbyReportsSchema>;
/** One open report near the pin, with its distance. */
export type NearbyReport = NearbyReports['incidents'][number];

export const SupportAnswerSchema = z.object({ number: z.string(), counted: z.boolean(), supportCount: z.number() });
export type SupportAnswer = z.infer<typeof SupportAnswerSchema>;

export const PhotoUploadAnswerSchema = z.object({
  id: z.number(),
  status: z.string().meta({ description: 'pending until the worker has re-encoded it' }),
  duplicate: z.boolean().meta({ description: 'the same photo was already attached' }),
  width: z.number(),
  height: z.number(),
});
export type PhotoUploadAnswer = z.infer<typeof PhotoUploadAnswerSchema>;

export const StatusChangeAnswerSchema = z.object({ number: z.string(), status, previousStatus: z.string(), eventId: z.number().nullable() });

export const TrackParamsSchema = z.object({ token: z.string().meta({ description: 'the private tracking token returned once at submission (43 characters)' }) });

const mapFilters = {
  bbox: loose('minLon,minLat,maxLon,maxLat (EPSG:4326); 400 invalid_bbox'),
  category: loose('comma list of category ids'),
  status: loose('comma list of statuses, or `open` / `closed`'),
};
export const PublicIncidentsQuerySchema = z.object({ ...mapFilters, limit: loose('at most this many features (positive integer, capped at 5000)') });
export const ClustersQuerySchema = z.object({ ...mapFilters, zoom: loose('required: map zoom, integer 0-22') });

export const IncidentCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(IncidentFeatureSchema),
  numberReturned: z.number(),
  truncated: z.boolean().meta({ description: 'more reports match than were returned' }),
});
export type IncidentCollection = z.infer<typeof IncidentCollectionSchema>;

export const ClusterCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  zoom: z.number(),
  truncated: z.boolean(),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: PointGeometrySchema,
      properties: z.object({
        count: z.number(),
        openCount: z.number(),
        number: z.string().nullable().meta({ description: 'the report of a single-report cell' }),
        category: z.string().nullable().meta({ description: 'the category when the cell has one' }),
      }),
    }),
  ),
});
export type ClusterCollection = z.infer<typeof ClusterCollectionSchema>;

/** `/incidents/{year}/{seq}`: the protocol number `2026/001234` in two path segments. */
export const NumberParamsSchema = z.object({
  year: z.string().regex(/^[0-9]{4}$/).meta({ description: 'protocol number, first part (`2026` of `2026/001234`)' }),
  seq: z.string().regex(/^[0-9]{1,6}$/).meta({ description: 'protocol number, second part (`001234`)' }),
});
export const NumberSegmentParamsSchema = z.object({ number: z.string().regex(/^[0-9]{4}-[0-9]{1,6}$/).meta({ description: 'the protocol number with a hyphen, `2026-001234`' }) });

const photoFile = z.string().regex(/^[0-9a-f]{64}\.jpg$/).meta({ description: 'a photo or thumbnail, `{sha256}.jpg`' });
export const PhotoFileParamsSchema = z.object({ file: photoFile });
export const TrackPhotoParamsSchema = TrackParamsSchema.extend({ file: photoFile });
export const PhotoUploadSchema = z.object({ photo: z.string().meta({ format: 'binary', description: 'one JPEG, PNG or WebP (by content), at most 10 MB' }) });
export const TrackingTokenHeaderSchema = z.object({ 'x-tracking-token': z.string().meta({ description: 'the private token (a header, so it is never in a URL)' }) });
export const DeviceHeaderSchema = z.object({ 'x-device-id': loose('random id kept by the app (8-128 of A-Z a-z 0-9 _ -): a second rate-limit and "me too" key') });
export const IntakeHeadersSchema = DeviceHeaderSchema.extend({
  'idempotency-key': loose('a random id per submit (8-200 visible ASCII); a retry with the same key and body returns the same report and token (200, Idempotent-Replayed: true); with another body 422 idempotency_key_reused'),
});
