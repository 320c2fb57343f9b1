import type { PathsObject } from '../../openapi.ts';
import { body, errors, inPath, inQuery, jsonBody, staffSession } from '../../openapi-parts.ts';
import { BulkSchema, MergeSchema, ModerationSchema, NoteSchema, PatchIncidentSchema, PRIORITIES, QUEUE_SORTS, SLA_STATES, StatusMoveSchema, TriageWorkOrderSchema } from './triage.schema.ts';

const tags = ['triage'];
const id = inPath('id');
const idList = { type: 'string', description: 'comma-separated, at most 50' };
const changed = { 200: body('{ incident, statusEventId }: the report in the queue shape after the change'), ...errors(400, 401, 403, 404, 422) };

const queueFilters = [
  inQuery('status', idList, 'statuses, or `open` / `closed`'),
  inQuery('category', idList),
  inQuery('department', idList),
  inQuery('district', idList),
  inQuery('priority', { ...idList, description: `of ${PRIORITIES.join(', ')}` }),
  inQuery('sla', { ...idList, description: `of ${SLA_STATES.join(', ')}` }),
  inQuery('minAgeHours', { type: 'number', minimum: 0 }),
  inQuery('maxAgeHours', { type: 'number', minimum: 0 }),
  inQuery('bbox', { type: 'string' }, 'minLon,minLat,maxLon,maxLat (WGS 84)'),
  inQuery('assigned', { type: 'string' }, '`me`, `none` or a user id'),
  inQuery('held', { type: 'string', enum: ['true', 'false'] }, 'only reports held for moderation (true) or only published ones (false)'),
];

export const triageOpenApi: PathsObject = {
  '/api/triage/meta': {
    get: { summary: 'Reference data of the triage desk: statuses, priorities, allowed transitions, SLA states, departments, districts, sorts', tags, security: staffSession, responses: { 200: body('{ statuses, openStatuses, priorities, transitions, slaStates, departments, districts, sorts }'), ...errors(401) } },
  },
  '/api/triage/incidents': {
    get: {
      summary: "The report queue the caller may see (department scope), filtered, sorted and paged, with the total for the pager; no reporter contact",
      tags,
      security: staffSession,
      parameters: [
        ...queueFilters,
        inQuery('sort', { type: 'string', enum: [...QUEUE_SORTS], default: 'newest' }),
        inQuery('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
        inQuery('offset', { type: 'integer', minimum: 0, maximum: 10000, default: 0 }),
      ],
      responses: { 200: body('{ incidents, total, limit, offset }'), ...errors(400, 401) },
    },
  },
  '/api/triage/incidents.geojson': {
    get: {
      summary: 'Every report the caller may see as GeoJSON points for the control-room map; gzip when accepted, ETag for 304, and X-Feed-Id: the feed position to resume /api/triage/stream from',
      tags,
      security: staffSession,
      responses: { 200: body('FeatureCollection of reports', 'application/geo+json'), 304: { description: 'unchanged since If-None-Match' }, ...errors(401) },
    },
  },
  '/api/triage/stream': {
    get: {
      summary: 'Server-sent events: `incident` changes in the caller scope, with staff fields; resumable with Last-Event-ID (header or `lastEventId` query)',
      tags,
      security: staffSession,
      parameters: [inQuery('lastEventId', { type: 'integer', minimum: 0 }, 'for clients that cannot set the Last-Event-ID header')],
      responses: { 200: body('event stream', 'text/event-stream'), ...errors(400, 401) },
    },
  },
  '/api/triage/incidents/{id}': {
    get: {
      summary: 'One report in full: timeline, photos, asset and its history, work orders, nearby possible duplicates; reporter contact only for those who may change it (404 and an audit row outside the caller scope)',
      tags,
      security: staffSession,
      parameters: [id],
      responses: { 200: body('{ incident, photos, timeline, asset, workOrders, nearby, permissions }'), ...errors(400, 401, 404) },
    },
    patch: {
      summary: 'Change priority, department, assignee, category and/or move the status, in one transaction (dispatcher, technician, admin)',
      tags,
      security: staffSession,
      parameters: [id],
      requestBody: jsonBody(PatchIncidentSchema),
      responses: changed,
    },
  },
  '/api/triage/incidents/{id}/status': {
    post: { summary: 'Move the status with a public note; a rejection must carry the reason the citizen reads', tags, security: staffSession, parameters: [id], requestBody: jsonBody(StatusMoveSchema), responses: changed },
  },
  '/api/triage/incidents/bulk': {
    post: {
      summary: 'One change over up to 500 reports in one transaction: every report must be writable and every status move allowed, else nothing changes',
      tags,
      security: staffSession,
      requestBody: jsonBody(BulkSchema),
      responses: { 200: body('{ updated, ids }'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/triage/incidents/{id}/merge': {
    post: {
      summary: 'Merge this report into a master report as its duplicate: supporters and subscribers carry over, the citizen is told',
      tags,
      security: staffSession,
      parameters: [id],
      requestBody: jsonBody(MergeSchema),
      responses: { 200: body('{ duplicate, master, eventId }'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/triage/incidents/{id}/notes': {
    post: {
      summary: 'An internal note (never public) or a public update (timeline and email to the subscribers)',
      tags,
      security: staffSession,
      parameters: [id],
      requestBody: jsonBody(NoteSchema),
      responses: { 201: body('{ eventId, public }'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/triage/incidents/{id}/moderation': {
    post: {
      summary: 'Publish or hide a report and/or edit its public description (the original stays in the audit log)',
      tags,
      security: staffSession,
      parameters: [id],
      requestBody: jsonBody(ModerationSchema),
      responses: { 200: body('{ incident }'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/triage/work-orders': {
    post: {
      summary: 'Open a repair work order from one or more reports: the first report with an asset lends it, its kind and its point; with startIncidents the open reports move to in_progress',
      tags,
      security: staffSession,
      requestBody: jsonBody(TriageWorkOrderSchema),
      responses: { 201: body('{ workOrder }'), ...errors(401, 403, 404, 422) },
    },
  },
  '/api/triage/photos/{file}': {
    get: {
      summary: 'A photo derivative (`<sha256>.jpg`) of any report in the caller scope, held-back and sensitive ones included',
      tags,
      security: staffSession,
      parameters: [inPath('file', { type: 'string', pattern: '^[0-9a-f]{64}\\.jpg$' })],
      responses: { 200: body('photo', 'image/jpeg', { type: 'string', format: 'binary' }), ...errors(401, 404) },
    },
  },
  '/tiles/staff/incidents/{z}/{x}/{y}.mvt': {
    get: {
      summary: 'Control-room vector tile of the reports in the caller department (all departments for admins); crew accounts use the GeoJSON instead (403)',
      tags,
      security: staffSession,
      parameters: [inPath('z', { type: 'integer', minimum: 0, maximum: 22 }), inPath('x', { type: 'integer', minimum: 0 }), inPath('y', { type: 'integer', minimum: 0 })],
      responses: { 200: body('Mapbox Vector Tile', 'application/vnd.mapbox-vector-tile', { type: 'string', format: 'binary' }), ...errors(400, 401, 403, 404) },
    },
  },
};
