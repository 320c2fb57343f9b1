/**
 * OpenAPI paths of citizen reporting (incidents, categories, photos, tracking, public map data,
 * staff entry) and the Open311 GeoReport v2 server. The citizen web UI is built against this.
 */
import type { PathsObject } from '../../openapi.ts';

const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const year = { name: 'year', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{4}$' }, description: 'protocol number, first part (`2026` of `2026/001234`)' };
const seq = { name: 'seq', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{1,6}$' }, description: 'protocol number, second part (`001234`)' };
const token = { name: 'token', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' }, description: 'the private tracking token returned once at submission' };
const staffHeaders = [
  { name: 'Cookie', in: 'header', required: true, schema: { type: 'string' }, description: 'the staff session cookie from POST /api/auth/login; dispatcher or technician of the report\'s department (admin, dispatcher: any)' },
];
const bboxParam = { name: 'bbox', in: 'query', schema: { type: 'string' }, description: 'minLon,minLat,maxLon,maxLat (EPSG:4326)' };
const categoryFilter = { name: 'category', in: 'query', schema: { type: 'string' }, description: 'comma list of category ids' };
const statusFilter = { name: 'status', in: 'query', schema: { type: 'string' }, description: 'comma list of statuses, or `open` / `closed`' };
const fmt = (tail: string) => ({ name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['json', 'xml'] }, description: `response format (${tail})` });

const point = { type: 'object', required: ['type', 'coordinates'], additionalProperties: false, properties: { type: { const: 'Point' }, coordinates: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' }, description: '[lon, lat] in EPSG:4326; must be inside the municipality' } } };

const incidentCreate = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'description', 'location'],
  properties: {
    category: { type: 'string', description: 'category id from GET /api/categories' },
    description: { type: 'string', minLength: 1, maxLength: 2000, description: 'shown publicly (not for sensitive categories); contact details in it hold the report for moderation' },
    location: point,
    contact: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', maxLength: 120 }, email: { type: 'string', format: 'email' }, phone: { type: 'string' } }, description: 'never public' },
    anonymous: { type: 'boolean', default: true, description: 'true: the name is not kept' },
    notify: { type: 'boolean', default: true, description: 'email status changes to contact.email' },
    locale: { type: 'string', enum: ['el', 'en'], default: 'el', description: 'language of the emails' },
    answers: { type: 'object', description: 'answers to the category questions, by question code' },
    channel: { type: 'string', enum: ['web', 'app', 'phone', 'email', 'counter'], default: 'web', description: 'phone/email/counter need a staff session' },
  },
};

const created = {
  type: 'object',
  properties: {
    number: { type: 'string', example: '2026/001234' },
    token: { type: 'string', description: 'private tracking token: keep it; only its hash is stored' },
    trackingUrl: { type: 'string' },
    publicId: { type: 'string', format: 'uuid', description: 'Open311 token' },
    status: { type: 'string' },
    category: { type: 'string' },
    department: { type: 'string' },
    asset: { type: ['object', 'null'], properties: { id: { type: 'integer' }, layer: { type: 'string' }, distanceM: { type: 'number' } } },
    address: { type: ['string', 'null'], description: 'nearest street name' },
    possibleDuplicateOf: { type: ['string', 'null'] },
    awaitingModeration: { type: 'boolean' },
    photoUploadUrl: { type: 'string' },
  },
};

export const incidentsOpenApi: PathsObject = {
  '/api/incidents': {
    post: {
      summary: 'Submit a report',
      description:
        'JSON only (415 otherwise), body ≤ 1 MB (413). The point must be inside the municipality (422 out_of_bounds). The protocol number and the tracking token are issued in the same transaction as the insert; the report is linked to the nearest asset of its category within the category radius and named after the nearest street. Photos are uploaded afterwards, one per request, to photoUploadUrl. Rate limited per IP and per X-Device-Id (429 with Retry-After).',
      tags: ['incidents'],
      parameters: [
        { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', minLength: 8, maxLength: 200 }, description: 'a random id per submit; a retry with the same key and body returns the same report and token (200, Idempotent-Replayed: true); with another body 422 idempotency_key_reused' },
        { name: 'X-Device-Id', in: 'header', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' }, description: 'random id kept by the app: second rate-limit key' },
        { ...staffHeaders[0], required: false, description: 'staff session cookie: staff entry (channel phone/email/counter)' },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: incidentCreate } } },
      responses: { 201: { description: 'created', content: { 'application/json': { schema: created } } }, 200: { description: 'idempotent replay' }, 400: error, 401: error, 413: error, 415: error, 422: error, 429: error, 503: error },
    },
  },
  '/api/incidents/nearby': {
    get: {
      summary: 'Open public reports of a category near a point (the form offers "me too" instead of a duplicate)',
      tags: ['incidents'],
      parameters: [
        { name: 'lon', in: 'query', required: true, schema: { type: 'number' } },
        { name: 'lat', in: 'query', required: true, schema: { type: 'number' } },
        { name: 'category', in: 'query', required: true, schema: { type: 'string' } },
      ],
      responses: { 200: { description: '{ radiusM, days, incidents: Feature[] } (properties.distanceM)' }, 400: error, 422: error },
    },
  },
  '/api/incidents/{year}/{seq}': { get: { summary: 'Public report page by protocol number: public projection, public timeline, ready photos (`/api/incidents/2026-001234` also works)', tags: ['incidents'], parameters: [year, seq], responses: { 200: { description: 'Feature + timeline[] + photos[] + photosProcessing' }, 404: error } } },
  '/api/incidents/{number}': { get: { summary: 'Public report page by protocol number written as one segment (`2026-001234`): the same answer as /api/incidents/{year}/{seq}', tags: ['incidents'], parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{4}-[0-9]{1,6}$' } }], responses: { 200: { description: 'Feature + timeline[] + photos[] + photosProcessing' }, 404: error } } },
  '/api/incidents/{year}/{seq}/support': { post: { summary: '"Me too": counted once per device and per IP (stored as HMACs only)', tags: ['incidents'], parameters: [year, seq, { name: 'X-Device-Id', in: 'header', schema: { type: 'string' } }], responses: { 201: { description: '{ counted: true, supportCount }' }, 200: { description: '{ counted: false } already supported' }, 404: error, 409: error, 429: error } } },
  '/api/incidents/{year}/{seq}/photos': {
    post: {
      summary: 'Attach a photo (max 5 per report, 10 MB each; JPEG, PNG or WebP by content)',
      description: 'multipart/form-data with one file in field `photo`. Answers 202 at once; the worker re-encodes (rotation applied, 2048 px, no metadata, thumbnail) and the tracking page lists it when ready. 415 for other types (HEIC: convert on the phone), 422 empty_photo / truncated_image / corrupt_image / too_many_pixels (> 40 MP) / too_many_photos, 413 over 10 MB, 429 per-IP daily quota.',
      tags: ['incidents'],
      parameters: [year, seq, { name: 'X-Tracking-Token', in: 'header', required: true, schema: { type: 'string' }, description: 'the private token (a header, so it is never in a URL)' }],
      requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { photo: { type: 'string', format: 'binary' } } } } } },
      responses: { 202: { description: '{ id, status: pending }' }, 200: { description: 'the same photo was already attached' }, 404: error, 413: error, 415: error, 422: error, 429: error },
    },
  },
  '/api/incidents/{year}/{seq}/status': {
    patch: {
      summary: 'Staff: change status (submitted → acknowledged → in_progress → resolved → closed, plus rejected, duplicate); writes a public timeline entry and enqueues the status email in the same transaction',
      tags: ['incidents', 'staff'],
      parameters: [year, seq, ...staffHeaders],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string' }, note: { type: 'string', maxLength: 2000, description: 'public update' }, duplicateOf: { type: 'string' } } } } } },
      responses: { 200: { description: '{ number, status, previousStatus, eventId }' }, 401: error, 404: error, 422: error },
    },
  },
  '/api/track/{token}': { get: { summary: 'Private tracking link: the report with the reporter\'s own contact data, timeline and photos (Cache-Control: no-store)', tags: ['incidents'], parameters: [token], responses: { 200: { description: 'report' }, 404: error } } },
  '/api/track/{token}/photos/{file}': { get: { summary: 'A photo derivative of the tracked report (also before publication)', tags: ['incidents'], parameters: [token, { name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}\\.jpg$' } }], responses: { 200: { description: 'image/jpeg' }, 404: error } } },
  '/api/photos/{file}': { get: { summary: 'A re-encoded photo or thumbnail (`{sha256}.jpg`) of a public, non-sensitive report; never the uploaded bytes', tags: ['incidents'], parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}\\.jpg$' } }], responses: { 200: { description: 'image/jpeg, immutable' }, 404: error } } },
  '/api/public/incidents': {
    get: {
      summary: 'Public map data: GeoJSON from the public projection (no personal field; sensitive categories at a ~200 m grid point)',
      tags: ['incidents'],
      parameters: [bboxParam, categoryFilter, statusFilter, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 5000 } }],
      responses: { 200: { description: 'FeatureCollection with numberReturned and truncated (at most 5000 features)' }, 400: error },
    },
  },
  '/api/public/incidents/clusters': {
    get: {
      summary: 'Server-side grid aggregation (64 px cells at the zoom) for any number of incidents',
      tags: ['incidents'],
      parameters: [bboxParam, { name: 'zoom', in: 'query', required: true, schema: { type: 'integer', minimum: 0, maximum: 22 } }, categoryFilter, statusFilter],
      responses: { 200: { description: 'FeatureCollection of points with properties { count, openCount, number (single-report cells), category }' }, 400: error },
    },
  },
  '/api/public/incidents/stream': {
    get: {
      summary: 'Live updates (server-sent events, PostgreSQL LISTEN/NOTIFY): `event: incident` with a public Feature, `id` = feed id; send Last-Event-ID (or ?lastEventId) to get what was missed; `event: reset` means reload',
      tags: ['incidents'],
      parameters: [{ name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }],
      responses: { 200: { description: 'text/event-stream' }, 400: error },
    },
  },
  '/open311/v2/discovery.{format}': { get: { summary: 'Open311 GeoReport v2 discovery', tags: ['open311'], parameters: [fmt('json or xml')], responses: { 200: { description: 'discovery' } } } },
  '/open311/v2/services.{format}': { get: { summary: 'Open311 service list (one per category); ?locale=en for English', tags: ['open311'], parameters: [fmt('json or xml')], responses: { 200: { description: 'services' } } } },
  '/open311/v2/services/{service_code}.{format}': { get: { summary: 'Open311 service definition: the category questions as attributes', tags: ['open311'], parameters: [{ name: 'service_code', in: 'path', required: true, schema: { type: 'string' } }, fmt('json or xml')], responses: { 200: { description: 'service_definition' }, 404: { description: 'errors' } } } },
  '/open311/v2/requests.{format}': {
    get: {
      summary: 'Open311 requests (public projection): service_request_id, service_code, status (open|closed), start_date, end_date (default: last 90 days), page, page_size (≤ 1000)',
      tags: ['open311'],
      parameters: [fmt('json or xml')],
      responses: { 200: { description: 'service_requests' }, 400: { description: 'errors' }, 401: { description: 'api_key in the URL: refused and revoked' } },
    },
    post: {
      summary: 'Open311 create request: application/x-www-form-urlencoded with api_key (body only), service_code, lat, long, description, email, phone, first_name, last_name, attribute[code]',
      description: 'service_request_id is the protocol number with a hyphen (2026-001234). media_url is ignored (photos: POST /api/incidents/{year}/{seq}/photos). An api_key in the query string gets 401 and the key is revoked.',
      tags: ['open311'],
      parameters: [fmt('json or xml')],
      responses: { 201: { description: '[{ service_request_id, token, service_notice, account_id }]' }, 400: { description: 'errors' }, 401: { description: 'errors' }, 403: { description: 'errors' }, 404: { description: 'errors' }, 422: { description: 'errors' }, 429: { description: 'errors' } },
    },
  },
  '/open311/v2/requests/{service_request_id}.{format}': { get: { summary: 'One Open311 request', tags: ['open311'], parameters: [{ name: 'service_request_id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{4}-[0-9]{1,6}$' } }, fmt('json or xml')], responses: { 200: { description: 'service_requests' }, 404: { description: 'errors' } } } },
  '/open311/v2/tokens/{token}.{format}': { get: { summary: 'Open311 token → service_request_id', tags: ['open311'], parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, fmt('json or xml')], responses: { 200: { description: 'service_requests' }, 404: { description: 'errors' } } } },
};
